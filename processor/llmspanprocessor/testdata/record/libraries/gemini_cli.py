"""Gemini CLI's own telemetry (@google/gemini-cli, packages/core/src/telemetry: tracer
"gemini-cli", spans llm_call, schedule_tool_calls, tool_call and agent_call), a Node program:
run() starts it non-interactively (`gemini --prompt PROMPT`) with API-key auth against the
stub's Gemini API (GOOGLE_GEMINI_BASE_URL), its telemetry on with traces and prompts
(settings.json in a temporary HOME), in a temporary trusted project holding notes.txt.
"prompt" asks a plain question; "tool" asks it to read notes.txt, so the stub answers with a
read_file call and then the text; "subagent" asks it to run its codebase_investigator
subagent (invoke_agent), whose model call answers with complete_task. Each main-loop model
call and each tool batch (schedule_tool_calls) is a trace of its own: the non-interactive loop
starts no root span.
The CLI is pinned in gemini_cli/package.json and package-lock.json and installed by `npm ci`
into gemini_cli/node_modules/ (gitignored).

Its OTLP/HTTP exporters send JSON only (the bundle has no protobuf exporter), which the sink
reads. The venv (gemini_cli.txt) holds what record_corpus.py needs to decode the requests.

Hermetic: HOME is a fresh directory, usage statistics are off, sandbox and relaunch are off, the
workspace is trusted by GEMINI_CLI_TRUST_WORKSPACE; update checks run only in the interactive UI,
and read_file and invoke_agent run without approval in the default approval mode.
"""

import json
import os
import shutil
import subprocess
import tempfile

FOLDER = "gemini_cli"
SCENARIOS = ["prompt", "tool", "subagent"]
PACKAGES = ["@google/gemini-cli"]

PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gemini_cli")
MODEL = "gemini-2.5-flash"  # fixed: "auto" would first ask a router model to pick one
PROMPTS = {
    "prompt": "Say hello.",
    # The stub calls the declared function that the prompt names, with the JSON object in it.
    "tool": 'When is the meeting? Use read_file with {"file_path": "notes.txt"}.',
    # invoke_agent runs the codebase_investigator subagent, whose objective is the inner
    # prompt: it calls complete_task with a report that its output schema accepts.
    "subagent": 'Use invoke_agent with ' + json.dumps({
        "agent_name": "codebase_investigator",
        "prompt": "Call complete_task with " + json.dumps({"report": {
            "SummaryOfFindings": "notes.txt says the meeting is at noon.",
            "ExplorationTrace": [], "RelevantLocations": []}}),
    }) + ".",
}


def versions():
    from record_corpus import npm_versions
    return npm_versions(PROJECT, PACKAGES)


def run(scenario, llm_url, otlp_url):
    from record_corpus import npm_install
    npm_install(PROJECT)
    # A fixed path, so that the paths the CLI puts in its prompts are the same in each recording.
    home = os.path.join(tempfile.gettempdir(), "record-gemini-cli")
    shutil.rmtree(home, ignore_errors=True)
    project = os.path.join(home, "project")
    os.makedirs(os.path.join(home, ".gemini"))
    os.makedirs(project)
    with open(os.path.join(project, "notes.txt"), "w") as f:
        f.write("The meeting is at noon.\n")
    settings = {
        "telemetry": {"enabled": True, "traces": True, "target": "local", "logPrompts": True,
                      "otlpEndpoint": otlp_url, "otlpProtocol": "http"},
        "privacy": {"usageStatisticsEnabled": False},
        "general": {"enableAutoUpdate": False, "enableAutoUpdateNotification": False},
        "security": {"auth": {"selectedType": "gemini-api-key"}},
    }
    with open(os.path.join(home, ".gemini", "settings.json"), "w") as f:
        json.dump(settings, f, indent=2)
    env = {
        "PATH": os.environ["PATH"], "HOME": home, "TERM": "dumb",
        "GEMINI_API_KEY": "stub", "GOOGLE_GEMINI_BASE_URL": llm_url,
        "GEMINI_CLI_TRUST_WORKSPACE": "true", "GEMINI_SANDBOX": "false", "GEMINI_CLI_NO_RELAUNCH": "true",
    }
    cli = os.path.join(PROJECT, "node_modules", "@google", "gemini-cli", "bundle", "gemini.js")
    try:
        # The CLI flushes its exporters before it exits.
        subprocess.run(["node", cli, "--model", MODEL, "--prompt", PROMPTS[scenario]],
                       cwd=project, env=env, check=True, timeout=300)
    finally:
        shutil.rmtree(home, ignore_errors=True)
