"""Records the spans that real instrumentation libraries emit, as the processor's golden inputs.

Each library runs unchanged against the local stub LLM (e2e/python/stub_llm.py: an
OpenAI-compatible API plus Anthropic's /v1/messages) and exports its spans over OTLP/HTTP to a
small sink in this script, so the files hold exactly what the library puts on the wire. Each
(library, scenario) pair runs in a fresh interpreter, because instrumentations read their
environment and patch the SDKs once. Output: ../<dialect>/<library>_<scenario>/input.json
(OTLP/JSON with hex ids, what golden.ReadTraces reads).

    python3 record_corpus.py                 every library and scenario, each in its venv
    python3 record_corpus.py openinference   one library
    python record_corpus.py LIB SCENARIO     one recording, in this interpreter (the library's venv)

Libraries: openai_v2 (opentelemetry-instrumentation-openai-v2), openinference
(openinference-instrumentation-openai), openinference_langchain
(openinference-instrumentation-langchain + langchain-openai), openllmetry and
openllmetry_anthropic (opentelemetry-instrumentation-openai / -anthropic), openlit, and mlflow
(MLflow's own autolog exporting OTLP), pinned in requirements-corpus.txt and run by this file;
and the agent frameworks in libraries/, one module each (FOLDER, SCENARIOS, PACKAGES or
versions(), and run()) with its own pins in libraries/<name>.txt and its own venv,
.venv-corpus-<name>/, because their requirements conflict with each other's. Each file's
"recordedWith" line names the versions. Run through scripts/record-corpus.sh, which builds
the venvs.
"""

import base64
import gzip
import importlib.metadata
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
TESTDATA = os.path.abspath(os.path.join(HERE, ".."))
FRAMEWORKS = os.path.join(HERE, "libraries")

MODEL = "gpt-4o-mini"
EMBEDDING_MODEL = "text-embedding-3-small"
CLAUDE = "claude-sonnet-4-5"
CHAT = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello."}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
ANTHROPIC_WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Current weather for a city.",
    "input_schema": WEATHER_TOOL["function"]["parameters"],
}

# Environment of the OpenTelemetry GenAI utilities (openai-v2): content on the span, latest
# experimental conventions. On the default conventions "true" captures content only into logs.
GENAI_LATEST = {
    "OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental",
    "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "span_only",
}

OPENAI_SCENARIOS = ["chat", "stream", "tool_round_trip", "embeddings"]

