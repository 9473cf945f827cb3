package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// chunked splits each batch of more than limit spans into batches of whole traces, in order of
// first appearance, each of at most limit spans unless one trace alone has more. MLflow's time
// to store a request grows with its spans; a trace is kept whole so that what MLflow refuses
// (see exportIsolating) and what is retried stay whole traces. limit 0 splits nothing.
func chunked(batches []batch, limit int) []batch {
	if limit <= 0 {
		return batches
	}
	var out []batch
	for _, b := range batches {
		if b.traces.SpanCount() <= limit {
			out = append(out, b)
			continue
		}
		chunkOf := chunkTraces(b.traces, limit)
		_, parts := split(b.traces, func(_ ptrace.ResourceSpans, span ptrace.Span) int { return chunkOf[span.TraceID()] })
		for _, part := range parts {
			out = append(out, batch{experiment: b.experiment, traces: part})
		}
	}
	return out
}

// chunkTraces numbers the chunks of td's traces: a trace goes to the current chunk while the
// chunk stays within limit spans, else it starts the next.
func chunkTraces(td ptrace.Traces, limit int) map[pcommon.TraceID]int {
	var order []pcommon.TraceID
	spans := map[pcommon.TraceID]int{}
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				id := span.TraceID()
				if spans[id] == 0 {
					order = append(order, id)
				}
				spans[id]++
			}
		}
	}
	chunkOf := make(map[pcommon.TraceID]int, len(order))
	chunk, size := 0, 0
	for _, id := range order {
		if size > 0 && size+spans[id] > limit {
			chunk, size = chunk+1, 0
		}
		chunkOf[id] = chunk
		size += spans[id]
	}
	return chunkOf
}
