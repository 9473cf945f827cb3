"""Pydantic AI's own OpenTelemetry instrumentation (InstrumentationSettings, the version the
library defaults to): an agent with one tool, on OpenAIChatModel against the stub."""

FOLDER = "pydantic_ai"
SCENARIOS = ["agent", "stream"]
PACKAGES = ["pydantic-ai-slim"]


def run(scenario, llm_url, otlp_url):
    import asyncio

    from pydantic_ai import Agent
    from pydantic_ai.models.instrumented import InstrumentationSettings
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider
    from record_corpus import MODEL, tracer_provider

    provider = tracer_provider(otlp_url, "record-pydantic-ai")
    model = OpenAIChatModel(MODEL, provider=OpenAIProvider(base_url=llm_url + "/v1", api_key="stub"))
    Agent.instrument_all(InstrumentationSettings(tracer_provider=provider))
    agent = Agent(model, name="weather_agent", instructions="You are terse.")

    @agent.tool_plain
    def get_weather(city: str) -> dict:
        """Current weather for a city."""
        return {"city": city, "sky": "sunny"}

    if scenario == "agent":
        agent.run_sync("What is the weather in Paris?")
    elif scenario == "stream":
        async def stream():
            async with agent.run_stream("What is the weather in Paris?") as result:
                async for _ in result.stream_text():
                    pass
        asyncio.run(stream())
    else:
        raise ValueError(scenario)
    provider.force_flush()