# library -> (dialect folder, scenarios, environment, packages named in the files)
LIBRARIES = {
    "openai_v2": ("genai", {"chat": GENAI_LATEST, "stream": GENAI_LATEST, "tool_round_trip": GENAI_LATEST,
                            "embeddings": GENAI_LATEST,
                            "legacy": {"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "true"}},
                  ["openai", "opentelemetry-instrumentation-openai-v2", "opentelemetry-util-genai"]),
    "openinference": ("openinference", OPENAI_SCENARIOS,
                      ["openai", "openinference-instrumentation-openai"]),
    "openinference_langchain": ("openinference", ["agent"],
                                ["langchain-core", "langchain-openai", "openinference-instrumentation-langchain"]),
    "openllmetry": ("openllmetry", OPENAI_SCENARIOS, ["openai", "opentelemetry-instrumentation-openai"]),
    "openllmetry_anthropic": ("openllmetry", ["chat", "stream", "tool_round_trip"],
                              ["anthropic", "opentelemetry-instrumentation-anthropic"]),
    "openlit": ("openlit", OPENAI_SCENARIOS, ["openai", "openlit"]),
    "mlflow": ("mlflow", OPENAI_SCENARIOS + ["agent"], ["openai", "mlflow-tracing"]),
}


def framework(name):
    """The module of libraries/<name>.py. Its run() is called only in its own venv. It is loaded
    from its path, not imported by name: a module is named after the package it records."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("library_" + name, os.path.join(FRAMEWORKS, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def frameworks():
    """library -> the interpreter of its venv, for every module in libraries/. A module imports
    its library inside run(), so that any interpreter can read its FOLDER and SCENARIOS."""
    names = sorted(f[:-3] for f in os.listdir(FRAMEWORKS) if f.endswith(".py") and not f.startswith("_"))
    return {n: os.path.join(ROOT, f".venv-corpus-{n}", "bin", "python") for n in names}


# --- scenarios, written once against the SDKs ---------------------------------------------------

def openai_scenario(scenario, client):
    if scenario in ("chat", "legacy"):
        client.chat.completions.create(model=MODEL, messages=CHAT)
    elif scenario == "stream":
        stream = client.chat.completions.create(
            model=MODEL, messages=CHAT, stream=True, stream_options={"include_usage": True})
        for _ in stream:
            pass
    elif scenario == "tool_round_trip":
        messages = [{"role": "user", "content": "What is the weather in Paris?"}]
        first = client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER_TOOL])
        call = first.choices[0].message.tool_calls[0]
        messages.append(first.choices[0].message.model_dump(exclude_none=True))
        messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps({"sky": "sunny"})})
        client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER_TOOL])
    elif scenario == "embeddings":
        client.embeddings.create(model=EMBEDDING_MODEL, input=["hello world", "good night"])
    else:
        raise ValueError(scenario)


def anthropic_scenario(scenario, client):
    system = CHAT[0]["content"]
    if scenario == "chat":
        client.messages.create(model=CLAUDE, max_tokens=64, system=system, messages=CHAT[1:])
    elif scenario == "stream":
        with client.messages.stream(model=CLAUDE, max_tokens=64, system=system, messages=CHAT[1:]) as stream:
            for _ in stream.text_stream:
                pass
    elif scenario == "tool_round_trip":
        messages = [{"role": "user", "content": "What is the weather in Paris?"}]
        first = client.messages.create(model=CLAUDE, max_tokens=64, messages=messages, tools=[ANTHROPIC_WEATHER_TOOL])
        use = next(b for b in first.content if b.type == "tool_use")
        messages.append({"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]})
        messages.append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": use.id, "content": json.dumps({"sky": "sunny"})}]})
        client.messages.create(model=CLAUDE, max_tokens=64, messages=messages, tools=[ANTHROPIC_WEATHER_TOOL])
    else:
        raise ValueError(scenario)


def langchain_agent(base_url):
    """A small tool-calling agent: a chain that asks the model, runs the tool it picks, asks again."""
    from langchain_core.messages import HumanMessage, SystemMessage
    from langchain_core.runnables import RunnableLambda
    from langchain_core.tools import tool
    from langchain_openai import ChatOpenAI

    @tool
    def get_weather(city: str) -> str:
        """Current weather for a city."""
        return json.dumps({"city": city, "sky": "sunny"})

    llm = ChatOpenAI(model=MODEL, base_url=base_url, api_key="stub").bind_tools([get_weather])

    def agent(question):
        messages = [SystemMessage("You are terse."), HumanMessage(question)]
        while True:
            reply = llm.invoke(messages)
            messages.append(reply)
            if not reply.tool_calls:
                return reply.content
            for call in reply.tool_calls:
                messages.append(get_weather.invoke(call))

    RunnableLambda(agent).with_config(run_name="weather_agent").invoke("What is the weather in Paris?")


def mlflow_agent(client):
    """MLflow's own tracing: a decorated agent function calling the autologged client and a tool."""
    import mlflow

    @mlflow.trace(span_type="TOOL")
    def get_weather(city):
        return {"city": city, "sky": "sunny"}

    @mlflow.trace(span_type="AGENT", name="weather_agent")
    def agent(question):
        messages = [{"role": "user", "content": question}]
        first = client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER_TOOL])
        call = first.choices[0].message.tool_calls[0]
        result = get_weather(**json.loads(call.function.arguments))
        messages.append(first.choices[0].message.model_dump(exclude_none=True))
        messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        return client.chat.completions.create(model=MODEL, messages=messages).choices[0].message.content

    agent("What is the weather in Paris?")


def weather_round_trip(client, get_weather, question):
    """An agent's tool round trip on the OpenAI SDK: the model picks get_weather, the agent runs
    it (the library's own traced function) and asks again, tools still offered; the answer."""
    messages = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": question}]
    first = client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER_TOOL])
    call = first.choices[0].message.tool_calls[0]
    result = get_weather(**json.loads(call.function.arguments))
    messages.append(first.choices[0].message.model_dump(exclude_none=True))
    messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
    reply = client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER_TOOL])
    return reply.choices[0].message.content

