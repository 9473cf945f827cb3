"""Records the spans that the real OpenAI instrumentation emits, as golden inputs.

Runs the instrumented `openai` SDK against the local stub LLM (e2e/python/stub_llm.py) and
writes each scenario's spans as OTLP/JSON, the format golden.ReadTraces reads:

    ../genai/openai_v2_chat/input.json         a chat call
    ../genai/openai_v2_stream/input.json       a streaming chat call
    ../genai/openai_v2_tool_round_trip/input.json  a tool call, then the tool result sent back
    ../genai/openai_v2_legacy/input.json       the same chat call on the default (v1.30) conventions

Recorded with: openai 3.51.0, opentelemetry-sdk 1.45.2, opentelemetry-instrumentation-openai-v2
2.4b0, opentelemetry-util-genai 1.3b0.

Content capture in 2.4b0 (read from the package): on the latest experimental conventions,
OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental, the content mode comes from
OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=span_only|event_only|span_and_event
("true" is not a valid mode there and captures nothing). On the default conventions "true"
captures content, but only into log events, never onto the span.

Run from the repository root:  .venv/bin/python processor/llmspanprocessor/testdata/record/record_openai_v2.py
Each scenario runs in a fresh interpreter because the instrumentation reads its environment once.
"""

import base64
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
OUT = os.path.join(HERE, "..", "genai")

LATEST = {
    "OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental",
    "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "span_only",
}
LEGACY = {"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "true"}

SCENARIOS = {
    "openai_v2_chat": LATEST,
    "openai_v2_stream": LATEST,
    "openai_v2_tool_round_trip": LATEST,
    "openai_v2_legacy": LEGACY,
}

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def run(scenario, client):
    messages = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Say hello."},
    ]
    if scenario in ("openai_v2_chat", "openai_v2_legacy"):
        client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    elif scenario == "openai_v2_stream":
        stream = client.chat.completions.create(
            model="gpt-4o-mini", messages=messages, stream=True, stream_options={"include_usage": True})
        for _ in stream:
            pass
    elif scenario == "openai_v2_tool_round_trip":
        messages = [{"role": "user", "content": "What is the weather in Paris?"}]
        first = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=[WEATHER_TOOL])
        call = first.choices[0].message.tool_calls[0]
        messages.append(first.choices[0].message.model_dump(exclude_none=True))
        messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps({"sky": "sunny"})})
        client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=[WEATHER_TOOL])


def hex_ids(obj):
    """protobuf's JSON mapping writes bytes as base64; OTLP/JSON wants hex trace and span ids."""
    if isinstance(obj, dict):
        return {k: (base64.b64decode(v).hex() if k in ("traceId", "spanId", "parentSpanId") else hex_ids(v))
                for k, v in obj.items()}
    if isinstance(obj, list):
        return [hex_ids(v) for v in obj]
    return obj


def record(scenario):
    sys.path.insert(0, os.path.join(ROOT, "e2e", "python"))
    import stub_llm
    from google.protobuf.json_format import MessageToDict
    from openai import OpenAI
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
    from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "record-openai-v2"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    OpenAIInstrumentor().instrument(tracer_provider=provider)

    server = stub_llm.serve(port=0)
    client = OpenAI(base_url=f"http://127.0.0.1:{server.server_port}/v1", api_key="stub")
    run(scenario, client)
    server.shutdown()

    spans = exporter.get_finished_spans()
    doc = hex_ids(MessageToDict(encode_spans(spans)))
    # The stub listens on a random port; keep the files stable across recordings.
    text = json.dumps(doc, indent=2, sort_keys=True).replace(str(server.server_port), "8000")
    path = os.path.join(OUT, scenario, "input.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text + "\n")
    print(f"{scenario}: {len(spans)} spans -> {os.path.relpath(path, ROOT)}")


def main():
    if len(sys.argv) == 2:
        record(sys.argv[1])
        return
    for scenario, env in SCENARIOS.items():
        subprocess.run([sys.executable, __file__, scenario], env={**os.environ, **env}, check=True)


if __name__ == "__main__":
    main()
