package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"slices"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// laminar reads Laminar's SDKs (lmnr-ai/lmnr-ts, lmnr-python): lmnr.span.type,
// lmnr.span.input and lmnr.span.output on every span, session and user in
// lmnr.association.properties.*, and on LLM spans the flattened GenAI keys
// (gen_ai.prompt.N.*, gen_ai.completion.N.*) of the OpenLLMetry instrumentations it bundles,
// which are preferred to lmnr.span.input/output there. Laminar's own OpenAI instrumentation
// (lmnr 0.8) writes gen_ai.input.messages as the request's messages, which the GenAI reader
// reads, and gen_ai.output.messages as the response's choices, [{index, finish_reason,
// message}], which it does not: those are read here. Its Anthropic and Google GenAI
// instrumentations write Anthropic messages and Gemini contents in both, read here too.
var laminar = Dialect{
	Name:       "laminar",
	Namespaces: []string{"lmnr"},
	Read:       readLaminar,
}

// laminarTypes follows MLflow's Laminar translator.
var laminarTypes = map[string]string{
	"LLM":             mlflow.SpanTypeLLM,
	"CACHED":          mlflow.SpanTypeLLM,
	"TOOL":            mlflow.SpanTypeTool,
	"DEFAULT":         mlflow.SpanTypeChain,
	"PIPELINE":        mlflow.SpanTypeChain,
	"EXECUTOR":        mlflow.SpanTypeAgent,
	"EVALUATOR":       mlflow.SpanTypeEvaluator,
	"HUMAN_EVALUATOR": mlflow.SpanTypeEvaluator,
	"EVALUATION":      mlflow.SpanTypeEvaluator,
}

var laminarKeys = withKeys(genAIKeys, Keys{
	"lmnr.association.properties.session_id": {FieldSessionID, 1},
	"lmnr.association.properties.user_id":    {FieldUserID, 1},
	"llm.usage.total_tokens":                 {FieldTotalTokens, 1},
})

type laminarSpan struct {
	typ           string
	input, output Any
}

func (s *laminarSpan) put(k string, v pcommon.Value) {
	switch k {
	case "lmnr.span.type":
		s.typ = scalarString(v)
	case "lmnr.span.input":
		s.input = Some(v)
	case "lmnr.span.output":
		s.output = Some(v)
	}
}

func readLaminar(span ptrace.Span, rec *Record) {
	var (
		f Fields
		s laminarSpan
	)
	readGenAIWith(span, rec, &f, laminarKeys, s.put)
	if out, ok := f.Get(FieldOutput); ok {
		if msgs, ok := appendChoiceMessages(rec.Output.Messages[:0], out); ok {
			rec.Output = Payload{Messages: msgs}
		}
	}
	switch rec.Provider {
	case laminarAnthropic:
		anthropicStopReasons(rec.Output.Messages, f.Any(FieldOutput))
		rec.Input.Messages = anthropicBlocks(rec.Input.Messages)
		rec.Output.Messages = anthropicBlocks(rec.Output.Messages)
	case laminarGemini:
		laminarGeminiMessages(rec, &f)
	}
	if t, ok := laminarTypes[strings.ToUpper(s.typ)]; ok && !(t == mlflow.SpanTypeLLM && rec.SpanType == mlflow.SpanTypeChatModel) {
		rec.SpanType = t
	}
	if s.input.Set && len(rec.Input.Messages) == 0 {
		rec.Input = openAIPayload(rec.Input.Messages, s.input.Value, &rec.arena)
	}
	if s.output.Set && len(rec.Output.Messages) == 0 {
		rec.Output = openAIPayload(rec.Output.Messages, s.output.Value, &rec.arena)
	}
}

const (
	// laminarAnthropic is the gen_ai.system of Laminar's Anthropic instrumentation, which
	// writes the request's messages and the response as Anthropic messages: content blocks and
	// stop_reason.
	laminarAnthropic = "anthropic"
	// laminarGemini is the gen_ai.system of Laminar's Google GenAI instrumentation, which
	// writes the request as Gemini contents, the system instruction first with role "system",
	// and the response as its candidates, [{content, finish_reason, index}].
	laminarGemini = "gemini"
)

