"""The real MLflow client tagging a trace after it ended, as a reviewer would.

Pointed at the receiver, it logs a trace with the tags review=pending and draft=yes, waits until
its spans and trace info were sent, prints the trace id as one JSON line, then waits for a line
on stdin (the test's go-ahead) before it sets the tags of SET_TAGS (a JSON object) with
mlflow.set_trace_tag and deletes those of DELETE_TAGS (a JSON list) with
MlflowClient.delete_trace_tag. A call the receiver answers with an error raises.

Env: RECEIVER_URI, EXPERIMENT, SET_TAGS, DELETE_TAGS.
"""

import json
import os
import sys

import mlflow
from mlflow import MlflowClient


@mlflow.trace
def answer(question):
    mlflow.update_current_trace(tags={"review": "pending", "draft": "yes"})
    return "42"


mlflow.set_tracking_uri(os.environ["RECEIVER_URI"])
mlflow.set_experiment(os.environ["EXPERIMENT"])
answer("what is six times seven?")
trace_id = mlflow.get_last_active_trace_id()
mlflow.flush_trace_async_logging()
print(json.dumps({"trace_id": trace_id}), flush=True)

sys.stdin.readline()
for key, value in json.loads(os.environ["SET_TAGS"]).items():
    mlflow.set_trace_tag(trace_id, key, value)
for key in json.loads(os.environ["DELETE_TAGS"]):
    MlflowClient().delete_trace_tag(trace_id, key)
print("tagged", flush=True)
