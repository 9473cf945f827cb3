"""The real MLflow client using calls the receiver relays to its upstream tracking server.

A trace is logged straight to the server first (a trace MLflow already has); then, pointed at
the receiver, the client reads it back, searches, logs a feedback and an expectation on it, and
logs a trace with an attachment. Prints the ids and what it read as one JSON line.

Env: SERVER_URI (the tracking server), RECEIVER_URI, EXPERIMENT, and the client's credentials
MLFLOW_TRACKING_USERNAME/PASSWORD, which apply to both URIs.
"""

import json
import os

import mlflow
from mlflow.entities import AssessmentSource
from mlflow.tracing.attachments import Attachment


@mlflow.trace
def answer(question):
    return "42"


@mlflow.trace
def with_attachment():
    attachment = Attachment(content_type="text/plain", content_bytes=b"attached text")
    mlflow.get_current_active_span().set_inputs({"file": attachment})
    return attachment.id


mlflow.set_tracking_uri(os.environ["SERVER_URI"])
experiment_id = mlflow.set_experiment(os.environ["EXPERIMENT"]).experiment_id
answer("direct")
direct_id = mlflow.get_last_active_trace_id()
mlflow.flush_trace_async_logging()

mlflow.set_tracking_uri(os.environ["RECEIVER_URI"])
got = mlflow.get_trace(direct_id)
found = mlflow.search_traces(locations=[experiment_id], return_type="list")
feedback = mlflow.log_feedback(
    trace_id=direct_id,
    name="quality",
    value=True,
    source=AssessmentSource(source_type="HUMAN", source_id="alice"),
)
expectation = mlflow.log_expectation(trace_id=direct_id, name="expected_answer", value="42")
attachment_id = with_attachment()
attachment_trace_id = mlflow.get_last_active_trace_id()
mlflow.flush_trace_async_logging()

print(
    json.dumps(
        {
            "experiment_id": experiment_id,
            "direct_trace_id": direct_id,
            "got_trace_id": got.info.trace_id if got else None,
            "got_spans": [s.name for s in got.data.spans] if got else [],
            "found_trace_ids": [t.info.trace_id for t in found],
            "feedback_id": feedback.assessment_id,
            "expectation_id": expectation.assessment_id,
            "attachment_id": attachment_id,
            "attachment_trace_id": attachment_trace_id,
        }
    )
)
