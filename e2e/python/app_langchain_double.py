"""A LangChain app behind a web endpoint, whose LLM call is traced twice (end-to-end test app).

- the root span is a generic HTTP server span, as a web framework's instrumentation makes it;
- `openinference-instrumentation-langchain` traces the LangChain runnables: the agent
  (`weather_agent`) and the `ChatOpenAI` call, with the session id;
- `opentelemetry-instrumentation-openai-v2` traces the same call again at the openai SDK.

So one LLM call appears as two LLM spans with the same tokens. The user's prompt carries an
e-mail address. Spans go over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT; the LLM is the stub at
OPENAI_BASE_URL. Prints {"trace_id", "usage": [the stub's usage], "answer"}.
"""

import json
import os

from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.runnables import RunnableLambda
from langchain_openai import ChatOpenAI
from openinference.instrumentation import using_session
from openinference.instrumentation.langchain import LangChainInstrumentor
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind

SESSION_ID = os.environ.get("APP_SESSION_ID", "session-lc-1")
PROMPT = "My e-mail is jane.doe@example.com. What is the weather in Paris?"


def main():
    provider = TracerProvider(resource=Resource.create({"service.name": "langchain-weather"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    OpenAIInstrumentor().instrument(tracer_provider=provider)
    LangChainInstrumentor().instrument(tracer_provider=provider)

    llm = ChatOpenAI(model="gpt-4o-mini")  # OPENAI_BASE_URL, OPENAI_API_KEY from the environment
    usage = []

    def answer(question):
        reply = llm.invoke([SystemMessage("You are a weather assistant."), HumanMessage(question)])
        usage.append(reply.response_metadata["token_usage"])
        return reply.content

    agent = RunnableLambda(answer).with_config(run_name="weather_agent")
    web = provider.get_tracer("e2e.web")
    with web.start_as_current_span("POST /chat", kind=SpanKind.SERVER, attributes={
        "http.request.method": "POST", "http.route": "/chat", "url.path": "/chat",
    }) as root:
        trace_id = format(root.get_span_context().trace_id, "032x")
        with using_session(SESSION_ID):
            result = agent.invoke(PROMPT)

    provider.force_flush()
    provider.shutdown()
    print(json.dumps({"trace_id": trace_id, "usage": usage, "answer": result}))


if __name__ == "__main__":
    main()
