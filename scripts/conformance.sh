#!/usr/bin/env bash
# Side-by-side conformance report: starts a throwaway MLflow tracking server (the .venv's, SQLite in
# a temporary directory, loopback, one worker), sends every recorded corpus file of the llmspan
# processor to it as recorded and through the processor (tools/conformance), and writes the
# comparison to processor/llmspanprocessor/CONFORMANCE.md. Needs `make venv`.
#   scripts/conformance.sh [OUTPUT]
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-processor/llmspanprocessor/CONFORMANCE.md}
mlflow=${MLFLOW_BIN:-$PWD/.venv/bin/mlflow}
[ -x "$mlflow" ] || { echo "no $mlflow: run make venv" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
dir=$(mktemp -d)

# Its own process group, so that the cleanup reaches uvicorn's worker too.
MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false setsid "$mlflow" server \
  --backend-store-uri "sqlite:///$dir/mlflow.db" \
  --artifacts-destination "$dir/artifacts" --serve-artifacts \
  --host 127.0.0.1 --port "$port" --workers 1 >"$dir/mlflow.log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  curl -fsS "$url/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "MLflow failed to start:" >&2; tail -20 "$dir/mlflow.log" >&2; exit 1; }
  sleep 1
done
curl -fsS "$url/health" >/dev/null || { echo "MLflow not healthy at $url" >&2; exit 1; }

echo "MLflow $("${mlflow%/mlflow}/python" -c 'import mlflow; print(mlflow.__version__)') at $url; writing $out"
go run ./tools/conformance -mlflow "$url" >"$out.tmp"
mv "$out.tmp" "$out"
