package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"cmp"
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// chunked splits each batch of more than limit spans into batches of at most limit spans:
// whole traces, in order of first appearance, and a trace of more than limit spans alone, in
// pieces sent one after another, its root spans in the last. MLflow's time to store a request
// grows with its spans. A trace is kept whole where it fits, so that what MLflow refuses (see
// exportIsolating) and what is retried are whole traces. MLflow merges a trace sent in pieces
// (as a distributed trace's spans arrive), but lets the last request's resource attributes
// overwrite tags the root carries (mlflow.traceTag.*) and takes the trace's state from the
// root; with the root last, as the SDKs send it, the root decides, and the StartTraceV3 of an
// SDK trace (sent after the root's request) comes after all its spans. limit 0 splits nothing.
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
		chunks, parts := split(b.traces, chunker(b.traces, limit))
		order := make([]int, len(parts))
		for i := range order {
			order[i] = i
		}
		// split orders parts by their first span; a piece holding a root goes after the
		// trace's other pieces even when the root comes first.
		slices.SortFunc(order, func(i, j int) int { return cmp.Compare(chunks[i], chunks[j]) })
		for _, i := range order {
			out = append(out, batch{experiment: b.experiment, traces: parts[i]})
		}
	}
	return out
}

// traceChunks is where one trace's spans go.
type traceChunks struct {
	first  int // its chunk, or its first piece's
	spans  int
	placed int // its spans that are not roots, given a piece so far
}

// chunker numbers the chunks of td's spans for split, which asks once per span in order: a
// trace goes to the current chunk while the chunk stays within limit spans, else it starts the
// next; a trace of more spans fills pieces of its own, its roots in the last piece (with more
// roots than limit, that piece has more spans).
func chunker(td ptrace.Traces, limit int) func(ptrace.ResourceSpans, ptrace.Span) int {
	var order []pcommon.TraceID
	traces := map[pcommon.TraceID]*traceChunks{}
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				t := traces[span.TraceID()]
				if t == nil {
					t = &traceChunks{}
					traces[span.TraceID()] = t
					order = append(order, span.TraceID())
				}
				t.spans++
			}
		}
	}
	chunk, size := 0, 0
	for _, id := range order {
		t := traces[id]
		if size > 0 && size+t.spans > limit {
			chunk, size = chunk+1, 0
		}
		t.first = chunk
		if t.spans > limit {
			chunk, size = chunk+pieces(t.spans, limit), 0
			continue
		}
		size += t.spans
	}
	return func(_ ptrace.ResourceSpans, span ptrace.Span) int {
		t := traces[span.TraceID()]
		switch {
		case t.spans <= limit:
			return t.first
		case span.ParentSpanID().IsEmpty():
			return t.first + pieces(t.spans, limit) - 1
		default:
			t.placed++
			return t.first + (t.placed-1)/limit
		}
	}
}

// pieces is how many requests of at most limit spans n spans take.
func pieces(n, limit int) int { return (n + limit - 1) / limit }
