package llmtraceprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// sinkTraces returns the trace ids (last byte) of each batch the sink received, with span counts.
func received(sink *consumertest.TracesSink) []map[byte]int {
	var out []map[byte]int
	for _, td := range sink.AllTraces() {
		m := map[byte]int{}
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, span := range ss.Spans().All() {
					m[span.TraceID()[15]]++
				}
			}
		}
		out = append(out, m)
	}
	return out
}

func child(id, parent uint64) sp { return sp{id: id, parent: parent, name: "child"} }

func TestBufferReleasesOnRootAfterGrace(t *testing.T) {
	sink := new(consumertest.TracesSink)
	p, clock := newTestProcessor(t, defaultConfig(), sink)

	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, child(2, 1), child(3, 2))))
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, root(1, "root", nil))))
	assert.Empty(t, received(sink), "held for the grace period")

	clock.advance(time.Second / 2)
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, child(4, 1))))
	p.releaseDue(t.Context())
	assert.Empty(t, received(sink))

	clock.advance(time.Second / 2)
	p.releaseDue(t.Context())
	assert.Equal(t, []map[byte]int{{1: 4}}, received(sink))
	assert.Equal(t, 0, p.buf.len())
	assert.Zero(t, p.buf.bytes)
}

func TestBufferWithoutGraceReleasesInConsume(t *testing.T) {
	sink := new(consumertest.TracesSink)
	cfg := defaultConfig()
	cfg.RootGracePeriod = 0
	p, _ := newTestProcessor(t, cfg, sink)

	td := newTrace(1, child(2, 1), root(1, "root", nil))
	appendSpans(td, 2, child(2, 1))
	require.NoError(t, p.ConsumeTraces(t.Context(), td))

	assert.Equal(t, []map[byte]int{{1: 2}}, received(sink))
	assert.Equal(t, 1, p.buf.len(), "trace 2 waits for its root")
}

func TestBufferTimeout(t *testing.T) {
	sink := new(consumertest.TracesSink)
	p, clock := newTestProcessor(t, defaultConfig(), sink)

	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, child(2, 1))))
	clock.advance(10 * time.Second)
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(2, child(2, 1))))
	clock.advance(20 * time.Second)
	p.releaseDue(t.Context())
	assert.Equal(t, []map[byte]int{{1: 1}}, received(sink), "only the first trace's wait is over")
	clock.advance(10 * time.Second)
	p.releaseDue(t.Context())
	assert.Equal(t, []map[byte]int{{1: 1}, {2: 1}}, received(sink))
}

func TestBufferEvictsOldest(t *testing.T) {
	t.Run("max_traces", func(t *testing.T) {
		sink := new(consumertest.TracesSink)
		cfg := defaultConfig()
		cfg.MaxTraces = 2
		p, clock := newTestProcessor(t, cfg, sink)
		for i := byte(1); i <= 3; i++ {
			require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(i, child(2, 1))))
			clock.advance(time.Millisecond)
		}
		assert.Equal(t, []map[byte]int{{1: 1}}, received(sink))
		assert.Equal(t, 2, p.buf.len())
	})
	t.Run("max_bytes", func(t *testing.T) {
		sink := new(consumertest.TracesSink)
		cfg := defaultConfig()
		one := newTrace(1, child(2, 1))
		size := int64((&ptrace.ProtoMarshaler{}).TracesSize(one))
		cfg.MaxBytes = 2*size + size/2
		p, _ := newTestProcessor(t, cfg, sink)
		for i := byte(1); i <= 3; i++ {
			require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(i, child(2, 1))))
		}
		assert.Equal(t, []map[byte]int{{1: 1}}, received(sink))
		assert.LessOrEqual(t, p.buf.bytes, cfg.MaxBytes)
	})
}

func TestShutdownFlushesEverything(t *testing.T) {
	sink := new(consumertest.TracesSink)
	p, _ := newTestProcessor(t, defaultConfig(), sink)
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, child(2, 1), root(1, "root", nil))))
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(2, child(2, 1))))

	require.NoError(t, p.Shutdown(context.Background()))

	got := received(sink)
	require.Len(t, got, 1)
	assert.Equal(t, map[byte]int{1: 2, 2: 1}, got[0])

	// After shutdown, data passes straight through.
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(3, child(2, 1))))
	assert.Len(t, received(sink), 2)
}

