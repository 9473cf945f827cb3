package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"container/list"
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// defaultRootWait is how long StartTraceV3 waits for the trace's root span over OTLP. The SDK
// queues the root's OTLP batch and StartTraceV3 together and sends them from parallel workers,
// so either can arrive first; the wait lets the answer say the spans are here
// (spansLocation=TRACKING_STORE) and spares the client uploading traces.json as well.
const defaultRootWait = 2 * time.Second

// pending joins what the MLflow SDK sends separately for one trace, so that each span goes
// into the pipeline once and the trace's tags and metadata ride on its root span:
//
//   - spans arrive over OTLP in one or more batches, and may all arrive again as traces.json
//     when the StartTraceV3 answer did not say the spans were already here;
//   - tags and metadata arrive in StartTraceV3, before or after the root span.
//
// A non-root span goes on at once. A root span goes on as soon as its trace's info is known; it
// is held until then, at most trace_timeout. Span ids already sent are remembered per trace, so
// traces.json and retried requests add only what is new. Only spans carrying
// mlflow.traceRequestId (the SDK's) are tracked; other OTLP spans pass straight through.
//
// Memory is bounded by max_pending_traces traces, each forgotten trace_timeout after it was
// last touched; a held root is then sent on without the info.
type pending struct {
	timeout  time.Duration
	max      int
	rootWait time.Duration
	now      func() time.Time

	mu       sync.Mutex
	byID     map[string]*traceEntry
	order    *list.List // *traceEntry, least recently touched first
	released []ptrace.Traces
}

type traceEntry struct {
	id   string
	info *traceInfo
	// final: StartTraceV3 (or v2 EndTrace) came, info is complete and the root may go.
	final bool
	// root is the held root span, alone in its resource and scope; valid when held.
	root ptrace.Traces
	held bool
	// rootSeen closes rootArrived: the root came over OTLP (held or sent).
	rootSeen    bool
	rootArrived chan struct{}
	rootSent    bool
	// viaArtifact: traces.json delivered every span; later OTLP copies are duplicates.
	viaArtifact bool
	sent        map[pcommon.SpanID]struct{}
	expires     time.Time
	elem        *list.Element
}

func newPending(timeout time.Duration, maxTraces int) *pending {
	return &pending{
		timeout:  timeout,
		max:      maxTraces,
		rootWait: min(defaultRootWait, timeout),
		now:      time.Now,
		byID:     map[string]*traceEntry{},
		order:    list.New(),
	}
}

// entry returns the trace's entry, created if needed, and marks it recently used. Callers
// hold mu.
func (p *pending) entry(id string) *traceEntry {
	e, ok := p.byID[id]
	if ok {
		e.expires = p.now().Add(p.timeout)
		p.order.MoveToBack(e.elem)
		return e
	}
	for len(p.byID) >= p.max {
		p.evict(p.order.Front().Value.(*traceEntry))
	}
	e = &traceEntry{
		id:          id,
		rootArrived: make(chan struct{}),
		sent:        map[pcommon.SpanID]struct{}{},
		expires:     p.now().Add(p.timeout),
	}
	e.elem = p.order.PushBack(e)
	p.byID[id] = e
	return e
}

// evict forgets e, releasing its held root with whatever info there is. Callers hold mu.
func (p *pending) evict(e *traceEntry) {
	if e.held {
		decorateRoot(rootSpan(e.root), e.info)
		p.released = append(p.released, e.root)
	}
	p.order.Remove(e.elem)
	delete(p.byID, e.id)
}

// sweep forgets traces untouched for trace_timeout.
func (p *pending) sweep(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for el := p.order.Front(); el != nil; el = p.order.Front() {
		e := el.Value.(*traceEntry)
		if e.expires.After(now) {
			return
		}
		p.evict(e)
	}
}

// takeReleased returns the root spans let go without their trace's info (timeout or memory
// bound), for the receiver to send on.
func (p *pending) takeReleased() []ptrace.Traces {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.released
	p.released = nil
	return r
}

// sentSpan is a span handed on, recorded once the next consumer accepted it.
type sentSpan struct {
	e    *traceEntry
	id   pcommon.SpanID
	root bool
}

// commit records spans the next consumer accepted.
func (p *pending) commit(spans []sentSpan, viaArtifact bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range spans {
		s.e.sent[s.id] = struct{}{}
		if s.root {
			s.e.rootSent = true
		}
		if viaArtifact {
			s.e.viaArtifact = true
		}
	}
}

// fromOTLP removes from td the spans that must not go on now (held roots, duplicates),
// decorates roots whose info is known, and returns what to commit once td was accepted.
func (p *pending) fromOTLP(td ptrace.Traces) []sentSpan {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []sentSpan
	td.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
			ss.Spans().RemoveIf(func(span ptrace.Span) bool {
				id := traceRequestID(span)
				if id == "" {
					return false
				}
				e := p.entry(id)
				if _, dup := e.sent[span.SpanID()]; dup || e.viaArtifact {
					return true
				}
				isRoot := span.ParentSpanID().IsEmpty()
				if isRoot {
					if !e.rootSeen {
						e.rootSeen = true
						close(e.rootArrived)
					}
					if !e.final {
						e.root, e.held = singleSpan(rs, ss, span), true
						return true
					}
					decorateRoot(span, e.info)
				}
				out = append(out, sentSpan{e: e, id: span.SpanID(), root: isRoot})
				return false
			})
			return ss.Spans().Len() == 0
		})
		return rs.ScopeSpans().Len() == 0
	})
	return out
}

