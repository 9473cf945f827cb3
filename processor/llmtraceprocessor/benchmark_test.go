package llmtraceprocessor

import (
	"context"
	"encoding/binary"
	"fmt"
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
	size.add(batch(0, false), clientMetadata{}, base)
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

// BenchmarkFinish measures the finishing stage on one agent trace of n model calls, each
// recorded twice: a framework span in an agent step with the SDK's span below it, or (every
// other call) below the root, as a framework that does not make its span current leaves it;
// with each call's own token counts, and with the same counts for all (one prompt template over
// many inputs). The cost per span should not grow with n.
func BenchmarkFinish(b *testing.B) {
	for _, same := range []bool{false, true} {
		for _, calls := range []int{10, 100, 1000} {
			b.Run(fmt.Sprintf("same_usage=%t/calls=%d", same, calls), func(b *testing.B) { benchmarkFinish(b, calls, same) })
		}
	}
}

func benchmarkFinish(b *testing.B, calls int, sameUsage bool) {
	spans := []sp{root(1, "POST /agent", map[string]any{"http.route": "/agent"})}
	for c := range calls {
		chain, framework, sdk := uint64(2+3*c), uint64(3+3*c), uint64(4+3*c)
		start := time.Duration(c) * time.Second
		step := sp{id: chain, parent: 1, name: "step", start: start, end: start + time.Second,
			attrs: map[string]any{"mlflow.spanType": `"CHAIN"`}}
		input := 100 + c
		if sameUsage {
			input = 100
		}
		fw := llmSpan(framework, chain, "ChatOpenAI", "gpt-4o", input, 20)
		fw.start, fw.end = start, start+time.Second
		parent := framework
		if c%2 == 1 {
			parent = 1
		}
		call := llmSpan(sdk, parent, "chat gpt-4o", "gpt-4o-2024-08-06", input, 20)
		call.start, call.end = start+time.Millisecond, start+time.Second-time.Millisecond
		spans = append(spans, step, fw, call)
	}
	td := newTrace(1, spans...)
	f := newFinisher(defaultConfig())
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		work := ptrace.NewTraces()
		td.CopyTo(work)
		b.StartTimer()
		if marked := f.finish(work); marked != calls {
			b.Fatalf("marked %d duplicates, want %d", marked, calls)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(spans)), "ns/span")
}
