"""A traced agent, logged by the real MLflow client to the collector's mlflow receiver.

Env: MLFLOW_TRACKING_URI (the receiver), STUB_LLM_URL (the stub LLM's /v1 base URL).
"""

import os

import mlflow
import openai

mlflow.set_experiment("receiver-it")
mlflow.openai.autolog()
client = openai.OpenAI(base_url=os.environ["STUB_LLM_URL"], api_key="sk-test")


@mlflow.trace(span_type="TOOL")
def get_weather(city):
    return {"city": city, "temp_c": 21}


@mlflow.trace(span_type="AGENT")
def agent(question):
    mlflow.update_current_trace(
        tags={"team": "search"},
        metadata={"app.version": "1.2.3"},
        session_id="sess-42",
        user="alice",
    )
    weather = get_weather("Paris")
    answer = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"{question} ({weather['temp_c']}C)"}],
    )
    return answer.choices[0].message.content


print(agent("What is the weather in Paris?"))
mlflow.flush_trace_async_logging()
