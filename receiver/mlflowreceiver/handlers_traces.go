package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"go.uber.org/zap"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// traceDataFile is the artifact holding a trace's spans (TRACE_DATA_FILE_NAME).
const traceDataFile = "traces.json"

// startTraceV3Request is StartTraceV3's body (mlflow/protos/service.proto); trace_info is also
// kept raw, to be echoed back with the fields this receiver does not read.
type startTraceV3Request struct {
	Trace struct {
		TraceInfo json.RawMessage `json:"trace_info"`
	} `json:"trace"`
}

type traceInfoV3 struct {
	TraceID       string `json:"trace_id"`
	TraceLocation struct {
		MLflowExperiment struct {
			ExperimentID string `json:"experiment_id"`
		} `json:"mlflow_experiment"`
	} `json:"trace_location"`
	TraceMetadata   map[string]string `json:"trace_metadata"`
	Tags            map[string]string `json:"tags"`
	ClientRequestID string            `json:"client_request_id"`
	RequestPreview  string            `json:"request_preview"`
	ResponsePreview string            `json:"response_preview"`
	// State is an enum, which protobuf's JSON may also write as a number: only names are read.
	State any `json:"state"`
}

// startTraceV3 takes the trace's info, which the SDK sends once the trace has ended. The answer
// echoes it with the tags a tracking server adds; spansLocation=TRACKING_STORE tells the client
// the spans came over OTLP, so it does not upload traces.json too.
func (r *mlflowReceiver) startTraceV3(w http.ResponseWriter, req *http.Request) {
	var body startTraceV3Request
	if !decodeJSON(w, req, &body) {
		return
	}
	var ti traceInfoV3
	var echo map[string]json.RawMessage
	if len(body.Trace.TraceInfo) == 0 || json.Unmarshal(body.Trace.TraceInfo, &ti) != nil || json.Unmarshal(body.Trace.TraceInfo, &echo) != nil {
		writeError(w, http.StatusBadRequest, codeInvalidParameter, "trace.trace_info must be a TraceInfoV3 object")
		return
	}
	if ti.TraceID == "" {
		writeError(w, http.StatusBadRequest, codeInvalidParameter, "Missing value for required parameter 'trace.trace_info.trace_id'.")
		return
	}
	expID := ti.TraceLocation.MLflowExperiment.ExperimentID
	root, handed, spansHere := r.pending.startTrace(req.Context(), ti.TraceID,
		traceInfo{
			experimentID: expID, tags: ti.Tags, metadata: ti.TraceMetadata,
			clientRequestID: ti.ClientRequestID, requestPreview: ti.RequestPreview,
			responsePreview: ti.ResponsePreview, state: stateName(ti.State),
		}, sendsSpansOverOTLP(req))
	if len(handed) > 0 && !r.sendHanded(w, req, root, handed, formatOTLP) {
		return
	}
	r.sendReleased()

	tags := map[string]string{}
	for k, v := range ti.Tags {
		tags[k] = v
	}
	tags[mlflow.TagArtifactLocation] = artifactLocation(expID, ti.TraceID)
	if spansHere {
		tags[mlflow.TagSpansLocation] = mlflow.SpansLocationTrackingStore
	}
	echo["tags"], _ = json.Marshal(tags)
	writeJSON(w, http.StatusOK, map[string]any{"trace": map[string]any{"trace_info": echo}})
}

// stateName is a trace state (TraceInfoV3's state, or v2's TraceStatus, which has the same
// names) given by its name, or "".
func stateName(v any) string {
	s, _ := v.(string)
	return s
}

// sendsSpansOverOTLP tells whether the client is MLflow's Python SDK, the one client that logs
// spans over OTLP next to StartTraceV3, by the headers its default request header provider
// sets (X-MLflow-Client-Version stays when the User-Agent is overwritten). Others, such as the
// TypeScript SDK (Node's fetch: "User-Agent: node"), upload traces.json instead; were one to
// send OTLP spans after all, traces.json would add nothing twice, only cost an upload.
func sendsSpansOverOTLP(req *http.Request) bool {
	return req.Header.Get("X-MLflow-Client-Version") != "" ||
		strings.HasPrefix(req.Header.Get("User-Agent"), "mlflow-python-client/")
}

// artifactLocation is where the client uploads the trace's traces.json: back to this receiver
// (mlflow-artifacts: resolves against the tracking URI).
func artifactLocation(experimentID, traceID string) string {
	return "mlflow-artifacts:/" + experimentID + "/traces/" + traceID + "/artifacts"
}

