package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"container/list"
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// defaultRootWait is how long StartTraceV3 waits for the trace's root span over OTLP. The Python
// SDK queues the root's OTLP batch and StartTraceV3 together and sends them from parallel
// workers, so either can arrive first; the wait lets the answer say the spans are here
// (spansLocation=TRACKING_STORE) and spares the client uploading traces.json as well. Other
// clients (the TypeScript SDK) send no spans over OTLP and are not kept waiting.
const defaultRootWait = 2 * time.Second

// pending joins what the MLflow SDK sends separately for one trace, so that each span goes
// into the pipeline once and the trace's tags and metadata ride on its root span:
//
//   - spans arrive over OTLP in one or more batches, and may all arrive again as traces.json
//     when the StartTraceV3 answer did not say the spans were already here;
//   - tags and metadata arrive in StartTraceV3 (MLflow 2: EndTrace), before or after the root
//     span.
//
// A non-root span goes on at once. A root span goes on as soon as its trace's info is known; it
// is held until then, at most trace_timeout. Span ids already sent are remembered per trace, so
// traces.json and retried requests add only what is new. Only spans carrying
// mlflow.traceRequestId (the SDK's) are tracked; other OTLP spans pass straight through.
//
// Memory is bounded by max_pending_traces traces, each forgotten trace_timeout after it was
// last touched; a held root is then sent on with whatever info there is.
type pending struct {
	timeout  time.Duration
	max      int
	rootWait time.Duration
	now      func() time.Time

	mu       sync.Mutex
	byID     map[string]*traceEntry
	order    *list.List // *traceEntry, least recently touched first
	released []releasedRoot
	dropped  []droppedInfo
}

// droppedInfo is the trace info of a trace forgotten before any root span took it: a tag set
// after the trace was sent on and forgotten, or the info of a trace whose root never came. The
// receiver logs it, as the client was answered 200. Only keys are kept: values may be private.
type droppedInfo struct {
	id       string
	tags     []string
	metadata []string
}

// releasedRoot is a root span let go without its trace's info, with the client that sent it:
// it is sent on later, in no request of that client.
type releasedRoot struct {
	td     ptrace.Traces
	client client.Info
}

type traceEntry struct {
	id   string
	info *traceInfo
	// final: StartTraceV3 (or v2 EndTrace) came, info is complete and the root may go.
	final bool
	// rootID is the trace's root span, the first span without a parent seen (a later one of
	// another id goes on as an ordinary span). root is a copy of it, alone in its resource and
	// scope, undecorated, kept until the next consumer accepted the root: held waits for the
	// info (or for a retry after a refusal), rootGone means it is being sent or was accepted.
	rootID   pcommon.SpanID
	root     ptrace.Traces
	held     bool
	rootGone bool
	// client sent the root: its metadata and auth go with the root when it is released.
	client client.Info
	// rootSeen closes rootArrived: the root came over OTLP (held or sent).
	rootSeen    bool
	rootArrived chan struct{}
	// handed holds the span ids handed to the next consumer: true once accepted, false while
	// being sent. Both count as duplicates, so that concurrent requests (a client's retry, a
	// traces.json upload) never send a span twice.
	handed map[pcommon.SpanID]bool
	// evicted: forgotten while a send was in flight; a root refused then is released.
	evicted bool
	expires time.Time
	elem    *list.Element
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
		handed:      map[pcommon.SpanID]bool{},
		expires:     p.now().Add(p.timeout),
	}
	e.elem = p.order.PushBack(e)
	p.byID[id] = e
	return e
}

// evict forgets e, releasing its held root with whatever info there is, or recording the info
// as dropped when no root took it. Callers hold mu.
func (p *pending) evict(e *traceEntry) {
	if e.held {
		p.releaseRoot(e)
	}
	if !e.rootGone && e.info != nil && len(e.info.tags)+len(e.info.metadata) > 0 {
		p.dropped = append(p.dropped, droppedInfo{
			id:       e.id,
			tags:     slices.Sorted(maps.Keys(e.info.tags)),
			metadata: slices.Sorted(maps.Keys(e.info.metadata)),
		})
	}
	e.evicted = true
	p.order.Remove(e.elem)
	delete(p.byID, e.id)
}

