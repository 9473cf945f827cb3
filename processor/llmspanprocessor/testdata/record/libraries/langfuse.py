"""The Langfuse Python SDK (OpenTelemetry-based, v3 and later), exporting OTLP/HTTP as it does
to a Langfuse server, here the sink: "observe", an @observe agent that calls the stub through
the plain OpenAI SDK inside an @observe(as_type="generation") function that reports model,
messages, output, usage and cost itself, and runs an @observe(as_type="tool"), with session and user
propagated; "openai", the same round trip through Langfuse's OpenAI wrapper
(langfuse.openai.OpenAI) inside an @observe agent."""

FOLDER = "langfuse"
SCENARIOS = ["observe", "openai"]
PACKAGES = ["langfuse", "openai"]


def run(scenario, llm_url, otlp_url):
    import json
    import os

    # No media upload threads, no batching: nothing but the span export leaves the process.
    os.environ["LANGFUSE_MEDIA_UPLOAD_ENABLED"] = "false"
    from langfuse import Langfuse, observe, propagate_attributes
    from record_corpus import MODEL, WEATHER_TOOL, weather_round_trip

    # The exporter posts to <base_url>/api/public/otel/v1/traces, which the sink accepts.
    langfuse = Langfuse(public_key="pk-lf-stub", secret_key="sk-lf-stub", base_url=otlp_url,
                        flush_at=1, media_upload_thread_count=1)

    @observe(as_type="tool")
    def get_weather(city):
        return {"city": city, "sky": "sunny"}

    if scenario == "observe":
        from openai import OpenAI
        client = OpenAI(base_url=llm_url + "/v1", api_key="stub")

        @observe(as_type="generation", name="chat gpt-4o-mini")
        def chat(messages, tools=None):
            kwargs = {"tools": tools} if tools else {}
            reply = client.chat.completions.create(model=MODEL, messages=messages, **kwargs)
            usage = reply.usage
            cached = usage.prompt_tokens_details.cached_tokens
            message = reply.choices[0].message.model_dump(exclude_none=True)
            # As Langfuse's docs do: the messages as input (the decorator would record the
            # function's arguments), and its buckets: input without the cache read.
            langfuse.update_current_generation(
                input=messages, model=reply.model, model_parameters={"temperature": 0},
                output=message,
                usage_details={"input": usage.prompt_tokens - cached, "input_cache_read": cached,
                               "output": usage.completion_tokens},
                cost_details={"input": 0.00015, "output": 0.0006})
            return reply.choices[0].message

        @observe(as_type="agent", name="weather_agent")
        def agent(question):
            with propagate_attributes(session_id="session-1", user_id="user-1"):
                messages = [{"role": "system", "content": "You are terse."},
                            {"role": "user", "content": question}]
                first = chat(messages, [WEATHER_TOOL])
                call = first.tool_calls[0]
                result = get_weather(**json.loads(call.function.arguments))
                messages.append(first.model_dump(exclude_none=True))
                messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
                return chat(messages).content
    elif scenario == "openai":
        from langfuse.openai import OpenAI
        client = OpenAI(base_url=llm_url + "/v1", api_key="stub")

        @observe(as_type="agent", name="weather_agent")
        def agent(question):
            with propagate_attributes(session_id="session-1", user_id="user-1"):
                return weather_round_trip(client, get_weather, question)
    else:
        raise ValueError(scenario)

    agent("What is the weather in Paris?")
    langfuse.flush()
    langfuse.shutdown()
