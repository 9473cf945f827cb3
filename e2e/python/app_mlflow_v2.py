"""A trace logged the way MLflow 2 clients log one (end-to-end test app).

MLflow 3's SDK no longer traces this way, but its REST store still has the v2 calls
(RestStore.deprecated_start_trace_v2 and deprecated_end_trace_v2, which it falls back to for old
servers), so their request bodies here are MLflow's own. The order is MLflow 2's
(MlflowSpanExporter._log_trace): StartTrace when the root span starts; traces.json, uploaded with
the SDK's artifact repository to the location StartTrace answered; then EndTrace with the
trace's final status, tags and metadata. The spans are in MLflow 2's traces.json schema
(Span.to_dict of MLflow 2, read back by Span.from_dict_v2), stamped with the request id.

The root span's own status is OK and EndTrace's status is ERROR (the trace failed after its
spans), so the stored state shows which of the two reached MLflow.
Logs to MLFLOW_TRACKING_URI, in experiment MLFLOW_EXPERIMENT_NAME. Prints one JSON line:
{"trace_id": "<32 hex>"}, the OTel trace id of the spans.
"""

import json
import os
import secrets
import time

import mlflow
from mlflow.entities.trace_status import TraceStatus
from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
from mlflow.store.tracking.rest_store import RestStore
from mlflow.tracing.utils.artifact_utils import get_artifact_uri_for_trace
from mlflow.utils.credentials import get_default_host_creds

experiment_id = mlflow.set_experiment(os.environ["MLFLOW_EXPERIMENT_NAME"]).experiment_id
uri = mlflow.get_tracking_uri()
store = RestStore(lambda: get_default_host_creds(uri))

start_ns = time.time_ns()
info = store.deprecated_start_trace_v2(
    experiment_id=experiment_id,
    timestamp_ms=start_ns // 1_000_000,
    request_metadata={"app.version": "2.22"},
    tags={"mlflow.traceName": "v2_agent"},
)
request_id = info.request_id
end_ns = time.time_ns()

trace_id, root_id, child_id = secrets.token_hex(16), secrets.token_hex(8), secrets.token_hex(8)


def span(name, span_id, parent_id, span_type, inputs, outputs):
    # Attribute values are JSON text, as MLflow 2 stored them.
    return {
        "name": name,
        "context": {"trace_id": "0x" + trace_id, "span_id": "0x" + span_id},
        "parent_id": "0x" + parent_id if parent_id else None,
        "start_time": start_ns,
        "end_time": end_ns,
        "status_code": "OK",
        "status_message": "",
        "attributes": {
            "mlflow.traceRequestId": json.dumps(request_id),
            "mlflow.spanType": json.dumps(span_type),
            "mlflow.spanInputs": json.dumps(inputs),
            "mlflow.spanOutputs": json.dumps(outputs),
        },
        "events": [],
    }


spans = [
    span("v2_agent", root_id, None, "AGENT", {"question": "Weather in Paris?"}, "sunny"),
    span("v2_tool", child_id, root_id, "TOOL", {"city": "Paris"}, {"forecast": "sunny"}),
]
get_artifact_repository(get_artifact_uri_for_trace(info)).upload_trace_data(
    json.dumps({"spans": spans})
)

store.deprecated_end_trace_v2(
    request_id=request_id,
    timestamp_ms=end_ns // 1_000_000,
    status=TraceStatus.ERROR,
    request_metadata={"mlflow.trace.user": "bob"},
    tags={"team": "v2"},
)
print(json.dumps({"trace_id": trace_id}))
