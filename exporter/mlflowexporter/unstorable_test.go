package mlflowexporter

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func TestWithoutUnstorable(t *testing.T) {
	td := newTraces(
		resource{spans: []span{{name: "a", trace: 1}, {name: "b", trace: 1, parent: true}}},
		resource{spans: []span{{name: "c", trace: 2}}},
	)
	got, _, err := withoutUnstorable(td)
	require.NoError(t, err)
	assert.Equal(t, td, got, "without such spans, the data itself")

	td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(1).SetEndTimestamp(pcommon.Timestamp(math.MaxInt64))
	td.ResourceSpans().At(1).ScopeSpans().At(0).Spans().At(0).SetEndTimestamp(pcommon.Timestamp(math.MaxInt64 + 1))
	got, dropped, err := withoutUnstorable(td)
	assert.True(t, consumererror.IsPermanent(err), "%v", err)
	assert.ErrorContains(t, err, `span 0000000000000003 "c" of trace tr-`)
	assert.ErrorContains(t, err, "past the year 2262")
	assert.Equal(t, []string{"a", "b"}, spanNames(got), "the last nanosecond an int64 holds is storable")
	assert.Equal(t, 1, got.ResourceSpans().Len(), "a resource left without spans is dropped")
	assert.Equal(t, 3, td.SpanCount(), "the input is not changed")
	assert.Equal(t, map[string]int{"time_out_of_range": 1}, dropped)

	td = newTraces(resource{spans: []span{{name: "a", trace: 1}, {name: "b", trace: 1, parent: true}, {name: "c", trace: 1, parent: true}}})
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	spans.At(1).SetSpanID(pcommon.SpanID{})
	spans.At(2).SetTraceID(pcommon.TraceID{})
	got, dropped, err = withoutUnstorable(td)
	assert.True(t, consumererror.IsPermanent(err), "%v", err)
	assert.ErrorContains(t, err, `span 0000000000000000 "b" of trace tr-`)
	assert.ErrorContains(t, err, `"c" of trace tr-00000000000000000000000000000000 has an all-zero id, which MLflow cannot store`)
	assert.Equal(t, []string{"a"}, spanNames(got), "the siblings are kept")
	assert.Equal(t, map[string]int{"zero_id": 2}, dropped)
}
