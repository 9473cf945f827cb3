#!/usr/bin/env bash
# Sends one traced LLM conversation (agent -> chat -> tool -> chat) to the collector started by
# `make run`. The app is a real openai SDK app instrumented by opentelemetry-instrumentation-openai-v2;
# a local OpenAI-compatible stub (e2e/python/stub_llm.py) stands in for the LLM provider.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
portfile=$(mktemp)
$py e2e/python/stub_llm.py --port 0 --port-file "$portfile" >/dev/null &
stub_pid=$!
trap 'kill "$stub_pid" 2>/dev/null || true; rm -f "$portfile"' EXIT
for _ in $(seq 1 50); do [ -s "$portfile" ] && break; sleep 0.1; done

OTEL_EXPORTER_OTLP_ENDPOINT=${OTEL_EXPORTER_OTLP_ENDPOINT:-http://${OTLP_HTTP_ENDPOINT:-localhost:4318}} \
OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=SPAN_ONLY \
OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental \
OPENAI_BASE_URL="http://127.0.0.1:$(cat "$portfile")/v1" OPENAI_API_KEY=sk-stub \
  $py e2e/python/app_genai_openai.py | $py -c '
import json, sys
out = json.load(sys.stdin)
print("Sent trace tr-%s; it appears in MLflow after the llmtrace grace period and the batch timeout (about two seconds)." % out["trace_id"])'
