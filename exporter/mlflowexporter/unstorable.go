package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// withoutUnstorable returns td without the spans MLflow can never store, how many it dropped
// by reason (zero_id, time_out_of_range), and a permanent error naming them; sending them would only make MLflow refuse the whole request, every time:
//   - a span whose trace or span id is all zeros (MLflow answers 422 "Cannot convert
//     OpenTelemetry span to MLflow span");
//   - a span whose start or end time is past 2^63 ns (the year 2262): MLflow stores span times
//     as signed 64-bit integers and answers 500. A Go time.Time that was never set is one.
//
// Both come from instrumentation bugs. The span's siblings are sent. td itself is not changed:
// when a span is dropped, the result is a copy.
func withoutUnstorable(td ptrace.Traces) (ptrace.Traces, map[string]int, error) {
	var errs []error
	dropped := map[string]int{}
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				if reason, why := unstorable(span); why != "" {
					dropped[reason]++
					id := span.SpanID() // String() writes no digits for zeros
					errs = append(errs, fmt.Errorf("span %s %q of trace %s %s, which MLflow cannot store",
						hex.EncodeToString(id[:]), span.Name(), mlflow.TraceID(span.TraceID()), why))
				}
			}
		}
	}
	if len(errs) == 0 {
		return td, nil, nil
	}
	out := ptrace.NewTraces()
	td.CopyTo(out)
	out.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
			ss.Spans().RemoveIf(func(span ptrace.Span) bool { _, why := unstorable(span); return why != "" })
			return ss.Spans().Len() == 0
		})
		return rs.ScopeSpans().Len() == 0
	})
	return out, dropped, consumererror.NewPermanent(errors.Join(errs...))
}

// unstorable says why MLflow cannot store span, as a reason of
// otelcol_exporter_mlflow_spans_unstorable and in words; why is "" when it can.
func unstorable(span ptrace.Span) (reason, why string) {
	switch {
	case span.TraceID().IsEmpty() || span.SpanID().IsEmpty():
		return "zero_id", "has an all-zero id"
	case !storable(span.StartTimestamp()) || !storable(span.EndTimestamp()):
		return "time_out_of_range", fmt.Sprintf("starts at %d ns and ends at %d ns, past the year 2262", span.StartTimestamp(), span.EndTimestamp())
	}
	return "", ""
}

func storable(ts pcommon.Timestamp) bool {
	return uint64(ts) <= math.MaxInt64
}
