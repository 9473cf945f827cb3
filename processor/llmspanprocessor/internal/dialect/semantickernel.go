package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// semanticKernel reads Microsoft Semantic Kernel's model diagnostics: GenAI, plus the forms of
// its older releases: operations chat.completions and text.completions, usage in
// gen_ai.response.{prompt,completion}_tokens, and messages as OpenAI chat JSON in the
// gen_ai.content.prompt / gen_ai.content.completion events. Its current .NET ModelDiagnostics
// writes one event per message, named by role (gen_ai.{system,user,assistant,tool}.message),
// and one gen_ai.choice per choice, each holding the message as JSON in gen_ai.event.content,
// and the choices' finish reasons in gen_ai.response.finish_reason (singular, a JSON list with
// "N/A" for a choice without one). The Python SDK names a tracer per module
// (semantic_kernel.functions.kernel_function, ...); it writes the chat messages of model calls
// as log records, not on the spans, so its chat spans carry no content.
var semanticKernel = Dialect{
	Name:          "semantic_kernel",
	Scopes:        []string{"Microsoft.SemanticKernel.Diagnostics", "Microsoft.SemanticKernel"},
	ScopePrefixes: []string{"semantic_kernel."},
	Read:          readSemanticKernel,
}

var semanticKernelKeys = withKeys(genAIKeys, Keys{
	"gen_ai.response.prompt_tokens":     {FieldInputTokens, 2},
	"gen_ai.response.completion_tokens": {FieldOutputTokens, 2},
	"gen_ai.response.finish_reason":     {FieldFinishReasons, 1},
})

var semanticKernelOps = map[string]string{
	"chat.completions": mlflow.SpanTypeChatModel,
	"text.completions": mlflow.SpanTypeLLM,
	"text_completions": mlflow.SpanTypeLLM, // Python's current name; GenAI says text_completion
}

// semanticKernelLoop is the Python SDK's span around automatic function calling: the model
// calls and tool calls of one request. It has no gen_ai.operation.name.
const semanticKernelLoop = "AutoFunctionInvocationLoop"

// semanticKernelEventContent holds an event's message as JSON in the .NET SDK's events.
const semanticKernelEventContent = "gen_ai.event.content"

func readSemanticKernel(span ptrace.Span, rec *Record) {
	var f Fields
	readGenAIEvents(span, rec, &f, semanticKernelKeys, nil, &semanticKernelEvents)
	for i := range rec.Output.Messages {
		if m := &rec.Output.Messages[i]; m.FinishReason == "N/A" { // what gen_ai.response.finish_reason says of none
			m.FinishReason = ""
		}
	}
	if t, ok := semanticKernelOps[f.Str(FieldOperation)]; ok {
		rec.SpanType = t
	}
	if rec.SpanType == "" && span.Name() == semanticKernelLoop {
		rec.SpanType = mlflow.SpanTypeChain
	}
	prompt, completion := legacyContentEvents(span)
	if prompt.Set && len(rec.Input.Messages) == 0 && !rec.Input.Value.Set {
		rec.Input = openAIPayload(rec.Input.Messages, prompt.Value, &rec.arena)
	}
	if completion.Set && len(rec.Output.Messages) == 0 && !rec.Output.Value.Set {
		rec.Output = openAIPayload(rec.Output.Messages, completion.Value, &rec.arena)
	}
}

// semanticKernelEvents read the .NET SDK's message and choice events from their
// gen_ai.event.content, where it puts the message that genai looks for in the events' own
// attributes; events without one are read as genai reads them.
var semanticKernelEvents = eventReaders{message: semanticKernelMessage, choice: semanticKernelChoice}

// semanticKernelMessage reads a message event's content: {role, content, tool_calls} as JSON,
// or, for a text completion, the prompt itself.
func semanticKernelMessage(attrs pcommon.Map, role string) Message {
	content, ok := attrs.Get(semanticKernelEventContent)
	if !ok {
		return eventMessage(attrs, role)
	}
	if m := anyjson.Value(content); m.Type() == pcommon.ValueTypeMap && str(m.Map(), "role") != "" {
		return eventMessage(m.Map(), role)
	}
	return Message{Role: role, Parts: contentParts(Some(content))}
}

// semanticKernelChoice reads a gen_ai.choice event's content, {index, message, tool_calls,
// finish_reason}, as genai reads those members on the event itself; message is the reply's
// text for a text completion.
func semanticKernelChoice(attrs pcommon.Map) Message {
	content, ok := attrs.Get(semanticKernelEventContent)
	if !ok {
		return choiceMessage(attrs)
	}
	if m := anyjson.Value(content); m.Type() == pcommon.ValueTypeMap {
		if _, ok := m.Map().Get("message"); ok {
			return choiceMessage(m.Map())
		}
	}
	return Message{Role: "assistant", Parts: contentParts(Some(content))}
}
