package mlflowexporter

import (
	"crypto/rand"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// resource and span describe test data compactly.
type resource struct {
	attrs map[string]string
	spans []span
}

type span struct {
	name  string
	trace byte // the trace id's last byte
	attrs map[string]string
	// parent gives the span a parent (absent from the data); without it, it is a root span.
	parent bool
}

// newTraces builds traces with one scope per resource. Trace ids are unique to each call, so
// traces sent to one server do not collide; span ids are 1, 2, 3, ... in order.
func newTraces(resources ...resource) ptrace.Traces {
	var traceID pcommon.TraceID
	_, _ = rand.Read(traceID[:15])
	td := ptrace.NewTraces()
	start := time.Unix(1_700_000_000, 0)
	var spanID byte
	for _, r := range resources {
		rs := td.ResourceSpans().AppendEmpty()
		rs.Resource().Attributes().PutStr("service.name", "test")
		for k, v := range r.attrs {
			rs.Resource().Attributes().PutStr(k, v)
		}
		ss := rs.ScopeSpans().AppendEmpty()
		ss.Scope().SetName("mlflowexporter-test")
		for _, s := range r.spans {
			spanID++
			sp := ss.Spans().AppendEmpty()
			sp.SetName(s.name)
			traceID[15] = s.trace
			sp.SetTraceID(traceID)
			sp.SetSpanID(pcommon.SpanID{7: spanID})
			if s.parent {
				sp.SetParentSpanID(pcommon.SpanID{0: 0xff})
			}
			sp.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
			sp.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Second)))
			for k, v := range s.attrs {
				sp.Attributes().PutStr(k, v)
			}
		}
	}
	return td
}

// spanNames lists td's span names in order.
func spanNames(td ptrace.Traces) []string {
	var names []string
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, sp := range ss.Spans().All() {
				names = append(names, sp.Name())
			}
		}
	}
	return names
}

// firstTraceID returns MLflow's id for the trace of the first span of td's i-th resource.
func firstTraceID(td ptrace.Traces, i int) string {
	return mlflow.TraceID(td.ResourceSpans().At(i).ScopeSpans().At(0).Spans().At(0).TraceID())
}
