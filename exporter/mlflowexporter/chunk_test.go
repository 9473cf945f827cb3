package mlflowexporter

import (
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// chunkTestTraces holds trace 1 (a1, a2, a3: three spans, over two resources), trace 2 (b1) and
// trace 3 (c1 to c4).
func chunkTestTraces() ptrace.Traces {
	return newTraces(
		resource{attrs: map[string]string{"service.name": "front"}, spans: []span{
			{name: "a1", trace: 1}, {name: "b1", trace: 2}, {name: "a2", trace: 1, parent: true},
		}},
		resource{attrs: map[string]string{"service.name": "back"}, spans: []span{
			{name: "c1", trace: 3}, {name: "a3", trace: 1, parent: true},
			{name: "c2", trace: 3, parent: true}, {name: "c3", trace: 3, parent: true}, {name: "c4", trace: 3, parent: true},
		}},
	)
}

func TestChunked(t *testing.T) {
	ref := experimentRef{id: "7"}
	for _, tt := range []struct {
		limit int
		want  [][]string
	}{
		{limit: 0, want: [][]string{{"a1", "b1", "a2", "c1", "a3", "c2", "c3", "c4"}}},
		{limit: 8, want: [][]string{{"a1", "b1", "a2", "c1", "a3", "c2", "c3", "c4"}}},
		{limit: 4, want: [][]string{{"a1", "b1", "a2", "a3"}, {"c1", "c2", "c3", "c4"}}},
		{limit: 5, want: [][]string{{"a1", "b1", "a2", "a3"}, {"c1", "c2", "c3", "c4"}}},
		// A trace of more spans than the limit goes alone, in pieces, its root (a1, c1) in the
		// last although it comes first.
		{limit: 2, want: [][]string{{"a2", "a3"}, {"a1"}, {"b1"}, {"c2", "c3"}, {"c1", "c4"}}},
		{limit: 1, want: [][]string{{"a2"}, {"a3"}, {"a1"}, {"b1"}, {"c2"}, {"c3"}, {"c4"}, {"c1"}}},
	} {
		td := chunkTestTraces()
		want := ptrace.NewTraces()
		td.CopyTo(want)

		out := chunked([]batch{{experiment: ref, traces: td}}, tt.limit)

		var got [][]string
		for _, b := range out {
			assert.Equal(t, ref, b.experiment)
			got = append(got, spanNames(b.traces))
			for name, service := range serviceOf(b.traces) {
				assert.Equal(t, serviceOf(want)[name], service, "%s keeps its resource", name)
			}
		}
		assert.Equal(t, tt.want, got, "limit %d", tt.limit)
		assert.Equal(t, want, td, "the batch is not changed")
	}
}

// serviceOf maps each span's name to its resource's service.name.
func serviceOf(td ptrace.Traces) map[string]string {
	services := map[string]string{}
	for _, rs := range td.ResourceSpans().All() {
		service, _ := rs.Resource().Attributes().Get("service.name")
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				services[span.Name()] = service.Str()
			}
		}
	}
	return services
}

// TestMaxSpansPerRequest: a batch over max_spans_per_request goes in several requests; when one
// of them fails and may be retried, only its traces are handed back for retry.
func TestMaxSpansPerRequest(t *testing.T) {
	fake := newFakeMLflow(t)
	var mu sync.Mutex
	requests := 0
	fake.respond = func(w http.ResponseWriter, _ string) {
		mu.Lock()
		defer mu.Unlock()
		if requests++; requests == 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}
	exp := newTestExporter(t, fake.URL, func(c *Config) { c.MaxSpansPerRequest = 4 })

	err := exp.ConsumeTraces(t.Context(), chunkTestTraces())

	var sent [][]string
	for _, r := range fake.received() {
		sent = append(sent, spanNames(r.traces))
	}
	assert.Equal(t, [][]string{{"a1", "b1", "a2", "a3"}, {"c1", "c2", "c3", "c4"}}, sent)
	require.Error(t, err)
	assert.False(t, consumererror.IsPermanent(err), err.Error())
	tracesErr, ok := errors.AsType[consumererror.Traces](err)
	require.True(t, ok, "want a consumererror.Traces, got %v", err)
	assert.Equal(t, []string{"c1", "c2", "c3", "c4"}, spanNames(tracesErr.Data()))
}
