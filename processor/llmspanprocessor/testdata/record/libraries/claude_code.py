"""Claude Code's own traces (beta), from the CLI run non-interactively: `claude -p PROMPT
--output-format json` in a fresh project directory and HOME, with ANTHROPIC_BASE_URL at the
stub, whose Anthropic /v1/messages answers Claude Code's requests (x-app: cli) on a branch of
their own: a Read of the file the prompt names in backticks, then text. Claude Code streams.

npm @anthropic-ai/claude-code is pinned exactly in claude_code/package.json and
package-lock.json; `npm ci` installs it into claude_code/node_modules/ (gitignored) when it is
missing or older than the lock. Since 2.1 the package is a native executable, from a
per-platform optional dependency (@anthropic-ai/claude-code-linux-x64 here) that npm fetches from
the registry like any other package, so it installs and runs offline; its declared Node >= 22
does not matter, as it does not run on Node. The venv (claude_code.txt) only holds what record()
needs to decode OTLP.

Traces need CLAUDE_CODE_ENABLE_TELEMETRY=1, CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1 and
OTEL_TRACES_EXPORTER=otlp; they go over OTLP/HTTP protobuf to the sink. Prompts, model output,
tool input and tool results on the spans (new_context, response.model_output, tool_input,
system_prompt_*) need more: the detailed beta, ENABLE_BETA_TRACING_DETAILED=1 with
BETA_TRACING_ENDPOINT, plus OTEL_LOG_USER_PROMPTS / OTEL_LOG_TOOL_CONTENT / OTEL_LOG_TOOL_DETAILS.
That mode replaces the OTLP exporters with its own, fixed to OTLP/HTTP JSON at
BETA_TRACING_ENDPOINT/v1/traces, which the sink reads.

Scenarios (the variable names are the ones the executable reads):
  prompt        detailed beta, content on: a plain question
  tool          detailed beta, content on: a question that makes it Read a file (--allowedTools Read)
  tool_details  standard export, OTEL_LOG_USER_PROMPTS and OTEL_LOG_TOOL_DETAILS/CONTENT: the same Read
  redacted      standard export, no content variables: the same Read
"""

import json
import os
import shutil
import subprocess
import tempfile

FOLDER = "claude_code"
PACKAGES = ["@anthropic-ai/claude-code"]

PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "claude_code")
CLAUDE = os.path.join(PROJECT, "node_modules", ".bin", "claude")

QUESTION = "What is the capital of France?"
READ = "What does the file `notes.txt` say?"
CONTENT = {"OTEL_LOG_USER_PROMPTS": "1", "OTEL_LOG_TOOL_DETAILS": "1", "OTEL_LOG_TOOL_CONTENT": "1"}
DETAILED = dict(CONTENT, ENABLE_BETA_TRACING_DETAILED="1")

# scenario -> (prompt, allowed tools, extra environment, detailed beta)
RUNS = {
    "prompt": (QUESTION, None, DETAILED, True),
    "tool": (READ, "Read", DETAILED, True),
    "tool_details": (READ, "Read", CONTENT, False),
    "redacted": (READ, "Read", {}, False),
}
SCENARIOS = list(RUNS)


def versions():
    from record_corpus import npm_versions
    return npm_versions(PROJECT, PACKAGES)


def run(scenario, llm_url, otlp_url):
    from record_corpus import npm_install
    npm_install(PROJECT)
    prompt, tools, extra, detailed = RUNS[scenario]
    # Fixed paths, so that the file paths on the spans are the same in every recording.
    root = os.path.join(tempfile.gettempdir(), "record-claude-code")
    shutil.rmtree(root, ignore_errors=True)
    project, home = os.path.join(root, "project"), os.path.join(root, "home")
    os.makedirs(project)
    os.makedirs(home)
    with open(os.path.join(project, "notes.txt"), "w") as f:
        f.write("The secret word is tangerine.\n")

    env = {
        "PATH": os.environ["PATH"], "HOME": home, "LANG": "C.UTF-8",
        "ANTHROPIC_BASE_URL": llm_url, "ANTHROPIC_API_KEY": "stub",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_AUTOUPDATER": "1",
        "CLAUDE_CODE_ENABLE_TELEMETRY": "1", "CLAUDE_CODE_ENHANCED_TELEMETRY_BETA": "1",
        "OTEL_TRACES_EXPORTER": "otlp", "OTEL_METRICS_EXPORTER": "none", "OTEL_LOGS_EXPORTER": "none",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": otlp_url + "/v1/traces",
        **extra,
    }
    if detailed:
        env["BETA_TRACING_ENDPOINT"] = otlp_url
    args = [CLAUDE, "-p", prompt, "--output-format", "json"]
    if tools:
        args += ["--allowedTools", tools]
    out = subprocess.run(args, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    result = json.loads(out.stdout or "{}")
    if out.returncode != 0 or result.get("is_error"):
        raise RuntimeError(f"claude failed ({out.returncode}): {out.stdout[-2000:]} {out.stderr[-2000:]}")
