"""Google ADK's own OpenTelemetry spans (google/adk/telemetry, tracer "gcp.vertex.agent", taken
from the global provider): an LlmAgent with one tool, on ADK's LiteLlm wrapper against the
stub's OpenAI API, run with InMemoryRunner. "agent" and "stream" (RunConfig SSE) record ADK's
default format, telemetry schema 2 (invoke_workflow > invoke_agent > generate_content /
execute_tool, GenAI semconv keys); "legacy" records schema 1 (invocation > invoke_agent >
call_llm with gcp.vertex.agent.* JSON, an inner generate_content without content). LiteLLM's
own otel callback stays off: the litellm dialect records it separately."""

FOLDER = "google_adk"
# "legacy": ADK's first telemetry format (call_llm spans with gcp.vertex.agent.llm_request and
# llm_response), which ADK keeps behind this opt-in until 2027-03-31.
SCENARIOS = {"agent": {}, "stream": {}, "legacy": {"ADK_TELEMETRY_SCHEMA_VERSION_OPT_IN": "1"}}
PACKAGES = ["google-adk", "litellm"]


def run(scenario, llm_url, otlp_url):
    import asyncio
    import os

    # Read when ADK builds a run's TelemetryConfig: content on the spans (off by default).
    os.environ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "SPAN_ONLY"
    # LiteLLM's bundled model price list, not a download from GitHub.
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

    from google.adk.agents import LlmAgent
    from google.adk.agents.run_config import RunConfig, StreamingMode
    from google.adk.models.lite_llm import LiteLlm
    from google.adk.runners import InMemoryRunner
    from google.genai import types
    from opentelemetry import trace
    from record_corpus import MODEL, tracer_provider

    provider = tracer_provider(otlp_url, "record-google-adk")
    trace.set_tracer_provider(provider)

    def get_weather(city: str) -> dict:
        """Current weather for a city."""
        return {"city": city, "sky": "sunny"}

    model = LiteLlm(model="openai/" + MODEL, api_base=llm_url + "/v1", api_key="stub")
    agent = LlmAgent(name="weather_agent", model=model, instruction="You are terse.", tools=[get_weather])
    runner = InMemoryRunner(agent=agent, app_name="weather_app")
    if scenario in ("agent", "legacy"):
        config = RunConfig()
    elif scenario == "stream":
        config = RunConfig(streaming_mode=StreamingMode.SSE)
    else:
        raise ValueError(scenario)

    async def main():
        session = await runner.session_service.create_session(app_name="weather_app", user_id="user-1")
        message = types.Content(role="user", parts=[types.Part(text="What is the weather in Paris?")])
        async for _ in runner.run_async(user_id="user-1", session_id=session.id, new_message=message,
                                        run_config=config):
            pass
        await runner.close()

    asyncio.run(main())
    provider.force_flush()
