"""Firebase Genkit's own telemetry (tracer "genkit-tracer"), a JavaScript library: run() starts
Node on genkit/record.mjs, which points the OpenAI plugin of @genkit-ai/compat-oai at the stub
and hands Genkit's OpenTelemetry SDK a span processor exporting over OTLP/HTTP (protobuf) to
the sink. The npm packages are pinned exactly in genkit/package.json and package-lock.json;
`npm ci` installs them into genkit/node_modules/ (gitignored) when it is missing or older than
the lock. The venv (genkit.txt) only holds what record() itself needs to decode the requests.

Pins: genkit 1.42 and @genkit-ai/compat-oai 1.42, the newest. Genkit starts the OpenTelemetry
NodeSDK 0.52 (SDK 1.25) itself, so the exporter and span processor are of that line
(exporter-trace-otlp-proto 0.52.1, sdk-trace-base 1.25.1), one copy with Genkit's.
"""

import os
import subprocess

FOLDER = "genkit"
SCENARIOS = ["generate", "stream", "flow", "agent", "embeddings"]
PACKAGES = ["genkit", "@genkit-ai/compat-oai"]

PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "genkit")


def versions():
    from record_corpus import npm_versions
    return npm_versions(PROJECT, PACKAGES)


def run(scenario, llm_url, otlp_url):
    from record_corpus import npm_install
    npm_install(PROJECT)
    subprocess.run(["node", "record.mjs", llm_url, otlp_url, scenario], cwd=PROJECT, check=True)