// keyValue is the v2 API's form of metadata and tags.
type keyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func kvMap(kvs []keyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}

func kvList(m map[string]string) []keyValue {
	kvs := make([]keyValue, 0, len(m))
	for k, v := range m {
		kvs = append(kvs, keyValue{Key: k, Value: v})
	}
	return kvs
}

// v2TraceRequest is the body of the v2 StartTrace and EndTrace calls (mlflow/protos/service.proto;
// RestStore.deprecated_start_trace_v2 and deprecated_end_trace_v2 send them).
type v2TraceRequest struct {
	ExperimentID string `json:"experiment_id"`
	TimestampMs  int64  `json:"timestamp_ms"`
	// Status is EndTrace's TraceStatus, an enum like TraceInfoV3's state (see stateName).
	Status          any        `json:"status"`
	RequestMetadata []keyValue `json:"request_metadata"`
	Tags            []keyValue `json:"tags"`
}

// startTraceV2 is MLflow 2's StartTrace, called when the root span starts: the server issues
// the trace's request id, which the client then stamps on its spans and upload path.
func (r *mlflowReceiver) startTraceV2(w http.ResponseWriter, req *http.Request) {
	var body v2TraceRequest
	if !decodeJSON(w, req, &body) {
		return
	}
	if body.ExperimentID == "" {
		writeError(w, http.StatusBadRequest, codeInvalidParameter, "Missing value for required parameter 'experiment_id'.")
		return
	}
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	id := hex.EncodeToString(raw[:]) // MLflow 2 servers issue uuid4().hex
	r.pending.addInfo(id, traceInfo{experimentID: body.ExperimentID, tags: kvMap(body.Tags), metadata: kvMap(body.RequestMetadata)})
	r.writeTraceInfoV2(w, id, body.TimestampMs, "IN_PROGRESS")
}

// endTraceV2 is MLflow 2's EndTrace: the trace's final status, metadata and tags. The client
// sends it after uploading traces.json, whose root span waits here for them. MLflow stores the
// status as the trace's state, so it is carried as StartTraceV3's state is.
func (r *mlflowReceiver) endTraceV2(w http.ResponseWriter, req *http.Request) {
	id := req.PathValue("id")
	var body v2TraceRequest
	if !decodeJSON(w, req, &body) {
		return
	}
	root, handed, propagated := r.pending.endTrace(id, traceInfo{
		tags: kvMap(body.Tags), metadata: kvMap(body.RequestMetadata), state: stateName(body.Status),
	})
	if len(handed) > 0 && !r.sendHanded(w, req, root, handed, formatMLflowJSON) {
		return
	}
	if !propagated {
		r.settings.Logger.Warn("EndTrace came after the trace's root span was sent on; its tags and metadata are not propagated", zap.String("trace_id", id))
	}
	r.writeTraceInfoV2(w, id, body.TimestampMs, body.Status)
}

func (r *mlflowReceiver) writeTraceInfoV2(w http.ResponseWriter, id string, timestampMs int64, status any) {
	info := r.pending.info(id)
	info.tags[mlflow.TagArtifactLocation] = artifactLocation(info.experimentID, id)
	writeJSON(w, http.StatusOK, map[string]any{"trace_info": map[string]any{
		"request_id":       id,
		"experiment_id":    info.experimentID,
		"timestamp_ms":     timestampMs,
		"status":           status,
		"request_metadata": kvList(info.metadata),
		"tags":             kvList(info.tags),
	}})
}

// setTraceTag is SetTraceTag (v2 and v3 paths). The tag rides on the trace's root span while
// the receiver holds it (or it is still to come). The SDK calls this for traces that already
// ended, whose root usually went on: see lateTag.
func (r *mlflowReceiver) setTraceTag(w http.ResponseWriter, req *http.Request) {
	id := req.PathValue("id")
	var body keyValue
	b, ok := readJSON(w, req, &body)
	if !ok {
		return
	}
	// Refused as the tracking server refuses it: a tag riding on the root with such a key would
	// be skipped there without a word.
	if problem := mlflow.TraceTagKeyProblem(body.Key); problem != "" {
		writeError(w, http.StatusBadRequest, codeInvalidParameter, problem)
		return
	}
	reach := r.pending.setTag(id, body.Key, body.Value, r.relay == nil)
	r.lateTag(w, req, b, reach, true, id, body.Key, "Trace tag set after the trace was sent on; it is not propagated")
}

