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

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmredactionprocessor/internal/metadata"
)

// Summary attributes written on a span in which something was redacted.
const (
	AttrRedactionCount  = "llm.redaction.count"
	AttrRedactionPrefix = "llm.redaction." // + detector name
)

// contentKeys are the span and event attributes that carry message content: those llmspan
// copies into mlflow.spanInputs and mlflow.spanOutputs, which it keeps by default
// (source_attributes: keep), and mlflow.spanInputs and mlflow.spanOutputs themselves.
var contentKeys = map[string]bool{
	"mlflow.spanInputs":  true,
	"mlflow.spanOutputs": true,
	// OTel GenAI
	"gen_ai.input.messages":       true,
	"gen_ai.output.messages":      true,
	"gen_ai.system_instructions":  true,
	"gen_ai.tool.call.arguments":  true,
	"gen_ai.tool.call.result":     true,
	"gen_ai.prompt":               true,
	"gen_ai.completion":           true,
	"gen_ai.retrieval.query.text": true,
	"gen_ai.retrieval.documents":  true,
	"gen_ai.memory.query.text":    true,
	"gen_ai.memory.records":       true,
	// OpenInference, OpenLLMetry, Langfuse, Laminar, Genkit
	"input.value":                 true,
	"output.value":                true,
	"reranker.query":              true,
	"traceloop.entity.input":      true,
	"traceloop.entity.output":     true,
	"langfuse.observation.input":  true,
	"langfuse.observation.output": true,
	"langfuse.trace.input":        true,
	"langfuse.trace.output":       true,
	"lmnr.span.input":             true,
	"lmnr.span.output":            true,
	"genkit:input":                true,
	"genkit:output":               true,
	// Vercel AI SDK
	"ai.prompt":             true,
	"ai.prompt.messages":    true,
	"ai.response.text":      true,
	"ai.result.text":        true,
	"ai.response.reasoning": true,
	"ai.response.toolCalls": true,
	"ai.result.toolCalls":   true,
	"ai.response.object":    true,
	"ai.result.object":      true,
	"ai.value":              true,
	"ai.values":             true,
	"ai.toolCall.args":      true,
	"ai.toolCall.result":    true,
	// Google ADK, Pydantic AI, Spring AI, VoltAgent
	"gcp.vertex.agent.llm_request":    true,
	"gcp.vertex.agent.llm_response":   true,
	"gcp.vertex.agent.tool_call_args": true,
	"gcp.vertex.agent.tool_response":  true,
	"pydantic_ai.all_messages":        true,
	"final_result":                    true,
	"tool_arguments":                  true,
	"tool_response":                   true,
	"spring.ai.tool.call.arguments":   true,
	"spring.ai.tool.call.result":      true,
	"agent.messages":                  true,
	"llm.messages":                    true,
	"input":                           true,
	"output":                          true,
	// LiveKit (and the lk.pii. form of each, a prefix below)
	"lk.user_input":              true,
	"lk.user_transcript":         true,
	"lk.chat_ctx":                true,
	"lk.input_text":              true,
	"lk.instructions":            true,
	"lk.response.text":           true,
	"lk.response.function_calls": true,
	"lk.function_tool.arguments": true,
	"lk.function_tool.output":    true,
	// Claude Code
	"user_prompt":           true,
	"new_context":           true,
	"tool_input":            true,
	"response.model_output": true,
	"full_command":          true,
	// on gen_ai.{system,user,assistant,tool}.message and gen_ai.choice events
	"content":    true,
	"message":    true,
	"tool_calls": true,
}

// contentPrefixes are prefixes of flattened message and document attributes (OpenInference,
// OpenLLMetry) and of LiveKit's PII-form keys.
var contentPrefixes = []string{
	"llm.input_messages.", "llm.output_messages.", "llm.prompts.", "llm.choices.",
	"retrieval.documents.", "embedding.embeddings.", "reranker.input_documents.", "reranker.output_documents.",
	"gen_ai.prompt.", "gen_ai.completion.", "lk.pii.",
}

// isContentEvent reports whether every text attribute of an event is content: the GenAI
// message events, and Claude Code's tool.output (a tool's output: files, command output).
func isContentEvent(name string) bool {
	return strings.HasPrefix(name, "gen_ai.") || name == "tool.output"
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
