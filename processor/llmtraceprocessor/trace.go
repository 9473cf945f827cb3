package llmtraceprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor"

import (
	"sort"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// traceView indexes the spans of one trace by their place in the span tree.
type traceView struct {
	spans  []ptrace.Span
	parent []int // index of the parent span, -1 when absent from the trace
	depth  []int // 0 for a span whose parent is absent
	root   int   // the first span without a parent id; -1 when the root has not arrived
	// rooted[i]: span i is the root or below it. A span whose parent is absent (not arrived,
	// or dropped on the way) heads a subtree whose place in the trace is unknown.
	rooted []bool
}

func newTraceView(td ptrace.Traces) *traceView {
	v := &traceView{root: -1}
	byID := map[pcommon.SpanID]int{}
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				byID[span.SpanID()] = len(v.spans)
				v.spans = append(v.spans, span)
			}
		}
	}
	v.parent = make([]int, len(v.spans))
	for i, span := range v.spans {
		v.parent[i] = -1
		if span.ParentSpanID().IsEmpty() {
			if v.root < 0 {
				v.root = i
			}
			continue
		}
		if p, ok := byID[span.ParentSpanID()]; ok && p != i {
			v.parent[i] = p
		}
	}
	v.depth, v.rooted = make([]int, len(v.spans)), make([]bool, len(v.spans))
	for i := range v.depth {
		v.depth[i] = -1
	}
	for i := range v.spans {
		v.depthOf(i)
	}
	return v
}

// depthOf computes depths along i's ancestry. A cycle of parent ids (malformed data) is cut
// where it closes.
func (v *traceView) depthOf(i int) int {
	var path []int
	for j := i; j >= 0 && v.depth[j] == -1; j = v.parent[j] {
		v.depth[j] = -2 // on the path
		path = append(path, j)
	}
	for k := len(path) - 1; k >= 0; k-- {
		j := path[k]
		p := v.parent[j]
		if p < 0 || v.depth[p] < 0 {
			v.parent[j] = -1
			v.depth[j] = 0
			v.rooted[j] = j == v.root
		} else {
			v.depth[j] = v.depth[p] + 1
			v.rooted[j] = v.rooted[p]
		}
	}
	return v.depth[i]
}

// uppermost returns the span closest to the root for which ok holds, -1 if none; among spans
// equally close, the one that started first, or with last set, the one that ended last.
func (v *traceView) uppermost(ok func(i int) bool, last bool) int {
	best := -1
	for i := range v.spans {
		if !ok(i) {
			continue
		}
		if best < 0 || v.closer(i, best) || (!v.closer(best, i) && v.preferred(i, best, last)) {
			best = i
		}
	}
	return best
}

// closer reports whether span i is closer to the root than span j: below the root when j is
// not, else less deep.
func (v *traceView) closer(i, j int) bool {
	if v.rooted[i] != v.rooted[j] {
		return v.rooted[i]
	}
	return v.depth[i] < v.depth[j]
}

// preferred reports whether span i wins a tie against span j: it started earlier, or with last set, it
// ended later.
func (v *traceView) preferred(i, j int, last bool) bool {
	if last {
		return v.spans[i].EndTimestamp() > v.spans[j].EndTimestamp()
	}
	return v.spans[i].StartTimestamp() < v.spans[j].StartTimestamp()
}

// below reports whether span i lies under span a (a is one of its ancestors). A negative a
// (no parent in the trace) is above nothing.
func (v *traceView) below(i, a int) bool {
	for p := v.parent[i]; p >= 0; p = v.parent[p] {
		if p == a {
			return true
		}
	}
	return false
}

// deepestFirst returns the span indexes from the deepest span up, in trace order within a depth.
func (v *traceView) deepestFirst() []int {
	out := make([]int, len(v.spans))
	for i := range out {
		out[i] = i
	}
	sort.SliceStable(out, func(a, b int) bool { return v.depth[out[a]] > v.depth[out[b]] })
	return out
}

func spanType(span ptrace.Span) string {
	if v, ok := span.Attributes().Get(mlflow.AttrSpanType); ok {
		return mlflow.ValueText(v)
	}
	return ""
}

func isLLM(span ptrace.Span) bool {
	t := spanType(span)
	return t == mlflow.SpanTypeLLM || t == mlflow.SpanTypeChatModel
}

// has reports whether attrs holds key with a value that is not empty.
func has(attrs pcommon.Map, key string) bool {
	v, ok := attrs.Get(key)
	return ok && v.Type() != pcommon.ValueTypeEmpty && v.AsString() != ""
}