// releaseRoot queues e's root, decorated, to be sent without waiting any longer for its info.
// Callers hold mu.
func (p *pending) releaseRoot(e *traceEntry) {
	root := decoratedRoot(e)
	e.held, e.rootGone = false, true
	p.released = append(p.released, releasedRoot{td: root, client: e.client})
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
func (p *pending) takeReleased() []releasedRoot {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.released
	p.released = nil
	return r
}

// takeDropped returns the trace info forgotten without reaching a root span, for the receiver
// to log.
func (p *pending) takeDropped() []droppedInfo {
	p.mu.Lock()
	defer p.mu.Unlock()
	d := p.dropped
	p.dropped = nil
	return d
}

// handedSpan is a span handed to the next consumer; commit or refused settles it.
type handedSpan struct {
	e    *traceEntry
	id   pcommon.SpanID
	root bool
}

// handOn marks a span of e as being sent. Callers hold mu.
func handOn(e *traceEntry, id pcommon.SpanID) handedSpan {
	e.handed[id] = false
	return handedSpan{e: e, id: id, root: id == e.rootID}
}

// isHanded reports whether a span was sent or is being sent. Callers hold mu.
func (e *traceEntry) isHanded(id pcommon.SpanID) bool {
	_, ok := e.handed[id]
	return ok
}

// isRoot reports whether span is the trace's root, adopting it as such if none was seen yet.
// Callers hold mu.
func (e *traceEntry) isRoot(span ptrace.Span) bool {
	if !span.ParentSpanID().IsEmpty() {
		return false
	}
	if e.rootID.IsEmpty() {
		e.rootID = span.SpanID()
	}
	return e.rootID == span.SpanID()
}

// commit records spans the next consumer accepted.
func (p *pending) commit(spans []handedSpan) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range spans {
		s.e.handed[s.id] = true
		if s.root {
			s.e.root = ptrace.Traces{} // the copy for a refusal is no longer needed
		}
	}
}

// refused undoes handOn for spans the next consumer refused, so that the client's retry sends
// them again. A refused root is held again: a retry of either the spans or StartTraceV3 sends
// it, or the timeout releases it.
func (p *pending) refused(spans []handedSpan) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range spans {
		if s.e.handed[s.id] {
			continue // accepted through another request meanwhile
		}
		delete(s.e.handed, s.id)
		if s.root {
			s.e.held, s.e.rootGone = true, false
			if s.e.evicted {
				p.releaseRoot(s.e)
			}
		}
	}
}

// fromOTLP removes from td the spans that must not go on now (held roots, duplicates),
// decorates roots whose info is known, and returns the spans it hands on, for commit once td
// was accepted or refused if not.
func (p *pending) fromOTLP(ctx context.Context, td ptrace.Traces) []handedSpan {
	p.mu.Lock()
	defer p.mu.Unlock()
	entryOf := func(span ptrace.Span) *traceEntry {
		if id := traceRequestID(span); id != "" {
			return p.entry(id)
		}
		return nil // not the SDK's: passes through
	}
	return handOnSpans(td, entryOf, func(e *traceEntry, rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, span ptrace.Span) {
		if !e.rootSeen {
			e.rootSeen = true
			close(e.rootArrived)
		}
		e.root, e.client = singleSpan(rs, ss, span), client.FromContext(ctx)
	})
}

// handOnSpans removes from td the spans of tracked traces that must not go on now (held roots,
// spans handed on before) and decorates roots whose info is known; it returns the spans it
// hands on. entryOf gives a span's trace, nil for a span not tracked, which stays. keepRoot
// sees each root first, to keep a copy for later (singleSpan). Callers hold mu.
func handOnSpans(td ptrace.Traces, entryOf func(ptrace.Span) *traceEntry, keepRoot func(e *traceEntry, rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, span ptrace.Span)) []handedSpan {
	var out []handedSpan
	td.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
			ss.Spans().RemoveIf(func(span ptrace.Span) bool {
				e := entryOf(span)
				if e == nil {
					return false
				}
				if e.isHanded(span.SpanID()) {
					return true
				}
				if e.isRoot(span) {
					keepRoot(e, rs, ss, span)
					if !e.final {
						e.held = true
						return true
					}
					e.held, e.rootGone = false, true
					decorateRoot(span, e.info)
				}
				out = append(out, handOn(e, span.SpanID()))
				return false
			})
			return ss.Spans().Len() == 0
		})
		return rs.ScopeSpans().Len() == 0
	})
	return out
}

