"""An LLM app instrumented with the official OTel GenAI instrumentation (end-to-end test app).

The `openai` SDK is instrumented by `opentelemetry-instrumentation-openai-v2`; the agent and the
tool call are traced with `opentelemetry-util-genai`'s TelemetryHandler, the library the
official GenAI instrumentations build on. Spans go over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT
(the collector). The LLM is OPENAI_BASE_URL (the local stub).

Flow: invoke_agent weather_agent
        ├─ chat gpt-4o-mini        (the model asks for the get_weather tool)
        ├─ execute_tool get_weather
        └─ chat gpt-4o-mini        (the model answers with the tool result)

Prints one JSON line: {"trace_id": ..., "usage": [usage of each chat call as the stub returned it]}.

With APP_EXPORT_ALL_SIGNALS=1 the app also exports the instrumentation's metrics and log records
over OTLP/HTTP to the same endpoint, as an app configured with only OTEL_EXPORTER_OTLP_ENDPOINT
does, and the line also holds "exports": {"metrics": [...], "logs": [...]}, the result of each
export (SUCCESS or FAILURE; the SDK only logs a failure).
"""

import json
import os

from openai import OpenAI
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.util.genai.handler import TelemetryHandler
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

MODEL = "gpt-4o-mini"
SESSION_ID = os.environ.get("APP_SESSION_ID", "session-e2e-1")
TOOLS = [{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}]


def get_weather(city):
    return {"city": city, "forecast": "sunny", "celsius": 21}


EXPORTS = {"metrics": [], "logs": []}


def recorded(exporter, signal):
    """Wraps exporter.export to note each result in EXPORTS[signal]."""
    export = exporter.export

    def record(*args, **kwargs):
        result = export(*args, **kwargs)
        EXPORTS[signal].append(result.name)
        return result

    exporter.export = record
    return exporter


def main():
    resource = Resource.create({"service.name": "weather-agent-e2e"})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    others = {}
    if os.environ.get("APP_EXPORT_ALL_SIGNALS"):
        reader = PeriodicExportingMetricReader(recorded(OTLPMetricExporter(), "metrics"))
        others["meter_provider"] = MeterProvider(resource=resource, metric_readers=[reader])
        others["logger_provider"] = LoggerProvider(resource=resource)
        others["logger_provider"].add_log_record_processor(BatchLogRecordProcessor(recorded(OTLPLogExporter(), "logs")))
    OpenAIInstrumentor().instrument(tracer_provider=provider, **others)
    handler = TelemetryHandler(tracer_provider=provider, **others)

    client = OpenAI()  # OPENAI_BASE_URL and OPENAI_API_KEY come from the environment
    messages = [
        {"role": "system", "content": "You are a weather assistant."},
        {"role": "user", "content": "What is the weather in Paris?"},
    ]
    usages = []
    with handler.invoke_local_agent(agent_name="weather_agent", request_model=MODEL) as agent:
        agent.conversation_id = SESSION_ID
        trace_id = format(trace.get_current_span().get_span_context().trace_id, "032x")
        first = client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)
        usages.append(first.usage.model_dump())
        call = first.choices[0].message.tool_calls[0]
        with handler.tool(call.function.name, tool_call_id=call.id, tool_type="function") as tool:
            args = json.loads(call.function.arguments)
            tool.arguments = args
            result = get_weather(**args)
            tool.tool_result = result
        messages.append(first.choices[0].message.model_dump(exclude_none=True))
        messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        second = client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)
        usages.append(second.usage.model_dump())

    provider.force_flush()
    provider.shutdown()
    out = {"trace_id": trace_id, "usage": usages, "answer": second.choices[0].message.content}
    if others:
        for p in others.values():
            p.shutdown()  # exports what is left
        out["exports"] = EXPORTS
    print(json.dumps(out))


if __name__ == "__main__":
    main()
