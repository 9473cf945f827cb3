package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"maps"
	"slices"
	"strings"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// traceInfo is what the client says about a trace outside its spans: tags and metadata, from
// StartTraceV3 or the v2 StartTrace/EndTrace calls and tag updates.
type traceInfo struct {
	experimentID string
	tags         map[string]string
	metadata     map[string]string
}

func (ti *traceInfo) merge(experimentID string, tags, metadata map[string]string) {
	if experimentID != "" {
		ti.experimentID = experimentID
	}
	if ti.tags == nil {
		ti.tags = map[string]string{}
	}
	if ti.metadata == nil {
		ti.metadata = map[string]string{}
	}
	maps.Copy(ti.tags, tags)
	maps.Copy(ti.metadata, metadata)
}

// decorateRoot writes info on a trace's root span the way the tracking server reads it back:
// user tags as mlflow.traceTag.<key> (MLflow's own OTLP convention, plain strings; like the SDK,
// tags of MLflow's own are left out: the server derives them), session and user as session.id
// and user.id, and every metadata entry as mlflow.traceMetadata.<key>. Attributes the span
// already has win.
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
	if v, ok := info.metadata[mlflow.MetadataSession]; ok && v != "" {
		putAbsent(mlflow.AttrSessionID, v)
	}
	if v, ok := info.metadata[mlflow.MetadataUser]; ok && v != "" {
		putAbsent(mlflow.AttrUserID, v)
	}
}