func TestBufferHoldsRetriedSpansOnce(t *testing.T) {
	sink := new(consumertest.TracesSink)
	p, clock := newTestProcessor(t, defaultConfig(), sink)
	batch := func() ptrace.Traces {
		return newTrace(1, root(1, "POST /chat", nil), llmSpan(2, 1, "chat", "gpt-4o", 10, 5))
	}

	require.NoError(t, p.ConsumeTraces(t.Context(), batch()))
	bytes := p.buf.bytes
	// The client did not get the answer in time and sends the batch again.
	require.NoError(t, p.ConsumeTraces(t.Context(), batch()))
	assert.Equal(t, bytes, p.buf.bytes, "the copy is not held")

	clock.advance(time.Second)
	p.releaseDue(t.Context())
	assert.Equal(t, []map[byte]int{{1: 2}}, received(sink))
	out := sink.AllTraces()[0]
	assert.EqualValues(t, 15, attr(t, out, 1, AttrTraceTotalTokens), "the call is counted once")
}

func TestShutdownEndsLoopSendWithCtx(t *testing.T) {
	cfg := defaultConfig()
	cfg.RootGracePeriod = 0
	entered := make(chan struct{})
	var canceled error
	next, err := consumer.NewTraces(func(ctx context.Context, _ ptrace.Traces) error {
		close(entered)
		<-ctx.Done() // a next consumer that cannot deliver
		canceled = ctx.Err()
		return canceled
	})
	require.NoError(t, err)
	p, clock := newTestProcessor(t, cfg, next)
	p.tick = time.Millisecond
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, child(2, 1))))
	clock.advance(cfg.WaitDuration)
	require.NoError(t, p.Start(t.Context(), nil))
	<-entered // the loop is sending the timed-out trace

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the collector's shutdown deadline has passed
	require.NoError(t, p.Shutdown(ctx), "returns instead of waiting for the send")
	assert.ErrorIs(t, canceled, context.Canceled)
}

func TestBackgroundLoopReleases(t *testing.T) {
	sink := new(consumertest.TracesSink)
	cfg := defaultConfig()
	cfg.RootGracePeriod = 0
	cfg.WaitDuration = time.Millisecond
	p, _ := newTestProcessor(t, cfg, sink)
	p.now = time.Now
	require.NoError(t, p.Start(t.Context(), nil))
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, child(2, 1))))
	assert.Eventually(t, func() bool { return sink.SpanCount() == 1 }, 10*time.Second, time.Millisecond)
	require.NoError(t, p.Shutdown(t.Context()))
}

func TestReleaseKeepsResourceAndScope(t *testing.T) {
	sink := new(consumertest.TracesSink)
	cfg := defaultConfig()
	cfg.RootGracePeriod = 0
	p, _ := newTestProcessor(t, cfg, sink)
	td := newTrace(1, root(1, "root", nil))
	td.ResourceSpans().At(0).SetSchemaUrl("https://schema")

	require.NoError(t, p.ConsumeTraces(t.Context(), td))

	out := sink.AllTraces()[0].ResourceSpans().At(0)
	assert.Equal(t, "https://schema", out.SchemaUrl())
	assert.Equal(t, map[string]any{"service.name": "llmtrace-test"}, out.Resource().Attributes().AsRaw())
	assert.Equal(t, "llmtrace-test", out.ScopeSpans().At(0).Scope().Name())
}

