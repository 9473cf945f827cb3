package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// openLLMetry reads OpenLLMetry (Traceloop): its instrumentations write GenAI keys (the current
// gen_ai.input.messages form since 0.5x, indexed gen_ai.prompt.N.* before), plus keys of their
// own; the Traceloop SDK's decorators write traceloop.span.kind and traceloop.entity.*.
// Recorded from opentelemetry-instrumentation-openai and -anthropic 0.62.4, whose input token
// counts include cache reads and writes (the Anthropic one adds them to Anthropic's count).
var openLLMetry = Dialect{
	Name:       "openllmetry",
	Scopes:     []string{"opentelemetry.instrumentation.openai.v1", "opentelemetry.instrumentation.anthropic"},
	Namespaces: []string{"traceloop", "llm"},
	Read:       readOpenLLMetry,
}

var openLLMetryKeys = withKeys(genAIKeys, Keys{
	"traceloop.span.kind":                         {FieldOperation, 0},
	"gen_ai.operation.name":                       {FieldOperation, 1},
	"llm.usage.total_tokens":                      {FieldTotalTokens, 1},
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

const openLLMetryFunctions = "llm.request.functions."

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
		}
	})
	// A flattened reply's content may be the dump of a structured one (see dumpedContent).
	dumps := dumpingProviders[lower(rec.Provider)]
	for i := range rec.Output.Messages {
		m := &rec.Output.Messages[i]
		if (dumps || len(m.ToolCalls) > 0) && !f.Has(FieldOutput) && len(m.Parts) == 1 && !m.Parts[0].Value.Set {
			m.Parts = dumpedContent(m.Parts[0])
		}
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
