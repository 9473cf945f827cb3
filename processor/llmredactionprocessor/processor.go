package llmredactionprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmredactionprocessor"

import (
	"context"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmredactionprocessor/internal/metadata"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor"
)

// Summary attributes written on a span in which something was redacted.
const (
	AttrRedactionCount  = "llm.redaction.count"
	AttrRedactionPrefix = "llm.redaction." // + detector name
)

// contentKeys are the span and event attributes that carry message content: those llmspan's
// dialects copy into mlflow.spanInputs and mlflow.spanOutputs, which it keeps by default
// (source_attributes: keep), mlflow.spanInputs and mlflow.spanOutputs themselves, the trace
// previews an app set, and the message fields of the GenAI message events. contentPrefixes are
// prefixes of flattened message and document attributes; contentEvents hold nothing but content.
var contentKeys, contentPrefixes, contentEvents = func() (map[string]bool, []string, map[string]bool) {
	keys, prefixes, events := llmspanprocessor.ContentAttributes()
	keySet := map[string]bool{
		mlflow.AttrSpanInputs: true, mlflow.AttrSpanOutputs: true,
		// previews an app set, which the mlflow receiver carries on the root span
		mlflow.AttrTraceRequestPreview: true, mlflow.AttrTraceResponsePreview: true,
		// on gen_ai.{system,user,assistant,tool}.message and gen_ai.choice events
		"content": true, "message": true, "tool_calls": true,
	}
	for _, k := range keys {
		keySet[k] = true
	}
	eventSet := map[string]bool{}
	for _, name := range events {
		eventSet[name] = true
	}
	return keySet, prefixes, eventSet
}()

// isContentEvent reports whether every text attribute of an event is content: the GenAI
// message events, and the events llmspan's dialects read content from (Claude Code's
// tool.output, Strands' memory.*).
func isContentEvent(name string) bool {
	return strings.HasPrefix(name, "gen_ai.") || contentEvents[name]
}

type redactionProcessor struct {
	cfg       *Config
	redactor  *redactor
	extra     map[string]bool
	extraPfx  []string
	telemetry *metadata.TelemetryBuilder
	// byDetector holds the telemetry attribute set of each detector, built once.
	byDetector                []metric.AddOption
	droppedContent, droppedOn metric.AddOption
	summaryKeys               []string // llm.redaction.<detector>
	scratch                   sync.Pool
}

// tally counts what one batch changed.
type tally struct {
	counts         []int64 // per detector, for the whole batch
	span           []int64 // per detector, for the current span
	droppedContent int64
	droppedOnMatch int64
	truncated      int64
}

func newRedactionProcessor(set processor.Settings, cfg *Config) (*redactionProcessor, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	p := &redactionProcessor{
		cfg: cfg, redactor: newRedactor(cfg), extra: map[string]bool{}, telemetry: tb,
		droppedContent: metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", "content"))),
		droppedOn:      metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", "match"))),
	}
	for _, a := range cfg.Attributes {
		if prefix, ok := strings.CutSuffix(a, "*"); ok {
			p.extraPfx = append(p.extraPfx, prefix)
		} else {
			p.extra[a] = true
		}
	}
	for _, d := range p.redactor.detectors {
		p.byDetector = append(p.byDetector, metric.WithAttributeSet(attribute.NewSet(attribute.String("detector", d.name))))
		p.summaryKeys = append(p.summaryKeys, AttrRedactionPrefix+d.name)
	}
	n := len(p.redactor.detectors)
	p.scratch.New = func() any { return &tally{counts: make([]int64, n), span: make([]int64, n)} }
	return p, nil
}

