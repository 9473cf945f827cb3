#!/usr/bin/env bash
# Installs the real trace backends the fan-out tests send to, into .tools/ (idempotent):
#   - Zipkin server (its exec jar from Maven Central, run with the machine's Java 17);
#   - Jaeger v2 (built from the Go module proxy in the separate module tools/jaeger);
#   - ddintake, a local stand-in for Datadog's trace intake (tools/ddintake), since Datadog
#     cannot run here; it decodes payloads with Datadog's own protobuf types.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tools
tools=$PWD/.tools

zipkin_version=3.6.1
if [ ! -f "$tools/zipkin-server-$zipkin_version-exec.jar" ]; then
  echo "install-backends: Zipkin $zipkin_version"
  mvn -q dependency:copy -Dartifact="io.zipkin:zipkin-server:$zipkin_version:jar:exec" -DoutputDirectory="$tools"
fi

if [ ! -x "$tools/jaeger" ]; then
  echo "install-backends: Jaeger (tools/jaeger, a few minutes)"
  # The module proxy serves the collector modules Jaeger pins, but the checksum database here
  # has no entry for them; tools/jaeger/go.sum pins what was downloaded.
  (cd tools/jaeger && GONOSUMDB=go.opentelemetry.io,github.com/open-telemetry \
    go build -o "$tools/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger)
fi

if [ ! -x "$tools/ddintake" ] || [ tools/ddintake/main.go -nt "$tools/ddintake" ]; then
  echo "install-backends: ddintake"
  (cd tools/ddintake && go build -o "$tools/ddintake" .)
fi