// startTrace records the trace's complete info. When the root is held, it returns a decorated
// copy of it for the caller to send, and its record for commit or refused. spansHere tells
// whether the trace's root came over OTLP, waiting up to rootWait for it if wait is set (the
// client is one that sends its spans over OTLP).
func (p *pending) startTrace(ctx context.Context, id string, info traceInfo, wait bool) (root ptrace.Traces, handed []handedSpan, spansHere bool) {
	p.mu.Lock()
	e := p.entry(id)
	if root, handed = finish(e, info); handed != nil {
		p.mu.Unlock()
		return root, handed, true
	}
	if !wait {
		defer p.mu.Unlock()
		return ptrace.Traces{}, nil, e.rootSeen
	}
	arrived := e.rootArrived
	p.mu.Unlock()

	timer := time.NewTimer(p.rootWait)
	defer timer.Stop()
	select {
	case <-arrived:
		return ptrace.Traces{}, nil, true
	case <-timer.C:
	case <-ctx.Done():
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return ptrace.Traces{}, nil, e.rootSeen
}

// endTrace records the trace's complete info from a v2 EndTrace. When the root is held, it
// returns a decorated copy of it for the caller to send, and its record for commit or refused.
// propagated is false when the root went on before: the info can no longer reach it.
func (p *pending) endTrace(id string, info traceInfo) (root ptrace.Traces, handed []handedSpan, propagated bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.entry(id)
	gone := e.rootGone
	root, handed = finish(e, info)
	return root, handed, !gone
}

// finish merges the trace's complete info into e and, when e's root is held, hands on a
// decorated copy of it. Callers hold mu.
func finish(e *traceEntry, info traceInfo) (ptrace.Traces, []handedSpan) {
	e.knownInfo().merge(info)
	e.final = true
	if !e.held {
		return ptrace.Traces{}, nil
	}
	root := decoratedRoot(e)
	e.held, e.rootGone = false, true
	return root, []handedSpan{handOn(e, e.rootID)}
}

// knownInfo returns e's info, empty while nothing is known of it. Callers hold mu.
func (e *traceEntry) knownInfo() *traceInfo {
	if e.info == nil {
		e.info = &traceInfo{}
	}
	return e.info
}

// decoratedRoot is a copy of e's root with the trace's info: the copy goes to the next
// consumer, which may change it, and e keeps its own for a refusal. Callers hold mu.
func decoratedRoot(e *traceEntry) ptrace.Traces {
	root := ptrace.NewTraces()
	e.root.CopyTo(root)
	decorateRoot(rootSpan(root), e.info)
	return root
}

// addInfo merges partial info (v2 StartTrace; tag calls use setTag and deleteTag) into the
// trace. It reports false when the root was already handed on: the info can no longer reach it.
func (p *pending) addInfo(id string, info traceInfo) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.entry(id)
	e.knownInfo().merge(info)
	return !e.rootGone
}

// tagReach is whether a tag call can still reach the trace's root span.
type tagReach int

const (
	// tagOnRoot: the tag was recorded; the root is held or still to come.
	tagOnRoot tagReach = iota
	// tagRootGone: the root went on, the tag cannot reach it.
	tagRootGone
	// tagUntracked: the trace is not tracked (sent on and forgotten, or not seen yet); nothing
	// was recorded.
	tagUntracked
)

// setTag records a tag for the trace's root. An untracked trace is tracked for it only with
// track: without upstream, the tag may be for a trace still to come; with one, it is relayed.
func (p *pending) setTag(id, key, value string, track bool) tagReach {
	return p.changeTags(id, track, func(tags map[string]string) { tags[key] = value })
}

// deleteTag removes a tag from the trace's info, with setTag's reach.
func (p *pending) deleteTag(id, key string, track bool) tagReach {
	return p.changeTags(id, track, func(tags map[string]string) { delete(tags, key) })
}

func (p *pending) changeTags(id string, track bool, change func(map[string]string)) tagReach {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, tracked := p.byID[id]; !tracked && !track {
		return tagUntracked
	}
	e := p.entry(id)
	if e.rootGone {
		return tagRootGone
	}
	info := e.knownInfo()
	if info.tags == nil {
		info.tags = map[string]string{}
	}
	change(info.tags)
	return tagOnRoot
}

// rootLacksTag reports whether the trace's root went on without a tag key: then the pipeline
// will not bring it to the upstream. It is false while the root is held or still to come, and
// for a trace the receiver does not track, of which nothing is known.
func (p *pending) rootLacksTag(id, key string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, tracked := p.byID[id]
	if !tracked || !e.rootGone {
		return false
	}
	if e.info == nil {
		return true
	}
	_, carried := e.info.tags[key]
	return !carried
}

// info returns a copy of what is known about the trace; its maps are never nil.
func (p *pending) info(id string) traceInfo {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out traceInfo
	if e := p.entry(id); e.info != nil {
		out.merge(*e.info)
	} else {
		out.merge(traceInfo{})
	}
	return out
}

// fromArtifact prepares the spans of a traces.json upload for trace id: it removes spans
// already handed on and decorates the root, which then goes from the file rather than from
// the held copy (kept until accepted, for a refusal). A root whose info is not complete yet is
// held instead: MLflow 2 uploads traces.json before EndTrace. It returns the spans it hands on.
func (p *pending) fromArtifact(ctx context.Context, id string, td ptrace.Traces) []handedSpan {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.entry(id)
	return handOnSpans(td, func(ptrace.Span) *traceEntry { return e }, func(e *traceEntry, rs ptrace.ResourceSpans, ss ptrace.ScopeSpans, span ptrace.Span) {
		if !e.held {
			e.root, e.client = singleSpan(rs, ss, span), client.FromContext(ctx)
		}
	})
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
