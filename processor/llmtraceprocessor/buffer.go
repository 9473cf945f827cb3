package llmtraceprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor"

import (
	"container/list"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
)

// Why a trace leaves the buffer; the values of the reason telemetry attribute.
const (
	reasonComplete = "complete"
	reasonTimeout  = "timeout"
	reasonEvicted  = "evicted"
	reasonShutdown = "shutdown"
)

// traceKey identifies a held trace: spans of one trace id from clients with other metadata
// (see clientMetadata) are held, and sent on, apart.
type traceKey struct {
	client attribute.Distinct
	trace  pcommon.TraceID
}

// entry holds the spans of one trace received so far.
type entry struct {
	key   traceKey
	meta  clientMetadata
	td    ptrace.Traces
	bytes int64
	// ids holds the span ids received, so that a span received again (a client's retry) is
	// held once.
	ids map[pcommon.SpanID]struct{}
	// arrived is when the trace's first span arrived; the trace times out wait after it.
	arrived time.Time
	// ready is set when the root span (or a span under a remote parent) arrived; the trace is
	// complete at readyAt.
	ready   bool
	readyAt time.Time
	elem    *list.Element // in buffer.order
	gone    bool          // released: still in the ready queue, to be skipped
}

// release is a trace leaving the buffer.
type release struct {
	td     ptrace.Traces
	meta   clientMetadata
	reason string
}

// buffer groups spans by trace. It is not safe for concurrent use.
//
// Both queues are in deadline order because deadlines are a fixed duration after an arrival
// time that never goes back, so finding what is due looks at the fronts only.
type buffer struct {
	wait, grace time.Duration
	maxTraces   int
	maxBytes    int64 // 0: no bound
	// remoteRoots: a span under a remote parent completes its trace.
	remoteRoots bool

	// released remembers the spans sent on, so that a retry of them is not sent again.
	released *releasedSpans
	// copies counts the spans add left in td as copies of spans held or remembered.
	copies int64

	traces map[traceKey]*entry
	order  *list.List // of *entry, by arrival: timeouts and evictions
	ready  []*entry   // by readyAt: completions
	bytes  int64
	sizer  ptrace.ProtoMarshaler
}

func newBuffer(cfg *Config) *buffer {
	return &buffer{
		wait:        cfg.WaitDuration,
		grace:       cfg.RootGracePeriod,
		maxTraces:   cfg.MaxTraces,
		maxBytes:    cfg.MaxBytes,
		remoteRoots: cfg.CompleteOnRemoteParent,
		released:    newReleasedSpans(cfg.RememberReleasedSpans),
		traces:      map[traceKey]*entry{},
		order:       list.New(),
	}
}

func (b *buffer) len() int { return len(b.traces) }

// destKey identifies where a span of one trace goes: the copy of its resource and scope in the
// trace's entry.
type destKey struct {
	rs, ss int
	trace  traceKey
}

// add moves td's spans, which came with meta, into the buffer, by trace, and returns the
// traces that leave it at now: complete, timed out, or evicted to make room. A span whose trace
// already holds a span with its id, or sent one on lately, is a copy (a client's retry) and
// stays in td; td is left without other spans.
func (b *buffer) add(td ptrace.Traces, meta clientMetadata, now time.Time) []release {
	dests := map[destKey]ptrace.SpanSlice{}
	for i, rs := range td.ResourceSpans().All() {
		for j, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				id := traceKey{client: meta.key, trace: span.TraceID()}
				if b.released.has(id, span.SpanID()) {
					b.copies++
					continue
				}
				e := b.traces[id]
				if e == nil {
					e = &entry{key: id, meta: meta, td: ptrace.NewTraces(), ids: map[pcommon.SpanID]struct{}{}, arrived: now}
					e.elem = b.order.PushBack(e)
					b.traces[id] = e
				}
				if _, seen := e.ids[span.SpanID()]; seen {
					b.copies++
					continue
				}
				e.ids[span.SpanID()] = struct{}{}
				key := destKey{rs: i, ss: j, trace: id}
				spans, ok := dests[key]
				if !ok {
					spans = b.appendScope(e, rs, ss)
					dests[key] = spans
				}
				size := int64(b.sizer.SpanSize(span))
				e.bytes += size
				b.bytes += size
				if !e.ready && b.completes(span, e) {
					e.ready, e.readyAt = true, now.Add(b.grace)
					b.ready = append(b.ready, e)
				}
				span.MoveTo(spans.AppendEmpty())
			}
		}
	}
	out := b.due(now)
	for b.order.Len() > 0 && (len(b.traces) > b.maxTraces || (b.maxBytes > 0 && b.bytes > b.maxBytes)) {
		out = append(out, b.remove(b.order.Front().Value.(*entry), reasonEvicted))
	}
	return out
}

// Span flags bits 8 and 9 (OTLP SpanFlags): whether it is known if the span's parent is in
// another process, and whether it is.
const (
	flagHasIsRemote uint32 = 0x100
	flagIsRemote    uint32 = 0x200
)

// completes reports whether span's arrival completes its trace e, after the grace period: it
// is the root span, or the top span of this process's part of the trace, whose parent is in
// another process and never reaches this collector. A parent e already holds did reach it: the
// caller exports here too, so the trace waits for its real root.
func (b *buffer) completes(span ptrace.Span, e *entry) bool {
	if span.ParentSpanID().IsEmpty() {
		return true
	}
	remote := flagHasIsRemote | flagIsRemote
	if !b.remoteRoots || span.Flags()&remote != remote {
		return false
	}
	_, parentHeld := e.ids[span.ParentSpanID()]
	return !parentHeld
}

// appendScope appends to e an empty copy of rs and ss, counting their size, and returns where
// the spans go.
func (b *buffer) appendScope(e *entry, rs ptrace.ResourceSpans, ss ptrace.ScopeSpans) ptrace.SpanSlice {
	out := e.td.ResourceSpans().AppendEmpty()
	rs.Resource().CopyTo(out.Resource())
	out.SetSchemaUrl(rs.SchemaUrl())
	scope := out.ScopeSpans().AppendEmpty()
	ss.Scope().CopyTo(scope.Scope())
	scope.SetSchemaUrl(ss.SchemaUrl())
	size := int64(b.sizer.ResourceSpansSize(out))
	e.bytes += size
	b.bytes += size
	return scope.Spans()
}

// due removes and returns the traces complete or timed out at now.
func (b *buffer) due(now time.Time) []release {
	var out []release
	for len(b.ready) > 0 {
		e := b.ready[0]
		if !e.gone && e.readyAt.After(now) {
			break
		}
		b.ready[0] = nil
		b.ready = b.ready[1:]
		if !e.gone {
			out = append(out, b.remove(e, reasonComplete))
		}
	}
	for b.order.Len() > 0 {
		e := b.order.Front().Value.(*entry)
		if e.arrived.Add(b.wait).After(now) {
			break
		}
		out = append(out, b.remove(e, reasonTimeout))
	}
	return out
}

// all removes and returns every trace.
func (b *buffer) all() []release {
	out := make([]release, 0, len(b.traces))
	for b.order.Len() > 0 {
		out = append(out, b.remove(b.order.Front().Value.(*entry), reasonShutdown))
	}
	b.ready = nil
	return out
}

func (b *buffer) remove(e *entry, reason string) release {
	b.order.Remove(e.elem)
	delete(b.traces, e.key)
	b.bytes -= e.bytes
	// A removed entry may stay in the ready queue for a while; its ids are remembered instead.
	b.released.add(e.key, e.ids)
	e.gone, e.ids = true, nil
	return release{td: e.td, meta: e.meta, reason: reason}
}
