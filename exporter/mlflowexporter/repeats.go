package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// spanKey identifies a span across traces.
type spanKey struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

// withoutRepeats returns td without the second and later copies of a span (the same trace and
// span id): a client's retry that a batch merged with the original. MLflow's /v1/traces stores
// such a span once but adds the token usage of every copy into the trace's. td itself is not
// changed (the exporter does not mutate its input): when there is a repeat, the result is a
// copy.
func withoutRepeats(td ptrace.Traces) ptrace.Traces {
	seen := make(map[spanKey]struct{}, td.SpanCount())
	repeated := false
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				k := spanKey{span.TraceID(), span.SpanID()}
				if _, ok := seen[k]; ok {
					repeated = true
				}
				seen[k] = struct{}{}
			}
		}
	}
	if !repeated {
		return td
	}
	out := ptrace.NewTraces()
	td.CopyTo(out)
	clear(seen)
	out.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
			ss.Spans().RemoveIf(func(span ptrace.Span) bool {
				k := spanKey{span.TraceID(), span.SpanID()}
				_, dup := seen[k]
				seen[k] = struct{}{}
				return dup
			})
			return ss.Spans().Len() == 0
		})
		return rs.ScopeSpans().Len() == 0
	})
	return out
}
