package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// openLLMetry reads OpenLLMetry (Traceloop): its instrumentations write GenAI keys (the current
// gen_ai.input.messages form since 0.5x, indexed gen_ai.prompt.N.* before, llm.prompts.N.* in
// the first releases), plus keys of their own; the Traceloop SDK's decorators write
// traceloop.span.kind and traceloop.entity.*. The Bedrock instrumentation's spans may carry
// GenAI keys only: its scope names them.
// Recorded from opentelemetry-instrumentation-openai and -anthropic 0.62.4, whose input token
// counts include cache reads and writes (the Anthropic one adds them to Anthropic's count).
var openLLMetry = Dialect{
	Name:       "openllmetry",
	Scopes:     []string{"opentelemetry.instrumentation.openai.v1", "opentelemetry.instrumentation.anthropic", "opentelemetry.instrumentation.bedrock"},
	Namespaces: []string{"traceloop", "llm"},
	Read:       readOpenLLMetry,
}

var openLLMetryKeys = withKeys(genAIKeys, Keys{
	"traceloop.span.kind":    {FieldOperation, 0},
	"gen_ai.operation.name":  {FieldOperation, 1},
	"llm.usage.total_tokens": {FieldTotalTokens, 1},
	// The llm.* names of opentelemetry-semantic-conventions-ai before its gen_ai.* ones.
	"llm.response.model":                          {FieldModel, 2},
	"llm.request.model":                           {FieldModel, 3},
	"llm.vendor":                                  {FieldProvider, 2},
	"llm.usage.prompt_tokens":                     {FieldInputTokens, 2},
	"llm.usage.completion_tokens":                 {FieldOutputTokens, 2},
	"traceloop.association.properties.session_id": {FieldSessionID, 1},
	"traceloop.association.properties.user_id":    {FieldUserID, 0},
})

// openLLMetryKinds maps traceloop.span.kind as MLflow's Traceloop translator does.
var openLLMetryKinds = map[string]string{
	"workflow": mlflow.SpanTypeWorkflow,
	"task":     mlflow.SpanTypeTask,
	"agent":    mlflow.SpanTypeAgent,
	"tool":     mlflow.SpanTypeTool,
	"unknown":  mlflow.SpanTypeUnknown,
}

// openLLMetryRequestTypes maps llm.request.type, the only kind on LLM spans of older versions.
var openLLMetryRequestTypes = map[string]string{
	"chat":       mlflow.SpanTypeChatModel,
	"completion": mlflow.SpanTypeLLM,
	"embedding":  mlflow.SpanTypeEmbedding,
	"rerank":     mlflow.SpanTypeReranker,
}

const (
	openLLMetryFunctions = "llm.request.functions."
	// The prefixes of gen_ai.prompt.N.* and gen_ai.completion.N.* in the first releases, whose
	// opentelemetry-semantic-conventions-ai named them llm.prompts and llm.completions.
	openLLMetryOldPrompts     = "llm.prompts."
	openLLMetryOldCompletions = "llm.completions."
)

// openLLMetryAnthropicChat names the spans of the Anthropic Messages API calls, to which
// older Python Anthropic instrumentations give llm.request.type "completion" as to the
// Completions API's ("anthropic.completion"): they are chat calls.
const openLLMetryAnthropicChat = "anthropic.chat"

func readOpenLLMetry(span ptrace.Span, rec *Record) {
	var (
		f                   Fields
		tools               indexedTools
		requestType         string
		entityIn, entityOut Any
		oldPrompts          = indexedMessages{jsonContent: true}
		oldCompletions      indexedMessages
	)
	readGenAIWith(span, rec, &f, openLLMetryKeys, func(k string, v pcommon.Value) {
		switch {
		case k == "traceloop.entity.input":
			entityIn = Some(v)
		case k == "traceloop.entity.output":
			entityOut = Some(v)
		case k == "llm.request.type":
			requestType = scalarString(v)
		case strings.HasPrefix(k, openLLMetryFunctions):
			tools.put(k[len(openLLMetryFunctions):], v)
		case strings.HasPrefix(k, openLLMetryOldPrompts):
			oldPrompts.put(k[len(openLLMetryOldPrompts):], v)
		case strings.HasPrefix(k, openLLMetryOldCompletions):
			oldCompletions.put(k[len(openLLMetryOldCompletions):], v)
		}
	})
	if len(rec.Input.Messages) == 0 && !rec.Input.Value.Set {
		rec.Input.Messages = append(rec.Input.Messages, oldPrompts.messages()...)
	}
	if len(rec.Output.Messages) == 0 && !rec.Output.Value.Set {
		rec.Output.Messages = append(rec.Output.Messages, oldCompletions.messages()...)
	}
	// A flattened reply's content may be the dump of a structured one (see dumpedContent).
	dumps := dumpingProviders[lower(rec.Provider)]
	for i := range rec.Output.Messages {
		m := &rec.Output.Messages[i]
		if (dumps || len(m.ToolCalls) > 0) && !f.Has(FieldOutput) && len(m.Parts) == 1 && !m.Parts[0].Value.Set {
			m.Parts = dumpedContent(m.Parts[0])
		}
	}
	if bedrockProviders[lower(rec.Provider)] {
		rec.Input.Messages = bedrockDumps(rec.Input.Messages)
		rec.Output.Messages = bedrockDumps(rec.Output.Messages)
	}
	// Older Anthropic instrumentations, and the LangChain one over Anthropic models, dump a
	// message's content blocks, tool_use blocks beside the message's tool_calls.M.*; the JS
	// Anthropic instrumentation's replies hold their tool_use blocks only there.
	rec.Input.Messages = anthropicBlocks(rec.Input.Messages)
	rec.Output.Messages = anthropicBlocks(rec.Output.Messages)
	if t, ok := openLLMetryKinds[lower(f.Str(FieldOperation))]; ok {
		rec.SpanType = t
	} else if t, ok := openLLMetryRequestTypes[requestType]; ok && !f.Has(FieldOperation) {
		rec.SpanType = t // outranks GenAI's guesses from the keys present, not its operation name
		if span.Name() == openLLMetryAnthropicChat {
			rec.SpanType = mlflow.SpanTypeChatModel
		}
	}
	// The decorators' {"args":[...],"kwargs":{...}} and return value are the entity's own I/O.
	if entityIn.Set {
		rec.Input = Payload{Messages: rec.Input.Messages[:0], Value: entityIn}
	}
	if entityOut.Set {
		rec.Output = Payload{Messages: rec.Output.Messages[:0], Value: entityOut}
	}
	if len(rec.Tools) == 0 {
		rec.Tools = tools.appendTo(rec.Tools)
	}
}

