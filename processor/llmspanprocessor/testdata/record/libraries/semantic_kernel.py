"""Semantic Kernel's model diagnostics (Python): a ChatCompletionAgent with one kernel function
plugin, get_weather, called through automatic function calling, on OpenAIChatCompletion against
the stub; and a plain chat on the same service. Diagnostics with sensitive content are on. The
Python SDK writes chat messages of model calls as log records (the logging module), not on
spans; only spans are recorded here, as the processor only sees spans."""

import os

FOLDER = "semantic_kernel"
SCENARIOS = ["agent", "stream", "chat"]
PACKAGES = ["semantic-kernel", "openai"]


def run(scenario, llm_url, otlp_url):
    # Read once, when semantic_kernel's telemetry modules are imported.
    os.environ["SEMANTICKERNEL_EXPERIMENTAL_GENAI_ENABLE_OTEL_DIAGNOSTICS"] = "true"
    os.environ["SEMANTICKERNEL_EXPERIMENTAL_GENAI_ENABLE_OTEL_DIAGNOSTICS_SENSITIVE"] = "true"

    import asyncio
    import json
    from typing import Annotated

    from openai import AsyncOpenAI
    from opentelemetry import trace
    from record_corpus import CHAT, MODEL, tracer_provider

    provider = tracer_provider(otlp_url, "record-semantic-kernel")
    # Semantic Kernel takes its tracers from the global provider.
    trace.set_tracer_provider(provider)

    from semantic_kernel.agents import ChatCompletionAgent
    from semantic_kernel.connectors.ai.open_ai import OpenAIChatCompletion, OpenAIChatPromptExecutionSettings
    from semantic_kernel.contents import ChatHistory
    from semantic_kernel.functions import kernel_function

    class WeatherPlugin:
        @kernel_function(description="Current weather for a city.")
        def get_weather(self, city: Annotated[str, "The city."]) -> str:
            return json.dumps({"city": city, "sky": "sunny"})

    service = OpenAIChatCompletion(
        ai_model_id=MODEL, async_client=AsyncOpenAI(base_url=llm_url + "/v1", api_key="stub"))

    async def main():
        if scenario in ("agent", "stream"):
            # Plugins on the agent are offered with FunctionChoiceBehavior.Auto (the default).
            agent = ChatCompletionAgent(service=service, name="weather_agent",
                                        instructions=CHAT[0]["content"], plugins=[WeatherPlugin()])
            question = "What is the weather in Paris?"
            # The agent span records its input only when the messages are passed by position;
            # the stream passes them by keyword, as Semantic Kernel's samples do, and records [].
            if scenario == "agent":
                await agent.get_response(question)
            else:
                async for _ in agent.invoke_stream(messages=question):
                    pass
        elif scenario == "chat":
            history = ChatHistory(system_message=CHAT[0]["content"])
            history.add_user_message(CHAT[1]["content"])
            await service.get_chat_message_content(history, OpenAIChatPromptExecutionSettings())
        else:
            raise ValueError(scenario)

    asyncio.run(main())
    provider.force_flush()
