"""An app that logs a trace and then reads and rates it (end-to-end test app).

Pointed at the collector (MLFLOW_TRACKING_URI), it logs an `@mlflow.trace` trace, which reaches
MLflow through the pipeline, and tags it at once with reviewed=yes (mlflow.set_trace_tag on the
ended trace, which the collector relays, waiting while the pipeline still holds the trace). It
waits for the trace to land, asking the tracking server itself
(SERVER_URI): calls about the trace are relayed by the collector to that server, which answers
404 until the trace is there. Then, still through the collector, it reads the trace back,
searches the experiment and logs a feedback on the trace.
Prints one JSON line: {"trace_id": "<32 hex>", "got_trace_id", "got_spans", "found_trace_ids",
"feedback_id"}.
"""

import json
import os
import time

import mlflow
from mlflow import MlflowClient
from mlflow.entities import AssessmentSource
from mlflow.exceptions import MlflowException


@mlflow.trace(span_type="AGENT")
def answer(question):
    return "42"


experiment_id = mlflow.set_experiment(os.environ["MLFLOW_EXPERIMENT_NAME"]).experiment_id
answer("What is the answer?")
trace_id = mlflow.get_last_active_trace_id()
mlflow.flush_trace_async_logging()
mlflow.set_trace_tag(trace_id, "reviewed", "yes")

server = MlflowClient(tracking_uri=os.environ["SERVER_URI"])
deadline = time.monotonic() + 60
while True:
    try:
        server.get_trace(trace_id)
        break
    except MlflowException as e:
        if e.error_code != "RESOURCE_DOES_NOT_EXIST" or time.monotonic() > deadline:
            raise
        time.sleep(0.5)

collector = MlflowClient()
got = collector.get_trace(trace_id)
found = collector.search_traces(locations=[experiment_id])
feedback = mlflow.log_feedback(
    trace_id=trace_id,
    name="quality",
    value=True,
    source=AssessmentSource(source_type="HUMAN", source_id="alice"),
)
print(
    json.dumps(
        {
            "trace_id": trace_id.removeprefix("tr-"),
            "got_trace_id": got.info.trace_id,
            "got_spans": [s.name for s in got.data.spans],
            "found_trace_ids": [t.info.trace_id for t in found],
            "feedback_id": feedback.assessment_id,
        }
    )
)