// deleteTraceTag is DeleteTraceTag, with the same reach as setTraceTag.
func (r *mlflowReceiver) deleteTraceTag(w http.ResponseWriter, req *http.Request) {
	id, key := req.PathValue("id"), req.URL.Query().Get("key")
	b, ok := readBody(w, req)
	if !ok {
		return
	}
	if key == "" {
		var body keyValue // the SDK sends the key in a body
		if len(b) > 0 && json.Unmarshal(b, &body) == nil {
			key = body.Key
		}
	}
	if key == "" {
		writeError(w, http.StatusBadRequest, codeInvalidParameter, "Missing value for required parameter 'key'.")
		return
	}
	reach := r.pending.deleteTag(id, key, r.relay == nil)
	// A tag the trace's root went on without never reaches the upstream through the pipeline:
	// the upstream's 404 for it is final, also while it still lacks the trace. The trace name
	// comes with the trace info the exporter sends after the spans.
	mayCome := key == mlflow.TagTraceName || !r.pending.rootLacksTag(id, key)
	r.lateTag(w, req, b, reach, mayCome, id, key, "Trace tag deleted after the trace was sent on; it is not propagated")
}

// lateTag answers a tag call by where it reached. One that can no longer reach the root goes to
// the upstream, where the pipeline stores the trace (relayLateTag), unless the id is an MLflow 2
// one, which the receiver issued, tracked or forgotten: the trace is stored under its OTel trace
// id, so the upstream would refuse it for all of late_tag_wait. Without upstream, such a tag is
// lost, as warned. waitForTrace says whether the upstream's refusal for want of the trace is
// retried.
func (r *mlflowReceiver) lateTag(w http.ResponseWriter, req *http.Request, body []byte, reach tagReach, waitForTrace bool, id, key, lost string) {
	_, mlflow3ID := otelTraceID(id)
	switch {
	case reach == tagOnRoot:
	case r.relay != nil && mlflow3ID:
		r.relayLateTag(w, req, body, waitForTrace, id, key)
		return
	default:
		r.settings.Logger.Warn(lost, zap.String("trace_id", id), zap.String("key", key))
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

// linkPrompts accepts LinkPromptsToTrace: prompts live in MLflow's registry, which the
// collector does not serve, so there is nothing to link; answering keeps the client quiet.
func (r *mlflowReceiver) linkPrompts(w http.ResponseWriter, req *http.Request) {
	if _, ok := readBody(w, req); ok {
		writeJSON(w, http.StatusOK, struct{}{})
	}
}

// uploadArtifact takes traces.json, uploaded to the artifact location StartTraceV3 answered
// (<experiment>/traces/<trace id>/artifacts/traces.json). Other artifacts (attachments) are
// relayed to the upstream server, or refused without one: the collector keeps no files.
func (r *mlflowReceiver) uploadArtifact(w http.ResponseWriter, req *http.Request) {
	parts := strings.Split(req.PathValue("path"), "/")
	if len(parts) != 5 || parts[1] != "traces" || parts[3] != "artifacts" || parts[4] != traceDataFile {
		if r.relay != nil {
			r.relay.ServeHTTP(w, req)
			return
		}
		writeError(w, http.StatusNotFound, codeEndpointNotFound, "the collector accepts only trace data uploads (<experiment>/traces/<trace id>/artifacts/traces.json)")
		return
	}
	pathExpID, traceID := parts[0], parts[2]
	body, ok := readBody(w, req)
	if !ok {
		return
	}
	td, err := traceDataToTraces(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, codeInvalidParameter, err.Error())
		return
	}
	expID := r.pending.info(traceID).experimentID
	if expID == "" {
		expID = pathExpID
	}
	key, value, known := r.exps.resourceAttribute(expID)
	if !known {
		writeError(w, http.StatusNotFound, codeNotFound, "No Experiment with id="+expID+" exists")
		return
	}
	td.ResourceSpans().At(0).Resource().Attributes().PutStr(key, value)
	// An MLflow 3 trace id is "tr-" and the OTel trace id, which the tracking server derives the
	// trace from. The TypeScript SDK's traces.json does not hold it: it encodes the "tr-..."
	// text itself as if it were hex. So the spans take the id the upload is for.
	if tid, ok := otelTraceID(traceID); ok {
		setTraceID(td, tid)
	}

	handed := r.pending.fromArtifact(req.Context(), traceID, td)
	if !r.sendHanded(w, req, td, handed, formatMLflowJSON) {
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}