# --- wiring each library ------------------------------------------------------------------------

def tracer_provider(endpoint, service):
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=endpoint + "/v1/traces")))
    return provider


def run_library(library, scenario, llm_url, otlp_url):
    """Instruments the SDK the way each library documents, runs the scenario, flushes."""
    if library not in LIBRARIES:
        framework(library).run(scenario, llm_url, otlp_url)
        return
    from openai import OpenAI

    service = "record-" + library.replace("_", "-")
    openai_client = lambda: OpenAI(base_url=llm_url + "/v1", api_key="stub")  # noqa: E731
    if library == "openai_v2":
        from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
        provider = tracer_provider(otlp_url, service)
        OpenAIInstrumentor().instrument(tracer_provider=provider)
        openai_scenario(scenario, openai_client())
    elif library == "openinference":
        from openinference.instrumentation.openai import OpenAIInstrumentor
        provider = tracer_provider(otlp_url, service)
        OpenAIInstrumentor().instrument(tracer_provider=provider)
        openai_scenario(scenario, openai_client())
    elif library == "openinference_langchain":
        from openinference.instrumentation.langchain import LangChainInstrumentor
        provider = tracer_provider(otlp_url, service)
        LangChainInstrumentor().instrument(tracer_provider=provider)
        langchain_agent(llm_url + "/v1")
    elif library == "openllmetry":
        from opentelemetry.instrumentation.openai import OpenAIInstrumentor
        provider = tracer_provider(otlp_url, service)
        OpenAIInstrumentor().instrument(tracer_provider=provider)
        openai_scenario(scenario, openai_client())
    elif library == "openllmetry_anthropic":
        from anthropic import Anthropic
        from opentelemetry.instrumentation.anthropic import AnthropicInstrumentor
        provider = tracer_provider(otlp_url, service)
        AnthropicInstrumentor().instrument(tracer_provider=provider)
        anthropic_scenario(scenario, Anthropic(base_url=llm_url, api_key="stub"))
    elif library == "openlit":
        import tempfile
        import openlit
        # A local, empty price list: openlit otherwise downloads one, and writes 0 without it.
        prices = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        prices.write("{}")
        prices.close()
        openlit.init(otlp_endpoint=otlp_url, application_name=service, environment="record",
                     disable_batch=True, disable_metrics=True, capture_message_content=True,
                     pricing_json=prices.name)
        openai_scenario(scenario, openai_client())
        from opentelemetry import trace
        trace.get_tracer_provider().force_flush()
        return
    elif library == "mlflow":
        import mlflow
        mlflow.openai.autolog()
        if scenario == "agent":
            mlflow_agent(openai_client())
        else:
            openai_scenario(scenario, openai_client())
        mlflow.flush_trace_async_logging()
        from mlflow.tracing.provider import provider as mlflow_provider
        mlflow_provider.get().force_flush()
        return
    else:
        raise ValueError(library)
    provider.force_flush()


# --- npm libraries: a library module's PROJECT folder holds package.json and package-lock.json -----

def npm_versions(project, packages):
    """package -> version for npm packages, read from project's lock: importlib.metadata knows
    Python packages only."""
    with open(os.path.join(project, "package-lock.json")) as f:
        lock = json.load(f)["packages"]
    return {p: lock["node_modules/" + p]["version"] for p in packages}


def npm_install(project):
    """npm ci in project when node_modules is missing or older than the lock (npm ci rewrites
    node_modules/.package-lock.json, so its time is the install's)."""
    lock = os.path.join(project, "package-lock.json")
    stamp = os.path.join(project, "node_modules", ".package-lock.json")
    if not os.path.exists(stamp) or os.path.getmtime(stamp) < os.path.getmtime(lock):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=project, check=True)


# --- the OTLP sink and the output files ---------------------------------------------------------

