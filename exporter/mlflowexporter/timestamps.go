package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"errors"
	"fmt"
	"math"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// withoutUnstorableTimes returns td without the spans whose start or end time is past 2^63 ns
// (the year 2262), and a permanent error naming them. MLflow stores span times as signed 64-bit
// integers and answers such a span with a 500, for the whole request, every time it is retried.
// They come from instrumentation bugs: a Go time.Time that was never set is one. td itself is
// not changed: when a span is dropped, the result is a copy.
func withoutUnstorableTimes(td ptrace.Traces) (ptrace.Traces, error) {
	unstorable := func(span ptrace.Span) bool {
		return !storable(span.StartTimestamp()) || !storable(span.EndTimestamp())
	}
	var errs []error
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				if unstorable(span) {
					errs = append(errs, fmt.Errorf("span %s %q of trace %s starts at %d ns and ends at %d ns, past the year 2262, which MLflow cannot store",
						span.SpanID(), span.Name(), mlflow.TraceID(span.TraceID()), span.StartTimestamp(), span.EndTimestamp()))
				}
			}
		}
	}
	if len(errs) == 0 {
		return td, nil
	}
	out := ptrace.NewTraces()
	td.CopyTo(out)
	out.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
			ss.Spans().RemoveIf(unstorable)
			return ss.Spans().Len() == 0
		})
		return rs.ScopeSpans().Len() == 0
	})
	return out, consumererror.NewPermanent(errors.Join(errs...))
}

func storable(ts pcommon.Timestamp) bool {
	return uint64(ts) <= math.MaxInt64
}
