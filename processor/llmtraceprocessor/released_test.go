package llmtraceprocessor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func TestReleasedSpansForgetOldest(t *testing.T) {
	ids := func(spans ...uint64) map[pcommon.SpanID]struct{} {
		m := map[pcommon.SpanID]struct{}{}
		for _, s := range spans {
			m[spanID(s)] = struct{}{}
		}
		return m
	}
	r := newReleasedSpans(4)
	r.add(traceKey{trace: traceID(1)}, ids(1, 2))
	r.add(traceKey{trace: traceID(2)}, ids(1))
	r.add(traceKey{trace: traceID(1)}, ids(3)) // a late span of trace 1
	assert.True(t, r.has(traceKey{trace: traceID(1)}, spanID(2)))
	assert.True(t, r.has(traceKey{trace: traceID(2)}, spanID(1)))
	assert.False(t, r.has(traceKey{trace: traceID(2)}, spanID(2)), "same span id, other trace")

	assert.Equal(t, 4, r.spans)

	// Trace 1's first release is the oldest, but its late span is not: trace 1 stays, and
	// trace 2 is forgotten.
	r.add(traceKey{trace: traceID(3)}, ids(1))
	assert.False(t, r.has(traceKey{trace: traceID(2)}, spanID(1)), "forgotten")
	assert.True(t, r.has(traceKey{trace: traceID(1)}, spanID(1)))
	assert.Equal(t, 4, r.spans)
	r.add(traceKey{trace: traceID(4)}, ids(1))
	assert.False(t, r.has(traceKey{trace: traceID(1)}, spanID(1)), "forgotten with its last release")
	assert.False(t, r.has(traceKey{trace: traceID(1)}, spanID(3)))
	assert.Equal(t, 2, r.spans)
	assert.Len(t, r.traces, 2)

	none := newReleasedSpans(0)
	none.add(traceKey{trace: traceID(1)}, ids(1))
	assert.False(t, none.has(traceKey{trace: traceID(1)}, spanID(1)))
}