// laminarGeminiMessages reads the messages of Laminar's Google GenAI spans, which the GenAI
// reader, finding parts without a type, keeps as opaque parts. A side it cannot read as
// Gemini's is left as it was read.
func laminarGeminiMessages(rec *Record, f *Fields) {
	if in, ok := f.Get(FieldInput); ok {
		if msgs, ok := appendGeminiContents(nil, in); ok {
			rec.Input = Payload{Messages: msgs}
		}
	}
	out, ok := f.Get(FieldOutput)
	if !ok {
		return
	}
	candidates, ok := mapList(out)
	if !ok || candidates.Len() == 0 {
		return
	}
	var msgs []Message
	for _, c := range candidates.All() {
		content, ok := c.Map().Get("content")
		if !ok || content.Type() != pcommon.ValueTypeMap {
			return
		}
		n := len(msgs)
		msgs = appendGeminiContent(msgs, content.Map(), "assistant")
		if len(msgs) > n && msgs[len(msgs)-1].FinishReason == "" {
			msgs[len(msgs)-1].FinishReason = str(c.Map(), "finish_reason")
		}
	}
	rec.Output = Payload{Messages: msgs}
}

// anthropicBlocks rewrites the Anthropic content blocks that the GenAI reader keeps as opaque
// parts: a tool_use block becomes a tool call of its message, a tool_result block a tool message
// of its own (before the rest of its user message, as Anthropic sends them). Messages without
// such blocks are left as they are. Laminar and OpenLLMetry's Anthropic instrumentations both
// write such blocks.
func anthropicBlocks(msgs []Message) []Message {
	if !hasAnthropicToolBlock(msgs) {
		return msgs
	}
	out := make([]Message, 0, len(msgs)+1)
	for _, m := range msgs {
		parts, results := m.Parts[:0], 0
		for _, p := range m.Parts {
			b, typ := anthropicBlock(p)
			switch typ {
			case "tool_use":
				if id := str(b, "id"); !hasToolCall(m.ToolCalls, id) { // flattened prompts name them too
					m.ToolCalls = append(m.ToolCalls, ToolCall{ID: id, Name: str(b, "name"), Arguments: get(b, "input")})
				}
			case "tool_result":
				results++
				out = append(out, Message{Role: "tool", ToolCallID: str(b, "tool_use_id"), Parts: anthropicResult(get(b, "content"))})
			default:
				parts = append(parts, p)
			}
		}
		if m.Parts = parts; results == 0 || len(m.Parts) > 0 || len(m.ToolCalls) > 0 {
			out = append(out, m)
		}
	}
	return out
}

func hasToolCall(calls []ToolCall, id string) bool {
	return slices.ContainsFunc(calls, func(c ToolCall) bool { return c.ID == id })
}

func hasAnthropicToolBlock(msgs []Message) bool {
	for _, m := range msgs {
		for _, p := range m.Parts {
			if _, typ := anthropicBlock(p); typ == "tool_use" || typ == "tool_result" {
				return true
			}
		}
	}
	return false
}

// anthropicBlock returns a non-text part as the object it holds, and that object's type.
func anthropicBlock(p Part) (pcommon.Map, string) {
	v := p.Value.Value
	if p.Value.JSON != "" {
		v, _ = anyjson.Parse(p.Value.JSON)
	}
	if !p.Value.Set || v.Type() != pcommon.ValueTypeMap {
		return pcommon.Map{}, ""
	}
	return v.Map(), str(v.Map(), "type")
}

// anthropicResult reads a tool_result's content: a string, or text blocks (joined as Strands'
// text blocks are), as the tool's text; anything else as it is.
func anthropicResult(content Any) []Part {
	if content.Set && content.Type() == pcommon.ValueTypeSlice {
		if r, ok := strandsBlocks(content.Slice()); ok {
			return resultParts(r)
		}
	}
	return resultParts(content)
}

// anthropicStopReasons gives the reply messages the stop_reason of the Anthropic messages they
// were read from, one for one.
func anthropicStopReasons(msgs []Message, out Any) {
	if !out.Set || len(msgs) == 0 {
		return
	}
	list, ok := mapList(out.Value)
	if !ok || list.Len() != len(msgs) {
		return
	}
	for i, m := range list.All() {
		if msgs[i].FinishReason == "" {
			msgs[i].FinishReason = str(m.Map(), "stop_reason")
		}
	}
}

// appendChoiceMessages reads a list of OpenAI chat choices, each {index, finish_reason,
// message}, as gen_ai.choice events hold one; ok is false for anything else.
func appendChoiceMessages(buf []Message, v pcommon.Value) (_ []Message, ok bool) {
	if v.Type() == pcommon.ValueTypeStr && !strings.HasPrefix(strings.TrimSpace(v.Str()), "[{") {
		return buf, false // not a list of objects: skip parsing it
	}
	l := anyjson.Value(v)
	if l.Type() != pcommon.ValueTypeSlice || l.Slice().Len() == 0 {
		return buf, false
	}
	for _, c := range l.Slice().All() {
		if c.Type() != pcommon.ValueTypeMap {
			return buf, false
		}
		if _, ok := c.Map().Get("message"); !ok {
			return buf, false
		}
	}
	for _, c := range l.Slice().All() {
		buf = append(buf, choiceMessage(c.Map()))
	}
	return buf, true
}
