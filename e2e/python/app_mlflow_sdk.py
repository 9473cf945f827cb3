"""An agent traced with MLflow's own SDK (end-to-end test app).

`@mlflow.trace` spans (an agent with a nested tool call) and an `mlflow.openai.autolog()` call
against the stub LLM (OPENAI_BASE_URL). It logs to MLFLOW_TRACKING_URI, which is either the real
tracking server or the collector's mlflow receiver: the app cannot tell the difference.
With APP_SET_TRACE_INFO set, it also sets a client request id, both previews and state ERROR.
Prints one JSON line: {"trace_id": "<32 hex>", "answer": ...}.
"""

import json
import os

import mlflow
import openai

mlflow.set_experiment(os.environ["MLFLOW_EXPERIMENT_NAME"])
mlflow.openai.autolog()
client = openai.OpenAI()


@mlflow.trace(span_type="TOOL")
def get_weather(city):
    return {"city": city, "forecast": "sunny", "celsius": 21}


@mlflow.trace(span_type="AGENT")
def weather_agent(question):
    mlflow.update_current_trace(
        # "reviewed!": a key MLflow skips on spans but stores from the trace info.
        tags={"team": "search", "env": "e2e", "reviewed!": "yes"},
        metadata={"app.version": "1.2.3"},
        session_id="session-sdk-7",
        user="alice",
    )
    if os.environ.get("APP_SET_TRACE_INFO"):
        # The rest of the trace info an app can set: the trace is marked failed though no span is.
        mlflow.update_current_trace(
            client_request_id="req-e2e-42",
            request_preview="Paris weather?",
            response_preview="sunny, 21 C",
            state="ERROR",
        )
    weather = get_weather("Paris")
    answer = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": "You are a weather assistant."},
            {"role": "user", "content": f"{question} Tool says: {json.dumps(weather)}"},
        ],
    )
    return answer.choices[0].message.content


answer = weather_agent("What is the weather in Paris?")
mlflow.flush_trace_async_logging()
trace_id = mlflow.get_last_active_trace_id()
print(json.dumps({"trace_id": trace_id.removeprefix("tr-"), "answer": answer}))
