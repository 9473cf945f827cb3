package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"maps"
	"slices"
	"strings"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// traceInfo is what the client says about a trace outside its spans: tags and metadata, from
// StartTraceV3 or the v2 StartTrace/EndTrace calls and tag updates, and StartTraceV3's other
// fields an app can set (mlflow.update_current_trace).
type traceInfo struct {
	experimentID    string
	tags            map[string]string
	metadata        map[string]string
	clientRequestID string
	requestPreview  string
	responsePreview string
	state           string
}

// merge adds o to ti: its tags and metadata, and whichever of its other fields are set.
func (ti *traceInfo) merge(o traceInfo) {
	if ti.tags == nil {
		ti.tags = map[string]string{}
	}
	if ti.metadata == nil {
		ti.metadata = map[string]string{}
	}
	maps.Copy(ti.tags, o.tags)
	maps.Copy(ti.metadata, o.metadata)
	for dst, src := range map[*string]string{
		&ti.experimentID:    o.experimentID,
		&ti.clientRequestID: o.clientRequestID,
		&ti.requestPreview:  o.requestPreview,
		&ti.responsePreview: o.responsePreview,
		&ti.state:           o.state,
	} {
		if src != "" {
			*dst = src
		}
	}
}

// decorateRoot writes info on a trace's root span the way the tracking server reads it back:
// user tags as mlflow.traceTag.<key> (MLflow's own OTLP convention, plain strings; like the SDK,
// tags of MLflow's own are left out: the server derives them), session and user as session.id
// and user.id, and every metadata entry as mlflow.traceMetadata.<key>. Of the other fields, the
// client request id goes on as mlflow.traceClientRequestId; previews and state only when the
// app set them (see appPreview and appState), for the server derives the defaults from the
// spans. Attributes the span already has win.
func decorateRoot(span ptrace.Span, info *traceInfo) {
	if info == nil {
		return
	}
	attrs := span.Attributes()
	putAbsent := func(key, value string) {
		if _, ok := attrs.Get(key); !ok {
			attrs.PutStr(key, value)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(info.tags)) {
		if v := info.tags[k]; !strings.HasPrefix(k, mlflow.AttrPrefix) {
			putAbsent(mlflow.AttrTraceTagPrefix+k, v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(info.metadata)) {
		putAbsent(mlflow.AttrTraceMetadataPrefix+k, info.metadata[k])
	}
	for _, kv := range [][2]string{
		{mlflow.AttrSessionID, info.metadata[mlflow.MetadataSession]},
		{mlflow.AttrUserID, info.metadata[mlflow.MetadataUser]},
		{mlflow.AttrTraceClientRequestID, info.clientRequestID},
		{mlflow.AttrTraceRequestPreview, appPreview(info.requestPreview, attrs, mlflow.AttrSpanInputs)},
		{mlflow.AttrTraceResponsePreview, appPreview(info.responsePreview, attrs, mlflow.AttrSpanOutputs)},
		{mlflow.AttrTraceState, appState(info.state, span.Status().Code())},
	} {
		if kv[1] != "" {
			putAbsent(kv[0], kv[1])
		}
	}
}

// appState returns state when the app set it against the root span's status (the SDK derives
// it from that status otherwise: ERROR, or else OK), or "".
func appState(state string, code ptrace.StatusCode) string {
	derived := mlflow.TraceStateOK
	if code == ptrace.StatusCodeError {
		derived = mlflow.TraceStateError
	}
	if (state == mlflow.TraceStateOK || state == mlflow.TraceStateError) && state != derived {
		return state
	}
	return ""
}