func (p *redactionProcessor) isContent(key string) bool {
	if contentKeys[key] || p.extra[key] {
		return true
	}
	for _, prefix := range contentPrefixes {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	for _, prefix := range p.extraPfx {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}

func (p *redactionProcessor) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	t := p.scratch.Get().(*tally)
	defer p.scratch.Put(t)
	clear(t.counts)
	t.droppedContent, t.droppedOnMatch, t.truncated = 0, 0, 0
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				p.processSpan(t, span)
			}
		}
	}
	for i, n := range t.counts {
		if n > 0 {
			p.telemetry.ProcessorLlmredactionRedactions.Add(ctx, n, p.byDetector[i])
		}
	}
	if t.droppedContent > 0 {
		p.telemetry.ProcessorLlmredactionAttributesDropped.Add(ctx, t.droppedContent, p.droppedContent)
	}
	if t.droppedOnMatch > 0 {
		p.telemetry.ProcessorLlmredactionAttributesDropped.Add(ctx, t.droppedOnMatch, p.droppedOn)
	}
	if t.truncated > 0 {
		p.telemetry.ProcessorLlmredactionValuesTruncated.Add(ctx, t.truncated)
	}
	return td, nil
}

func (p *redactionProcessor) processSpan(t *tally, span ptrace.Span) {
	clear(t.span)
	p.processAttrs(t, span.Attributes(), false)
	for _, ev := range span.Events().All() {
		p.processAttrs(t, ev.Attributes(), isContentEvent(ev.Name()))
	}
	var total int64
	for i, n := range t.span {
		t.counts[i] += n
		total += n
	}
	if total == 0 || !p.cfg.SummaryAttributes {
		return
	}
	attrs := span.Attributes()
	addInt(attrs, AttrRedactionCount, total)
	for i, n := range t.span {
		if n > 0 {
			addInt(attrs, p.summaryKeys[i], n)
		}
	}
}

// addInt adds n to an int attribute, so that a second redaction pass adds to the first's count.
func addInt(attrs pcommon.Map, key string, n int64) {
	if v, ok := attrs.Get(key); ok && v.Type() == pcommon.ValueTypeInt {
		n += v.Int()
	}
	attrs.PutInt(key, n)
}

// processAttrs applies the content policy to the content attributes of attrs (all of them on
// a content event, see isContentEvent), then the size cap to every string attribute.
func (p *redactionProcessor) processAttrs(t *tally, attrs pcommon.Map, contentEvent bool) {
	attrs.RemoveIf(func(key string, v pcommon.Value) bool {
		if p.isContent(key) || (contentEvent && isText(v) && !strings.HasPrefix(key, "gen_ai.system") && !strings.HasPrefix(key, "gen_ai.provider")) {
			switch p.cfg.Content {
			case ContentDrop:
				t.droppedContent++
				return true
			case ContentRedact:
				before := sum(t.span)
				p.redactValue(t, v)
				if p.cfg.Mode == ModeDrop && sum(t.span) > before {
					t.droppedOnMatch++
					return true
				}
			}
		}
		if p.cfg.MaxValueSize > 0 && v.Type() == pcommon.ValueTypeStr && len(v.Str()) > p.cfg.MaxValueSize {
			v.SetStr(truncate(v.Str(), p.cfg.MaxValueSize))
			t.truncated++
		}
		return false
	})
}

// isText reports whether v can hold text: a string, an array or a map.
func isText(v pcommon.Value) bool {
	switch v.Type() {
	case pcommon.ValueTypeStr, pcommon.ValueTypeSlice, pcommon.ValueTypeMap:
		return true
	}
	return false
}

func sum(ns []int64) (s int64) {
	for _, n := range ns {
		s += n
	}
	return s
}

// redactValue redacts string leaves of v in place: a string (JSON text or not), or the strings
// inside a structured (array or map) value.
func (p *redactionProcessor) redactValue(t *tally, v pcommon.Value) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		if out, changed := p.redactor.value(v.Str(), t.span); changed {
			v.SetStr(out)
		}
	case pcommon.ValueTypeSlice:
		for _, e := range v.Slice().All() {
			p.redactValue(t, e)
		}
	case pcommon.ValueTypeMap:
		for _, e := range v.Map().All() {
			p.redactValue(t, e)
		}
	}
}

func (p *redactionProcessor) shutdown(context.Context) error {
	p.telemetry.Shutdown()
	return nil
}
