"""Microsoft Agent Framework's own OpenTelemetry instrumentation (agent_framework/observability.py,
on by default; sensitive data switched on so messages reach the spans), exporting through the
global tracer provider, which the library uses when one is set: an Agent with one tool on the
Chat Completions client against the stub, run plainly, streamed, and inside a two-executor
workflow."""

FOLDER = "agent_framework"
SCENARIOS = ["agent", "stream", "workflow"]
PACKAGES = ["agent-framework-core", "agent-framework-openai"]


def run(scenario, llm_url, otlp_url):
    import asyncio
    import json

    from agent_framework import Agent, Executor, WorkflowBuilder, WorkflowContext, handler, tool
    from agent_framework.observability import enable_instrumentation
    from agent_framework.openai import OpenAIChatCompletionClient
    from opentelemetry import trace
    from record_corpus import MODEL, tracer_provider

    provider = tracer_provider(otlp_url, "record-agent-framework")
    trace.set_tracer_provider(provider)
    enable_instrumentation(enable_sensitive_data=True)

    @tool
    def get_weather(city: str) -> str:
        """Current weather for a city."""
        return json.dumps({"city": city, "sky": "sunny"})

    client = OpenAIChatCompletionClient(MODEL, base_url=llm_url + "/v1", api_key="stub")
    agent = Agent(client, "You are terse.", name="weather_agent", tools=[get_weather])
    question = "What is the weather in Paris?"

    class Ask(Executor):
        @handler
        async def ask(self, city: str, ctx: WorkflowContext[str]) -> None:
            await ctx.send_message(f"What is the weather in {city}?")

    class Answer(Executor):
        @handler
        async def answer(self, question: str, ctx: WorkflowContext[None, str]) -> None:
            await ctx.yield_output((await agent.run(question)).text)

    async def main():
        if scenario == "agent":
            await agent.run(question)
        elif scenario == "stream":
            async for _ in agent.run(question, stream=True):
                pass
        elif scenario == "workflow":
            ask, answer = Ask(id="ask"), Answer(id="answer")
            workflow = WorkflowBuilder(name="weather_workflow", start_executor=ask).add_edge(ask, answer).build()
            await workflow.run("Paris")
        else:
            raise ValueError(scenario)

    asyncio.run(main())
    provider.force_flush()