// startTrace records the trace's complete info. It returns the held root, decorated, for the
// caller to send (then commit, or hold again if it was refused), and whether the trace's root
// came over OTLP, waiting up to rootWait for it.
func (p *pending) startTrace(ctx context.Context, id string, info traceInfo) (root ptrace.Traces, hasRoot, spansHere bool) {
	p.mu.Lock()
	e := p.entry(id)
	if e.info == nil {
		e.info = &traceInfo{}
	}
	e.info.merge(info.experimentID, info.tags, info.metadata)
	e.final = true
	if e.held {
		root, e.held = e.root, false
		decorateRoot(rootSpan(root), e.info)
		p.mu.Unlock()
		return root, true, true
	}
	arrived := e.rootArrived
	p.mu.Unlock()

	timer := time.NewTimer(p.rootWait)
	defer timer.Stop()
	select {
	case <-arrived:
		return ptrace.Traces{}, false, true
	case <-timer.C:
	case <-ctx.Done():
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return ptrace.Traces{}, false, e.rootSeen
}

// hold puts back a root span the next consumer refused, so a retry can send it again.
func (p *pending) hold(id string, root ptrace.Traces) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.entry(id)
	if !e.rootSent {
		e.root, e.held = root, true
	}
}

// rootCommit is the commit record of a root span returned by startTrace.
func (p *pending) rootCommit(id string, root ptrace.Traces) []sentSpan {
	p.mu.Lock()
	defer p.mu.Unlock()
	return []sentSpan{{e: p.entry(id), id: rootSpan(root).SpanID(), root: true}}
}

// addInfo merges partial info (v2 StartTrace, tag updates) into a trace whose root has not gone
// yet. It reports false when the root was already sent: the info can no longer reach it.
func (p *pending) addInfo(id string, info traceInfo, final bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.entry(id)
	if e.rootSent {
		return false
	}
	if e.info == nil {
		e.info = &traceInfo{}
	}
	e.info.merge(info.experimentID, info.tags, info.metadata)
	e.final = e.final || final
	return true
}

// deleteTag removes a tag from a trace whose root has not gone yet; false if it has.
func (p *pending) deleteTag(id, key string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.entry(id)
	if e.rootSent {
		return false
	}
	if e.info != nil {
		delete(e.info.tags, key)
	}
	return true
}

// info returns a copy of what is known about the trace.
func (p *pending) info(id string) traceInfo {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.entry(id)
	if e.info == nil {
		return traceInfo{}
	}
	var out traceInfo
	out.merge(e.info.experimentID, e.info.tags, e.info.metadata)
	return out
}

// fromArtifact prepares the spans of a traces.json upload for trace id: it removes spans
// already sent, drops a held root (the file has it too) and decorates the root. It returns
// what to commit once td was accepted.
func (p *pending) fromArtifact(id string, td ptrace.Traces) []sentSpan {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.entry(id)
	e.held = false
	var out []sentSpan
	td.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
			ss.Spans().RemoveIf(func(span ptrace.Span) bool {
				if _, dup := e.sent[span.SpanID()]; dup {
					return true
				}
				isRoot := span.ParentSpanID().IsEmpty()
				if isRoot {
					decorateRoot(span, e.info)
				}
				out = append(out, sentSpan{e: e, id: span.SpanID(), root: isRoot})
				return false
			})
			return ss.Spans().Len() == 0
		})
		return rs.ScopeSpans().Len() == 0
	})
	if len(out) == 0 {
		e.viaArtifact = true
	}
	return out
}

// traceRequestID is the MLflow trace id the SDK stamps on each of its spans, or "".
func traceRequestID(span ptrace.Span) string {
	v, ok := span.Attributes().Get(mlflow.AttrTraceRequestID)
	if !ok || v.Type() != pcommon.ValueTypeStr {
		return ""
	}
	return v.Str()
}

// singleSpan copies span with its resource and scope into a Traces of its own.
func singleSpan(rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, span ptrace.Span) ptrace.Traces {
	td := ptrace.NewTraces()
	newRS := td.ResourceSpans().AppendEmpty()
	rs.Resource().CopyTo(newRS.Resource())
	newRS.SetSchemaUrl(rs.SchemaUrl())
	newSS := newRS.ScopeSpans().AppendEmpty()
	ss.Scope().CopyTo(newSS.Scope())
	newSS.SetSchemaUrl(ss.SchemaUrl())
	span.CopyTo(newSS.Spans().AppendEmpty())
	return td
}

// rootSpan is the only span of a Traces made by singleSpan.
func rootSpan(td ptrace.Traces) ptrace.Span {
	return td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
}
