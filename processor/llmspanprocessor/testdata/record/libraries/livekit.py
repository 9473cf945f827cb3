"""LiveKit Agents' own tracing (livekit.agents.telemetry, tracer "livekit-agents"): an
AgentSession with the OpenAI plugin's LLM against the stub and an agent with one tool,
get_weather(city), driven by text through session.run(user_input=...), LiveKit's test entry
point, so no LiveKit server, room, speech-to-text or text-to-speech is involved (the voice
pipeline's audio spans are not recorded). "agent" lets content reach the exporter, as
set_tracer_provider does by default; "redacted" passes allow_pii=False, which strips
conversational content before every exporter."""

FOLDER = "livekit"
SCENARIOS = ["agent", "redacted"]
PACKAGES = ["livekit-agents", "livekit-plugins-openai"]


def run(scenario, llm_url, otlp_url):
    import asyncio

    from livekit.agents import Agent, AgentSession, function_tool
    from livekit.agents.telemetry import set_tracer_provider
    from livekit.plugins import openai
    from record_corpus import MODEL, tracer_provider

    if scenario not in SCENARIOS:
        raise ValueError(scenario)
    provider = tracer_provider(otlp_url, "record-livekit")
    set_tracer_provider(provider, allow_pii=scenario == "agent")

    class WeatherAgent(Agent):
        def __init__(self):
            super().__init__(instructions="You are terse.")

        @function_tool
        async def get_weather(self, city: str) -> dict:
            """Current weather for a city."""
            return {"city": city, "sky": "sunny"}

    async def main():
        async with openai.LLM(model=MODEL, base_url=llm_url + "/v1", api_key="stub") as llm, \
                AgentSession(llm=llm) as session:
            await session.start(WeatherAgent())
            await session.run(user_input="What is the weather in Paris?")

    asyncio.run(main())
    provider.force_flush()
