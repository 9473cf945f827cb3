package llmtraceprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor"

import (
	"maps"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// releasedSpans remembers the span ids of the traces released last, at most max spans, so that
// a client's retry arriving after its trace left is known as a copy. The oldest traces are
// forgotten first. It is not safe for concurrent use.
//
// It keeps the span id sets the buffer built for its entries, so remembering a trace costs no
// copy, and a span that is not a retry costs one look-up in a map of traces.
type releasedSpans struct {
	max, spans int
	traces     map[traceKey]releasedTrace
	order      []traceKey // one per release, oldest first
}

// releasedTrace is the spans remembered of one trace, released once or more (late spans leave
// in an entry of their own).
type releasedTrace struct {
	ids      map[pcommon.SpanID]struct{}
	releases int // in order
}

func newReleasedSpans(maxSpans int) *releasedSpans {
	return &releasedSpans{max: maxSpans, traces: map[traceKey]releasedTrace{}}
}

func (r *releasedSpans) has(trace traceKey, span pcommon.SpanID) bool {
	_, ok := r.traces[trace].ids[span]
	return ok
}

// add remembers the ids of spans of trace just released, none remembered already, and takes
// ownership of ids.
func (r *releasedSpans) add(trace traceKey, ids map[pcommon.SpanID]struct{}) {
	if r.max == 0 || len(ids) == 0 {
		return
	}
	t, ok := r.traces[trace]
	if ok {
		maps.Copy(t.ids, ids)
	} else {
		t.ids = ids
	}
	t.releases++
	r.traces[trace] = t
	r.order = append(r.order, trace)
	r.spans += len(ids)
	for r.spans > r.max {
		r.forgetOldest()
	}
}

// forgetOldest drops the oldest release; a trace is forgotten with its last release, so that
// spans counts exactly the ids held.
func (r *releasedSpans) forgetOldest() {
	trace := r.order[0]
	r.order = r.order[1:]
	t := r.traces[trace]
	if t.releases--; t.releases > 0 {
		r.traces[trace] = t
		return
	}
	r.spans -= len(t.ids)
	delete(r.traces, trace)
}
