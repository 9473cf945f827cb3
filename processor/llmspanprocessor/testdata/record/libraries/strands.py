"""Strands Agents' own OpenTelemetry tracing (strands.telemetry), an agent with one tool on its
OpenAI model provider against the stub. Strands' tracer is built from the global tracer
provider when the agent is, so that is set first. Its GenAI conventions follow
OTEL_SEMCONV_STABILITY_OPT_IN, read when the tracer is built: the default (deprecated
per-message events with Bedrock content blocks) and gen_ai_latest_experimental (the
operation-details event), here with gen_ai_tool_definitions, which adds the tools to the agent
span. OpenAIModel streams by default (stream=False gives the same spans)."""

FOLDER = "strands"
LATEST = {"OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental,gen_ai_tool_definitions"}
DEFAULT = {"OTEL_SEMCONV_STABILITY_OPT_IN": ""}  # whatever the caller's environment holds
SCENARIOS = {"agent": DEFAULT, "agent_latest": LATEST}
PACKAGES = ["strands-agents", "openai"]


def run(scenario, llm_url, otlp_url):
    from opentelemetry import trace
    from record_corpus import MODEL, tracer_provider
    from strands import Agent, tool
    from strands.models.openai import OpenAIModel

    if scenario not in SCENARIOS:
        raise ValueError(scenario)
    provider = tracer_provider(otlp_url, "record-strands")
    trace.set_tracer_provider(provider)  # what StrandsTelemetry() does with a provider of its own

    @tool
    def get_weather(city: str) -> dict:
        """Current weather for a city.

        Args:
            city: The city.
        """
        return {"city": city, "sky": "sunny"}

    model = OpenAIModel(client_args={"base_url": llm_url + "/v1", "api_key": "stub"}, model_id=MODEL)
    # The ids Strands' documentation puts in trace_attributes; they land on every span.
    agent = Agent(model=model, tools=[get_weather], system_prompt="You are terse.", name="weather_agent",
                  trace_attributes={"session.id": "session-1", "user.id": "user-1"}, callback_handler=None)
    agent("What is the weather in Paris?")
    provider.force_flush()
