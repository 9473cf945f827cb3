package llmtraceprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor"

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor/internal/metadata"
)

// llmTraceProcessor holds each trace's spans until the trace is complete, finishes the trace
// and sends it on. Complete traces are sent on by ConsumeTraces, and by a background loop for
// those whose grace period or wait ends between batches.
type llmTraceProcessor struct {
	next      consumer.Traces
	logger    *zap.Logger
	telemetry *metadata.TelemetryBuilder
	finisher  finisher
	reasons   map[string]metric.AddOption
	now       func() time.Time
	tick      time.Duration
	metadata  metadataKeys

	mu      sync.Mutex
	buf     *buffer
	stopped bool

	stop chan struct{}
	done chan struct{}
	// cancelLoop cancels the background loop's sends, when Shutdown's ctx ends before them.
	cancelLoop context.CancelFunc
}

var _ processor.Traces = (*llmTraceProcessor)(nil)

func newProcessor(set processor.Settings, cfg *Config, next consumer.Traces) (*llmTraceProcessor, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	p := &llmTraceProcessor{
		next:      next,
		logger:    set.Logger,
		telemetry: tb,
		finisher:  newFinisher(cfg),
		reasons:   map[string]metric.AddOption{},
		now:       time.Now,
		tick:      tickInterval(cfg),
		buf:       newBuffer(cfg),
		metadata:  newMetadataKeys(cfg.MetadataKeys),
	}
	for _, r := range []string{reasonComplete, reasonTimeout, reasonEvicted, reasonShutdown} {
		p.reasons[r] = metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", r)))
	}
	return p, nil
}

// tickInterval is how often the background loop looks for due traces: a quarter of the
// shortest deadline, within [10ms, 1s].
func tickInterval(cfg *Config) time.Duration {
	d := cfg.WaitDuration
	if cfg.RootGracePeriod > 0 && cfg.RootGracePeriod < d {
		d = cfg.RootGracePeriod
	}
	return min(max(d/4, 10*time.Millisecond), time.Second)
}

func (p *llmTraceProcessor) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: true}
}

func (p *llmTraceProcessor) Start(context.Context, component.Host) error {
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	p.cancelLoop = cancel
	go p.loop(ctx)
	return nil
}

func (p *llmTraceProcessor) loop(ctx context.Context) {
	defer close(p.done)
	t := time.NewTicker(p.tick)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.releaseDue(ctx)
		}
	}
}

// Shutdown stops the background loop and sends on every buffered trace as it is. A send of the
// loop still in the next consumer is given until ctx ends.
func (p *llmTraceProcessor) Shutdown(ctx context.Context) error {
	if p.stop != nil {
		close(p.stop)
		stopCancel := context.AfterFunc(ctx, p.cancelLoop)
		<-p.done
		stopCancel()
		p.cancelLoop()
		p.stop = nil
	}
	p.mu.Lock()
	p.stopped = true
	rels := p.track(p.buf.all)
	p.mu.Unlock()
	p.send(ctx, rels)
	p.telemetry.Shutdown()
	return nil
}

// ConsumeTraces buffers td's spans and sends on the traces that are due. It keeps td's spans
// (moving them out of td, except copies of spans it holds) and reports no error: a trace's
// spans are sent later, with others, and the next consumer's errors are logged and counted there.
func (p *llmTraceProcessor) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return p.next.ConsumeTraces(ctx, td)
	}
	now, meta := p.now(), p.metadata.of(ctx)
	rels := p.track(func() []release { return p.buf.add(td, meta, now) })
	p.mu.Unlock()
	p.send(ctx, rels)
	return nil
}

// releaseDue sends on the traces complete or timed out by now.
func (p *llmTraceProcessor) releaseDue(ctx context.Context) {
	p.mu.Lock()
	now := p.now()
	rels := p.track(func() []release { return p.buf.due(now) })
	p.mu.Unlock()
	p.send(ctx, rels)
}

// track runs f on the buffer, with p.mu held, and records how the buffer changed.
func (p *llmTraceProcessor) track(f func() []release) []release {
	traces, bytes, copies := p.buf.len(), p.buf.bytes, p.buf.copies
	rels := f()
	ctx := context.Background()
	if d := p.buf.copies - copies; d != 0 {
		p.telemetry.ProcessorLlmtraceSpansCopiesDropped.Add(ctx, d)
	}
	if d := p.buf.len() - traces; d != 0 {
		p.telemetry.ProcessorLlmtraceTracesBuffered.Add(ctx, int64(d))
	}
	if d := p.buf.bytes - bytes; d != 0 {
		p.telemetry.ProcessorLlmtraceBytesBuffered.Add(ctx, d)
	}
	return rels
}

// send finishes the released traces and sends them on, one batch per client metadata.
func (p *llmTraceProcessor) send(ctx context.Context, rels []release) {
	if len(rels) == 0 {
		return
	}
	type group struct {
		meta   clientMetadata
		td     ptrace.Traces
		traces int
	}
	var groups []*group
	byMeta := map[attribute.Distinct]*group{}
	counts := map[string]int64{}
	var duplicates int
	for _, r := range rels {
		duplicates += p.finisher.finish(r.td)
		g := byMeta[r.meta.key]
		if g == nil {
			g = &group{meta: r.meta, td: ptrace.NewTraces()}
			byMeta[r.meta.key] = g
			groups = append(groups, g)
		}
		r.td.ResourceSpans().MoveAndAppendTo(g.td.ResourceSpans())
		g.traces++
		counts[r.reason]++
	}
	for reason, n := range counts {
		p.telemetry.ProcessorLlmtraceTracesReleased.Add(ctx, n, p.reasons[reason])
	}
	if duplicates > 0 {
		p.telemetry.ProcessorLlmtraceSpansDuplicateMarked.Add(ctx, int64(duplicates))
	}
	for _, g := range groups {
		if err := p.next.ConsumeTraces(g.meta.context(ctx), g.td); err != nil {
			n := g.td.SpanCount()
			p.telemetry.ProcessorLlmtraceSpansDropped.Add(ctx, int64(n))
			p.logger.Error("The next consumer refused buffered traces; they are dropped",
				zap.Int("traces", g.traces), zap.Int("spans", n), zap.Error(err))
		}
	}
}
