package mlflowexporter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestWithoutRepeats(t *testing.T) {
	td := newTraces(resource{spans: []span{{name: "a", trace: 1}, {name: "b", trace: 1, parent: true}}})
	assert.Equal(t, td, withoutRepeats(td), "without repeats, the data itself")

	repeated := ptrace.NewTraces()
	td.CopyTo(repeated)
	td.ResourceSpans().At(0).CopyTo(repeated.ResourceSpans().AppendEmpty()) // the whole batch again
	got := withoutRepeats(repeated)
	assert.Equal(t, 2, got.SpanCount())
	assert.Equal(t, 1, got.ResourceSpans().Len(), "a resource left without spans is dropped")
	assert.Equal(t, 4, repeated.SpanCount(), "the input is not changed")
}