func TestBufferReleasesOnRemoteParentAfterGrace(t *testing.T) {
	// The service's top span is a child of a span in another process (the caller's client
	// span), which this collector never sees.
	local := func(flags uint32) sp {
		return sp{id: 2, parent: 99, name: "POST /chat", kind: ptrace.SpanKindServer, flags: flags}
	}
	tests := []struct {
		name   string
		flags  uint32
		remote bool // complete_on_remote_parent
		held   bool
	}{
		// As the Python SDK 1.45 writes them (no trace flags), and the Go SDK (sampled).
		{name: "parent is remote", flags: 0x300, remote: true},
		{name: "parent is remote, sampled", flags: 0x301, remote: true},
		{name: "parent is local", flags: 0x100, remote: true, held: true},
		{name: "not known", flags: 0x001, remote: true, held: true},
		{name: "disabled", flags: 0x301, held: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := new(consumertest.TracesSink)
			cfg := defaultConfig()
			cfg.CompleteOnRemoteParent = tt.remote
			p, clock := newTestProcessor(t, cfg, sink)
			require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, child(3, 2), local(tt.flags))))
			clock.advance(time.Second / 2)
			p.releaseDue(t.Context())
			assert.Empty(t, received(sink), "held for the grace period")

			clock.advance(time.Second / 2)
			p.releaseDue(t.Context())
			if tt.held {
				assert.Empty(t, received(sink), "waits for the root")
				assert.Equal(t, 1, p.buf.len())
				return
			}
			assert.Equal(t, []map[byte]int{{1: 2}}, received(sink))
			assert.Equal(t, 0, p.buf.len())
		})
	}
	for _, tt := range []struct {
		name   string
		remote bool
		want   []map[byte]int
	}{
		// The caller exports here too, after this part left: its spans are late spans, with the
		// root among them, and go on as a trace of their own.
		{name: "the remote parent arrives after all", remote: true, want: []map[byte]int{{1: 2}, {1: 2}}},
		// Off by default: the trace is held whole until its real root.
		{name: "the remote parent arrives, by default", want: []map[byte]int{{1: 4}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sink := new(consumertest.TracesSink)
			cfg := defaultConfig()
			cfg.CompleteOnRemoteParent = tt.remote
			p, clock := newTestProcessor(t, cfg, sink)
			require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, child(3, 2), local(0x301))))
			clock.advance(time.Second)
			p.releaseDue(t.Context())
			require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, child(99, 1), root(1, "GET /", nil))))
			clock.advance(time.Second)
			p.releaseDue(t.Context())
			assert.Equal(t, tt.want, received(sink))
			assert.Equal(t, 0, p.buf.len())
		})
	}
}

func TestBufferRemoteParentAlreadyHeldDoesNotComplete(t *testing.T) {
	sink := new(consumertest.TracesSink)
	cfg := defaultConfig()
	cfg.CompleteOnRemoteParent = true
	p, clock := newTestProcessor(t, cfg, sink)
	// The caller exports here too, and its client span came first: the callee's top span is
	// not the top of what this collector sees.
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, child(99, 1))))
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1,
		sp{id: 2, parent: 99, name: "POST /chat", kind: ptrace.SpanKindServer, flags: 0x301}, child(3, 2))))
	clock.advance(2 * time.Second)
	p.releaseDue(t.Context())
	assert.Empty(t, received(sink), "waits for the real root")

	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, root(1, "GET /", nil))))
	clock.advance(time.Second)
	p.releaseDue(t.Context())
	assert.Equal(t, []map[byte]int{{1: 4}}, received(sink), "sent on whole")
}

func TestBufferDropsRetryAfterRelease(t *testing.T) {
	sink := new(consumertest.TracesSink)
	cfg := defaultConfig()
	cfg.RootGracePeriod = 0
	p, clock := newTestProcessor(t, cfg, sink)
	batch := func() ptrace.Traces {
		return newTrace(1, root(1, "POST /chat", nil), llmSpan(2, 1, "chat", "gpt-4o", 10, 5))
	}
	require.NoError(t, p.ConsumeTraces(t.Context(), batch()))
	require.Equal(t, []map[byte]int{{1: 2}}, received(sink))

	// The client did not get the answer in time and sends the batch again, after its trace left.
	require.NoError(t, p.ConsumeTraces(t.Context(), batch()))
	// A span exported later is still sent on, once it timed out; its retry is not.
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, child(3, 1))))
	clock.advance(cfg.WaitDuration)
	p.releaseDue(t.Context())
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, child(3, 1))))
	require.NoError(t, p.Shutdown(t.Context()))

	assert.Equal(t, []map[byte]int{{1: 2}, {1: 1}}, received(sink))
	assert.Zero(t, p.buf.bytes)
}
