package llmtraceprocessor

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor/internal/metadata"
)

// base is the start of every test span; times are offsets from it.
var base = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// sp describes a test span. Ids are small numbers: span 0 has no parent.
type sp struct {
	id, parent uint64
	name       string
	kind       ptrace.SpanKind
	start, end time.Duration // from base; end 0 means start+1s
	attrs      map[string]any
	flags      uint32 // OTLP span flags
}

func traceID(n byte) pcommon.TraceID {
	return pcommon.TraceID{15: n, 0: 0xab}
}

func spanID(n uint64) pcommon.SpanID {
	var id pcommon.SpanID
	for i := range 8 {
		id[7-i] = byte(n >> (8 * i))
	}
	return id
}

// newTrace returns a trace with the given spans, in one resource and scope.
func newTrace(trace byte, spans ...sp) ptrace.Traces {
	td := ptrace.NewTraces()
	appendSpans(td, trace, spans...)
	return td
}

func appendSpans(td ptrace.Traces, trace byte, spans ...sp) {
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "llmtrace-test")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("llmtrace-test")
	for _, s := range spans {
		span := ss.Spans().AppendEmpty()
		span.SetTraceID(traceID(trace))
		span.SetSpanID(spanID(s.id))
		if s.id != s.parent {
			span.SetParentSpanID(spanID(s.parent))
		}
		span.SetName(s.name)
		span.SetKind(s.kind)
		span.SetFlags(s.flags)
		end := s.end
		if end == 0 {
			end = s.start + time.Second
		}
		span.SetStartTimestamp(pcommon.NewTimestampFromTime(base.Add(s.start)))
		span.SetEndTimestamp(pcommon.NewTimestampFromTime(base.Add(end)))
		if err := span.Attributes().FromRaw(s.attrs); err != nil {
			panic(err)
		}
	}
}

// root is a span without parent: give it id == parent.
func root(id uint64, name string, attrs map[string]any) sp {
	return sp{id: id, parent: id, name: name, attrs: attrs, end: 10 * time.Second}
}

// llmSpan is a CHAT_MODEL span with the given model and usage.
func llmSpan(id, parent uint64, name, model string, in, out int) sp {
	return sp{id: id, parent: parent, name: name, start: time.Second, end: 3 * time.Second, attrs: map[string]any{
		"mlflow.spanType":        `"CHAT_MODEL"`,
		"mlflow.llm.model":       `"` + model + `"`,
		"mlflow.chat.tokenUsage": usageJSON(in, out),
	}}
}

// nested returns n CHAIN spans with ids first, first+1, ..., each below the one before, the
// first below parent.
func nested(first, n, parent uint64) []sp {
	var spans []sp
	for id := first; id < first+n; id++ {
		spans = append(spans, sp{id: id, parent: parent, name: "chain", end: 10 * time.Second,
			attrs: map[string]any{"mlflow.spanType": `"CHAIN"`}})
		parent = id
	}
	return spans
}

func usageJSON(in, out int) string {
	return fmt.Sprintf(`{"input_tokens":%d,"output_tokens":%d,"total_tokens":%d}`, in, out, in+out)
}

// spanByID finds a span of td by its small id.
func spanByID(t testing.TB, td ptrace.Traces, id uint64) ptrace.Span {
	t.Helper()
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				if span.SpanID() == spanID(id) {
					return span
				}
			}
		}
	}
	t.Fatalf("no span %d", id)
	return ptrace.Span{}
}

// fakeClock is a settable clock.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// newTestProcessor returns an unstarted processor (no background loop) on a fake clock.
func newTestProcessor(t testing.TB, cfg *Config, next consumer.Traces) (*llmTraceProcessor, *fakeClock) {
	t.Helper()
	p, err := newProcessor(processortest.NewNopSettings(metadata.Type), cfg, next)
	require.NoError(t, err)
	clock := &fakeClock{t: base}
	p.now = clock.now
	t.Cleanup(func() { require.NoError(t, p.Shutdown(context.Background())) })
	return p, clock
}

func defaultConfig() *Config {
	return createDefaultConfig().(*Config)
}
