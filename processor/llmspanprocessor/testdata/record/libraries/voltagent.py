"""VoltAgent's own OpenTelemetry observability (VoltAgentObservability, @voltagent/core), a
JavaScript library: run() starts Node on voltagent/record.mjs, which points @ai-sdk/openai's
Chat Completions model at the stub and hands VoltAgentObservability one extra span processor
exporting over OTLP/HTTP (protobuf) to the sink. The npm packages are pinned exactly in
voltagent/package.json and package-lock.json; `npm ci` installs them into voltagent/node_modules/
(gitignored) when it is missing or older than the lock. The venv (voltagent.txt) only holds what
record() itself needs to decode the requests.

Pins: @voltagent/core 2.10.0, the newest, runs on the Node 20 here; its peers are ai 6 (with
@ai-sdk/openai 3 and @ai-sdk/provider-utils 4) and @voltagent/logger 2.0.2. The span processor
and exporter are the ones MLflow's VoltAgent guide names (sdk-trace-base, exporter-trace-otlp-proto),
of the OpenTelemetry SDK 2.12 line that @voltagent/core resolves to (sdk-trace-base 2.12.1, one
copy with VoltAgent's; exporter-trace-otlp-proto 0.223.1).
"""

import os
import subprocess

FOLDER = "voltagent"
SCENARIOS = ["agent", "stream", "conversation"]
PACKAGES = ["@voltagent/core", "ai", "@ai-sdk/openai"]

PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "voltagent")


def versions():
    from record_corpus import npm_versions
    return npm_versions(PROJECT, PACKAGES)


def run(scenario, llm_url, otlp_url):
    from record_corpus import npm_install
    npm_install(PROJECT)
    # NODE_ENV=production keeps @voltagent/core from fetching models.dev's model list (its
    # provider registry refreshes itself when imported otherwise); it also quiets its logger.
    env = dict(os.environ, NODE_ENV="production")
    subprocess.run(["node", "record.mjs", llm_url, otlp_url, scenario], cwd=PROJECT, env=env, check=True,
                   timeout=120)
