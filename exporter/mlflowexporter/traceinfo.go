package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// tagTraceName is the trace tag MLflow shows as a trace's name; its SDK sets it to the root
// span's name.
const tagTraceName = "mlflow.traceName"

// recordTraceInfo recreates what MLflow's OTLP ingestion cannot carry for traces that an MLflow
// SDK client sent through the mlflow receiver: their trace metadata (the receiver puts it on the
// root span as mlflow.traceMetadata.<key>), their tags and their name. Like the SDK, it sends
// the root's trace info with StartTraceV3 after the spans; the server merges it into the stored
// trace. A failure here does not fail the spans, which are stored: it is logged.
func (e *mlflowExporter) recordTraceInfo(ctx context.Context, experimentID string, td ptrace.Traces) {
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				info, ok := sdkTraceInfo(span, experimentID)
				if !ok {
					continue
				}
				if err := e.experiments.api.StartTrace(ctx, info); err != nil {
					e.logger.Warn("Could not record the trace's metadata and tags in MLflow; its spans are stored",
						zap.String("trace_id", info.TraceID), zap.Error(err))
				}
			}
		}
	}
}

// sdkTraceInfo returns the trace info of a root span that carries MLflow SDK trace info: its
// metadata, or the fields the receiver puts on the root when the app set them.
func sdkTraceInfo(span ptrace.Span, experimentID string) (mlflow.TraceInfo, bool) {
	if !span.ParentSpanID().IsEmpty() {
		return mlflow.TraceInfo{}, false
	}
	attrs := span.Attributes()
	text := func(key string) string {
		if v, ok := attrs.Get(key); ok {
			return v.AsString() // plain, as the receiver writes it
		}
		return ""
	}
	metadata := prefixed(attrs, mlflow.AttrTraceMetadataPrefix, pcommon.Value.AsString)
	// The server refuses the whole trace info for a session id over its limit (it truncates
	// other metadata values).
	if session, ok := metadata[mlflow.MetadataSession]; ok {
		metadata[mlflow.MetadataSession], _ = truncate(session, maxSessionIDChars)
	}
	info := mlflow.TraceInfo{
		ClientRequestID: text(mlflow.AttrTraceClientRequestID),
		RequestPreview:  text(mlflow.AttrTraceRequestPreview),
		ResponsePreview: text(mlflow.AttrTraceResponsePreview),
		State:           text(mlflow.AttrTraceState),
	}
	if len(metadata) == 0 && info.ClientRequestID+info.RequestPreview+info.ResponsePreview+info.State == "" {
		return mlflow.TraceInfo{}, false
	}
	// The server stores the root's mlflow.traceTag.* attributes as tags with the spans, and
	// merges the tags StartTraceV3 sends into the stored trace's: sending those again would undo
	// a tag set in between (mlflow.set_trace_tag right after the trace ended, relayed by the
	// receiver). Sent are the tags whose keys it skips on the spans but stores from StartTraceV3,
	// as when the SDK sends them itself (keys no SetTraceTag can set, so none is undone; values
	// read as it reads them, JSON strings unquoted), and the name the SDK gives a trace without
	// the tag, its root's name.
	tags := prefixed(attrs, mlflow.AttrTraceTagPrefix, mlflow.ValueText)
	maps.DeleteFunc(tags, func(key, _ string) bool { return mlflow.TraceTagKeyProblem(key) == "" })
	if _, named := attrs.Get(mlflow.AttrTraceTagPrefix + tagTraceName); !named {
		// The server refuses the whole trace info for a name over its limit; the SDK's root
		// spans have no limit.
		tags[tagTraceName], _ = truncate(span.Name(), maxTraceNameChars)
	}
	// A state the app set wins over the root's status, as it does sent to the server directly.
	if info.State != mlflow.TraceStateOK && info.State != mlflow.TraceStateError {
		info.State = mlflow.TraceStateOK
		if span.Status().Code() == ptrace.StatusCodeError {
			info.State = mlflow.TraceStateError
		}
	}
	start, end := span.StartTimestamp().AsTime(), span.EndTimestamp().AsTime()
	info.TraceID = mlflow.TraceID(span.TraceID())
	info.ExperimentID = experimentID
	info.RequestTime = start
	info.ExecutionDuration = fmt.Sprintf("%.9fs", end.Sub(start).Seconds())
	info.TraceMetadata = metadata
	info.Tags = tags
	return info, true
}

// prefixed returns the attributes under prefix, keyed by the rest of their key, as text.
func prefixed(attrs pcommon.Map, prefix string, text func(pcommon.Value) string) map[string]string {
	out := map[string]string{}
	for k, v := range attrs.All() {
		if rest, ok := strings.CutPrefix(k, prefix); ok && rest != "" {
			out[rest] = text(v)
		}
	}
	return out
}
