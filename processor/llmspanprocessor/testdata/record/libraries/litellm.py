"""LiteLLM's OpenTelemetry callback in SDK mode (litellm.callbacks = ["otel"], the legacy
integration litellm/integrations/opentelemetry.py that "otel" selects unless LITELLM_OTEL_V2 is
set), its OTLP/HTTP exporter configured by environment, and litellm.completion /
litellm.embedding on the openai/ provider against the stub. Content capture is the default
(CustomLogger.message_logging, no OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT): messages
on the span, plus the raw_gen_ai_request child span."""

import json
import os

FOLDER = "litellm"
SCENARIOS = ["chat", "tool_round_trip", "stream", "embeddings"]
PACKAGES = ["litellm", "openai"]


def run(scenario, llm_url, otlp_url):
    # Read at import and at the callback's construction. Offline: LiteLLM otherwise downloads
    # its model cost map (and other catalogs) from GitHub.
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    os.environ["LITELLM_OFFLINE_MODE"] = "true"
    os.environ["OTEL_EXPORTER"] = "otlp_http"
    os.environ["OTEL_ENDPOINT"] = otlp_url + "/v1/traces"
    os.environ["OTEL_SERVICE_NAME"] = "record-litellm"

    import litellm
    from litellm.litellm_core_utils.thread_pool_executor import executor
    from record_corpus import CHAT, EMBEDDING_MODEL, MODEL, WEATHER_TOOL

    litellm.callbacks = ["otel"]
    model = "openai/" + MODEL
    stub = {"api_base": llm_url + "/v1", "api_key": "stub"}

    if scenario == "chat":
        litellm.completion(model=model, messages=CHAT, **stub)
    elif scenario == "stream":
        stream = litellm.completion(model=model, messages=CHAT, stream=True,
                                    stream_options={"include_usage": True}, **stub)
        for _ in stream:
            pass
    elif scenario == "tool_round_trip":
        messages = [{"role": "user", "content": "What is the weather in Paris?"}]
        first = litellm.completion(model=model, messages=messages, tools=[WEATHER_TOOL], **stub)
        call = first.choices[0].message.tool_calls[0]
        messages.append(first.choices[0].message.model_dump(exclude_none=True))
        messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps({"sky": "sunny"})})
        litellm.completion(model=model, messages=messages, tools=[WEATHER_TOOL], **stub)
    elif scenario == "embeddings":
        litellm.embedding(model="openai/" + EMBEDDING_MODEL, input=["hello world", "good night"], **stub)
    else:
        raise ValueError(scenario)

    # The sync success handlers run on LiteLLM's logging thread pool; wait for them, then
    # flush the callback's BatchSpanProcessor (it made the global tracer provider).
    executor.shutdown(wait=True)
    from litellm.integrations.opentelemetry import OpenTelemetry
    from litellm.litellm_core_utils.litellm_logging import _in_memory_loggers
    for logger in _in_memory_loggers:
        if isinstance(logger, OpenTelemetry):
            logger._tracer_provider.force_flush()