// dumpingProviders are the providers whose flattened replies OpenLLMetry may write as the JSON
// text of their content blocks: Anthropic's (JS), and Bedrock's ("AWS"), which writes an
// Anthropic model's reply as json.dumps(response_body["content"]).
var dumpingProviders = map[string]bool{"anthropic": true, "aws": true}

// dumpedContent reads the content of a flattened reply that has tool calls or comes from one of
// the dumpingProviders, where OpenLLMetry may have written the JSON text of a structured
// content: the LangChain instrumentation writes a reply without text as
// json.dumps(message.content) ("\"\"" for an empty string), the JS Anthropic one every reply as
// JSON.stringify(result.content), the Bedrock one an Anthropic model's as json.dumps(content).
// A list of content blocks is read as parts, "\"\"" as none; any other text is the reply's
// text. Elsewhere a reply's JSON text is the model's answer, and stays text.
func dumpedContent(p Part) []Part {
	switch text := p.decoded(); {
	case text == `""`:
		return nil
	case isPartList(text):
		return jsonContentParts(pcommon.NewValueStr(text))
	}
	return []Part{p}
}

// bedrockProviders name Bedrock in OpenLLMetry's Bedrock instrumentation ("AWS"), and in the
// GenAI conventions.
var bedrockProviders = map[string]bool{"aws": true, "aws.bedrock": true}

// bedrockDumps reads the messages whose content OpenLLMetry's Bedrock instrumentation wrote as
// json.dumps of the request's or the reply's content (span_utils.py: the flattened
// gen_ai.prompt.N.content of older releases, the {role, content} items of gen_ai.input.messages
// and gen_ai.output.messages of the first releases that wrote them): a string's JSON text is
// that string; Anthropic content blocks are parts (anthropicBlocks reads their tool_use and
// tool_result blocks); Converse content blocks ({text}, {toolUse}, {toolResult}, ...) are read
// as Strands reads them; a list of strings (a Converse reply's texts) is their text parts.
// Other content stays as it is. msgs is returned as it is when nothing was dumped.
func bedrockDumps(msgs []Message) []Message {
	var out []Message
	for i, m := range msgs {
		read, ok := bedrockDump(m)
		if ok && out == nil {
			out = append(make([]Message, 0, len(msgs)+len(read)), msgs[:i]...)
		}
		switch {
		case ok:
			out = append(out, read...)
		case out != nil:
			out = append(out, m)
		}
	}
	if out == nil {
		return msgs
	}
	return out
}

// bedrockDump reads one message whose only part is dumped content; ok is false for any other.
func bedrockDump(m Message) (_ []Message, ok bool) {
	if len(m.Parts) != 1 || m.Parts[0].Value.Set {
		return nil, false
	}
	text := m.Parts[0].decoded()
	if sc := anyjson.NewScanner(text); sc.Peek() != '"' && sc.Peek() != '[' {
		return nil, false // not worth parsing
	}
	v, ok := anyjson.Parse(text)
	if !ok {
		return nil, false
	}
	switch {
	case v.Type() == pcommon.ValueTypeStr:
		m.Parts = []Part{{Text: v.Str()}}
	case v.Type() != pcommon.ValueTypeSlice || v.Slice().Len() == 0:
		return nil, false
	case isPartList(text):
		m.Parts = contentParts(Some(v))
	case strandsBlockList(v.Slice()):
		return appendStrandsMessageGeneral(nil, m.Role, v), true
	case isStringList(v.Slice()):
		m.Parts = contentPartsOfStrings(v.Slice())
	default:
		return nil, false
	}
	return []Message{m}, true
}

func isStringList(s pcommon.Slice) bool {
	for _, v := range s.All() {
		if v.Type() != pcommon.ValueTypeStr {
			return false
		}
	}
	return true
}

func contentPartsOfStrings(s pcommon.Slice) []Part {
	parts := make([]Part, 0, s.Len())
	for _, v := range s.All() {
		parts = append(parts, Part{Text: v.Str()})
	}
	return parts
}
