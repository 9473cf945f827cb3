#!/usr/bin/env bash
# Runs the main job on an embedded default: a local MLflow tracking server (SQLite in .data/,
# loopback only) unless one already answers at MLFLOW_TRACKING_URI, then the collector with
# config.yaml in the foreground. Ctrl-C stops both. Extra arguments go to the collector, e.g.
#   scripts/run.sh --config configs/jaeger.yaml
set -euo pipefail
cd "$(dirname "$0")/.."

port=${MLFLOW_PORT:-5000}
data=${OTELCOL_MLFLOW_DATA:-$PWD/.data}
export MLFLOW_TRACKING_URI=${MLFLOW_TRACKING_URI:-http://127.0.0.1:$port}
export MLFLOW_EXPERIMENT_NAME=${MLFLOW_EXPERIMENT_NAME:-otelcol-mlflow}

if curl -fsS "$MLFLOW_TRACKING_URI/health" >/dev/null 2>&1; then
  echo "Using the MLflow server already running at $MLFLOW_TRACKING_URI"
else
  mkdir -p "$data/artifacts"
  echo "Starting MLflow $(.venv/bin/python -c 'import mlflow; print(mlflow.__version__)') at $MLFLOW_TRACKING_URI (log: $data/mlflow.log)"
  .venv/bin/mlflow server \
    --backend-store-uri "sqlite:///$data/mlflow.db" \
    --artifacts-destination "$data/artifacts" --serve-artifacts \
    --host 127.0.0.1 --port "$port" >"$data/mlflow.log" 2>&1 &
  mlflow_pid=$!
  trap 'kill "$mlflow_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    curl -fsS "$MLFLOW_TRACKING_URI/health" >/dev/null 2>&1 && break
    kill -0 "$mlflow_pid" 2>/dev/null || { echo "MLflow failed to start:"; tail -20 "$data/mlflow.log"; exit 1; }
    sleep 1
  done
fi

cat <<MSG

  MLflow UI ............ $MLFLOW_TRACKING_URI  (experiment "$MLFLOW_EXPERIMENT_NAME", Traces tab)
  OTLP gRPC ............ ${OTLP_GRPC_ENDPOINT:-localhost:4317}
  OTLP HTTP ............ http://${OTLP_HTTP_ENDPOINT:-localhost:4318}/v1/traces
  MLflow SDK apps ...... MLFLOW_TRACKING_URI=http://${MLFLOW_RECEIVER_ENDPOINT:-localhost:5050}
  Health ............... http://${HEALTH_CHECK_ENDPOINT:-localhost:13133}/
  Send a demo trace .... make demo   (in another terminal)

MSG
bin/otelcol-mlflow --config config.yaml "$@"