class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests = []
    lock = threading.Lock()

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        from stub_llm import read_body
        body = read_body(self)
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        is_json = self.headers.get("Content-Type", "").startswith("application/json")
        if self.path.rstrip("/").endswith("/v1/traces"):
            from google.protobuf.json_format import ParseDict
            from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
            req = ExportTraceServiceRequest()
            if is_json:  # OTLP/JSON, as Gemini CLI and Claude Code's detailed tracing send it
                ParseDict(base64_ids(json.loads(body)), req)
            else:
                req.ParseFromString(body)
            with self.lock:
                self.requests.append(req)
        # Metrics and logs, if a library sends any, are accepted and dropped.
        reply = b"{}" if is_json else b""
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if is_json else "application/x-protobuf")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


ID_KEYS = ("traceId", "spanId", "parentSpanId")


def map_ids(obj, convert):
    """obj with convert applied to its trace and span ids: protobuf's JSON mapping writes bytes
    as base64, OTLP/JSON writes the ids as hex."""
    if isinstance(obj, dict):
        return {k: convert(v) if k in ID_KEYS else map_ids(v, convert) for k, v in obj.items()}
    if isinstance(obj, list):
        return [map_ids(v, convert) for v in obj]
    return obj


def hex_ids(obj):
    return map_ids(obj, lambda b64: base64.b64decode(b64).hex())


def base64_ids(obj):
    return map_ids(obj, lambda hex_id: base64.b64encode(bytes.fromhex(hex_id)).decode())


def record(library, scenario):
    sys.path.insert(0, os.path.join(ROOT, "e2e", "python"))
    import stub_llm
    from google.protobuf.json_format import MessageToDict

    sink = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    otlp_url = f"http://127.0.0.1:{sink.server_port}"
    if library == "mlflow":  # read when MLflow builds its tracer provider
        os.environ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = otlp_url + "/v1/traces"
        os.environ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "http/protobuf"
        os.environ["OTEL_SERVICE_NAME"] = "record-mlflow"

    llm = stub_llm.serve(port=0)
    try:
        run_library(library, scenario, f"http://127.0.0.1:{llm.server_port}", otlp_url)
    finally:
        llm.shutdown()
        sink.shutdown()

    resource_spans = []
    for req in Sink.requests:
        resource_spans += MessageToDict(req)["resourceSpans"]
    n = sum(len(ss.get("spans", [])) for rs in resource_spans for ss in rs.get("scopeSpans", []))
    if n == 0:
        sys.exit(f"{library}/{scenario}: no spans recorded")
    if library in LIBRARIES:
        folder, _, packages = LIBRARIES[library]
        versions = {p: importlib.metadata.version(p) for p in packages}
    else:
        module = framework(library)
        folder = module.FOLDER
        # versions(): for packages of another registry (npm), which importlib cannot see.
        versions = module.versions() if hasattr(module, "versions") else {
            p: importlib.metadata.version(p) for p in module.PACKAGES}
    doc = {
        "recordedWith": ", ".join(f"{p} {v}" for p, v in versions.items()),
        "resourceSpans": hex_ids(resource_spans),
    }
    # The stub and the sink listen on random ports; keep the files stable across recordings.
    text = json.dumps(doc, indent=2, sort_keys=True)
    text = text.replace(f"127.0.0.1:{llm.server_port}", "127.0.0.1:8000").replace(str(llm.server_port), "8000")
    path = os.path.join(TESTDATA, folder, f"{library}_{scenario}", "input.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text + "\n")
    print(f"{library}/{scenario}: {n} spans -> {os.path.relpath(path, ROOT)}", flush=True)


def main():
    args = sys.argv[1:]
    venvs = frameworks()
    if len(args) == 2 and args[1] not in LIBRARIES and args[1] not in venvs:  # LIB SCENARIO
        record(*args)
        return
    core = os.environ.get("CORPUS_VENV") or os.path.join(ROOT, ".venv-corpus")
    for library in args or [*LIBRARIES, *venvs]:
        python = venvs.get(library, os.path.join(core, "bin", "python"))
        scenarios = LIBRARIES[library][1] if library in LIBRARIES else framework(library).SCENARIOS
        for scenario in scenarios:
            env = dict(os.environ, **(scenarios[scenario] if isinstance(scenarios, dict) else {}))
            subprocess.run([python, __file__, library, scenario], env=env, check=True)


if __name__ == "__main__":
    main()
