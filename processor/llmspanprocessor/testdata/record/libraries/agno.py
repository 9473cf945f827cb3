"""Agno traced by OpenInference (openinference-instrumentation-agno): an agent with one tool,
get_weather(city), on OpenAIChat against the stub, run plainly and streamed. Agno's own
telemetry to its cloud is off (AGNO_TELEMETRY=false and telemetry=False)."""

FOLDER = "agno"
SCENARIOS = ["agent", "stream"]
PACKAGES = ["agno", "openinference-instrumentation-agno"]


def run(scenario, llm_url, otlp_url):
    import os

    os.environ["AGNO_TELEMETRY"] = "false"  # read when an agent is initialized

    from agno.agent import Agent
    from agno.models.openai import OpenAIChat
    from openinference.instrumentation.agno import AgnoInstrumentor
    from record_corpus import MODEL, tracer_provider

    provider = tracer_provider(otlp_url, "record-agno")
    AgnoInstrumentor().instrument(tracer_provider=provider)

    def get_weather(city: str) -> dict:
        """Current weather for a city."""
        return {"city": city, "sky": "sunny"}

    agent = Agent(name="weather_agent", model=OpenAIChat(id=MODEL, base_url=llm_url + "/v1", api_key="stub"),
                  instructions="You are terse.", tools=[get_weather], telemetry=False)
    if scenario == "agent":
        agent.run("What is the weather in Paris?")
    elif scenario == "stream":
        for _ in agent.run("What is the weather in Paris?", stream=True):
            pass
    else:
        raise ValueError(scenario)
    provider.force_flush()
