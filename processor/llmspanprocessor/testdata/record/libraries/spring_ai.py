"""Spring AI's observations, a Java library: run() starts the Spring Boot command-line app of
spring_ai/ (src/main/java/record/Record.java), whose ChatClient calls the OpenAI chat model
pointed at the stub with a @Tool get_weather; Micrometer Tracing's OpenTelemetry bridge turns
the observations into spans and Boot's OTLP exporter sends them over OTLP/HTTP (protobuf) to
the sink, flushed when the app closes its context on exit. Maven builds the jar
(`mvn -q -B package`) when it is missing or older than pom.xml or a source; the venv
(spring_ai.txt) only holds what record() itself needs to decode the requests.

Pins: Spring Boot 3.5.7 (its parent manages Micrometer Tracing 1.5 and the OpenTelemetry SDK
1.49) and the Spring AI BOM 1.1.2, which runs on Java 17. Scenarios: chat_client (call()) and
stream (stream().content()) with the content options Spring AI 1.1 has (CONTENT), no_content
with none of them.

What the recording shows: of the content options only spring.ai.tools.observations.include-content
reaches the spans (spring.ai.tool.call.arguments and .result); the log-prompt and
log-completion options log the messages, and no span carries them. Each chat model span's
gen_ai.usage.* counts every request of the tool round trip so far, not its own. In a stream,
the tool_call span starts a trace of its own, and the second chat span is a child of the first.
"""

import os
import re
import subprocess
import zipfile

FOLDER = "spring_ai"
SCENARIOS = ["chat_client", "no_content", "stream"]

PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spring_ai")
JAR = os.path.join(PROJECT, "target", "record-spring-ai.jar")

# Every prompt and completion option of Spring AI 1.1's observations.
CONTENT = [
    "--spring.ai.chat.client.observations.log-prompt=true",
    "--spring.ai.chat.client.observations.log-completion=true",
    "--spring.ai.chat.observations.log-prompt=true",
    "--spring.ai.chat.observations.log-completion=true",
    "--spring.ai.tools.observations.include-content=true",
]
# Streamed responses report token usage only when asked (stream_options.include_usage); on a
# call the option only draws a warning.
ARGS = {"chat_client": CONTENT, "no_content": [],
        "stream": CONTENT + ["--spring.ai.openai.chat.options.stream-usage=true"]}

# artifact in the jar's BOOT-INF/lib -> the name written in recordedWith
ARTIFACTS = {
    "spring-ai-openai": "spring-ai",
    "spring-boot": "spring-boot",
    "micrometer-tracing-bridge-otel": "micrometer-tracing-bridge-otel",
    "opentelemetry-sdk-trace": "opentelemetry-sdk",
}


def versions():
    """name -> version of the libraries in the built jar, which importlib.metadata cannot see."""
    build()
    with zipfile.ZipFile(JAR) as jar:
        libs = [n.rsplit("/", 1)[-1] for n in jar.namelist() if n.startswith("BOOT-INF/lib/")]
    found = {}
    for lib in libs:
        m = re.fullmatch(r"(.+)-(\d[^-]*)\.jar", lib)
        if m and m.group(1) in ARTIFACTS:
            found[ARTIFACTS[m.group(1)]] = m.group(2)
    return {name: found[name] for name in ARTIFACTS.values()}


def build():
    """mvn package when the jar is missing or older than pom.xml or a source."""
    sources = [os.path.join(PROJECT, "pom.xml")]
    for d, _, files in os.walk(os.path.join(PROJECT, "src")):
        sources += [os.path.join(d, f) for f in files]
    if not os.path.exists(JAR) or os.path.getmtime(JAR) < max(map(os.path.getmtime, sources)):
        subprocess.run(["mvn", "-q", "-B", "package"], cwd=PROJECT, check=True)


def run(scenario, llm_url, otlp_url):
    build()
    subprocess.run(["java", "-jar", JAR, "--spring.ai.openai.base-url=" + llm_url,
                    "--management.otlp.tracing.endpoint=" + otlp_url + "/v1/traces",
                    "--record.scenario=" + scenario, *ARGS[scenario]], cwd=PROJECT, check=True)
