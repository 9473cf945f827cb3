"""The Vercel AI SDK's own telemetry (@ai-sdk/otel), a JavaScript library: run() starts Node
on vercel_ai/record.mjs, which points @ai-sdk/openai's Chat Completions model at the stub and
exports over OTLP/HTTP (protobuf) to the sink. The npm packages are pinned exactly in
vercel_ai/package.json and package-lock.json; `npm ci` installs them into vercel_ai/node_modules/
(gitignored) when it is missing or older than the lock. The venv (vercel_ai.txt) only holds what
record() itself needs to decode the requests.

Pins: ai 7 with @ai-sdk/openai 4 and @ai-sdk/otel 1, the newest. ai 7 declares Node >= 22 but
runs on the Node 20 here. @ai-sdk/otel pins @opentelemetry/api 1.9.1, so the OpenTelemetry SDK
is the newest line that accepts it (sdk-trace-node 2.12, exporter-trace-otlp-proto 0.223);
the 3.x SDK wants api 1.10 and would load a second api beside the one the AI SDK uses.
"""

import os
import subprocess

FOLDER = "vercel_ai"
SCENARIOS = ["agent", "stream", "embeddings", "legacy_agent"]
PACKAGES = ["ai", "@ai-sdk/openai", "@ai-sdk/otel"]

PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vercel_ai")


def versions():
    from record_corpus import npm_versions
    return npm_versions(PROJECT, PACKAGES)


def run(scenario, llm_url, otlp_url):
    from record_corpus import npm_install
    npm_install(PROJECT)
    subprocess.run(["node", "record.mjs", llm_url, otlp_url, scenario], cwd=PROJECT, check=True)
