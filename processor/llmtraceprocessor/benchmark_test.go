package llmtraceprocessor

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor/internal/metadata"
)

// BenchmarkBuffer measures the buffering stage: batches of 10 traces of 8 spans each, children
// first and roots in the next batch, with the finishing stage off and released spans remembered.
func BenchmarkBuffer(b *testing.B) {
	cfg := &Config{WaitDuration: time.Minute, MaxTraces: 1 << 20, RememberReleasedSpans: 100_000, GenericRootAttributePrefixes: []string{"http."}}
	p, err := newProcessor(processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = p.Shutdown(context.Background()) }()
	clock := &fakeClock{t: base}
	p.now = clock.now

	const traces, children = 10, 7
	batch := func(n int, roots bool) ptrace.Traces {
		td := ptrace.NewTraces()
		for i := range traces {
			id := byte(n*traces + i)
			if roots {
				appendSpans(td, id, root(1, "POST /chat", map[string]any{"http.route": "/chat"}))
				continue
			}
			spans := make([]sp, children)
			for c := range spans {
				spans[c] = llmSpan(uint64(c+2), 1, "chat", "gpt-4o", 100, 20)
			}
			appendSpans(td, id, spans...)
		}
		// Trace ids of their own: the buffer remembers the spans it released, and drops
		// them when they come again.
		for _, rs := range td.ResourceSpans().All() {
			for _, span := range rs.ScopeSpans().At(0).Spans().All() {
				tid := span.TraceID()
				binary.BigEndian.PutUint64(tid[1:9], uint64(n))
				span.SetTraceID(tid)
			}
		}
		return td
	}

	// Bytes held per trace (7 spans, roots missing), measured once; reported after the loop,
	// since ResetTimer drops reported metrics.
	size := newBuffer(cfg)
	size.add(batch(0, false), base)
	b.ReportAllocs()
	b.ResetTimer()
	for n := range b.N {
		b.StopTimer()
		kids, roots := batch(n, false), batch(n, true)
		b.StartTimer()
		_ = p.ConsumeTraces(context.Background(), kids)
		_ = p.ConsumeTraces(context.Background(), roots)
		clock.advance(time.Millisecond) // RootGracePeriod 0: released with the roots
	}
	b.ReportMetric(float64(b.N*traces*(children+1))/b.Elapsed().Seconds(), "spans/s")
	b.ReportMetric(float64(size.bytes)/traces, "bytes/trace")
}
