package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// springAI reads Spring AI's observations (spring-ai-docs observability/index.adoc): GenAI
// keys plus spring.ai.kind on ChatClient, advisor, tool and vector store spans (whose
// gen_ai.system "spring_ai" is the framework, dropped as provider), tool calls in
// spring.ai.tool.call.{arguments,result} (with spring.ai.tools.observations.include-content),
// the names of the tools offered to a chat model in spring.ai.model.request.tool.names, the
// session in spring.ai.chat.client.conversation.id, and prompt and completion content in
// gen_ai.prompt / gen_ai.completion attributes or gen_ai.content.* events, as earlier
// documentation has them: Spring AI 1.1 writes no chat content on spans, its log-prompt and
// log-completion options log it. Chat model spans that carry no spring.ai.* key are read by
// genai.
var springAI = Dialect{
	Name:       "spring_ai",
	Namespaces: []string{"spring"},
	Read:       readSpringAI,
}

var springAIKeys = withKeys(genAIKeys, Keys{
	"spring.ai.tool.call.arguments":  {FieldToolArguments, 1},
	"spring.ai.tool.call.result":     {FieldToolResult, 1},
	"spring.ai.tool.definition.name": {FieldToolName, 1},
	// Only names, ["get_weather"]: read by springAITools when no definitions are found.
	"spring.ai.model.request.tool.names": {FieldToolDefinitions, 1},
	// The chat memory's conversation id, on ChatClient spans of calls that pass one.
	"spring.ai.chat.client.conversation.id": {FieldSessionID, 1},
})

var springAIKinds = map[string]string{
	"chat_client":  mlflow.SpanTypeChain,
	"advisor":      mlflow.SpanTypeChain,
	"tool_call":    mlflow.SpanTypeTool,
	"vector_store": mlflow.SpanTypeRetriever,
}

var springAIOps = map[string]string{
	"framework": mlflow.SpanTypeChain,
}

type springAISpan struct {
	kind               string
	prompt, completion Any
}

func (s *springAISpan) put(k string, v pcommon.Value) {
	switch k {
	case "spring.ai.kind":
		s.kind = scalarString(v)
	case "gen_ai.prompt":
		s.prompt = Some(v)
	case "gen_ai.completion":
		s.completion = Some(v)
	}
}

func readSpringAI(span ptrace.Span, rec *Record) {
	var (
		f Fields
		s springAISpan
	)
	readGenAIWith(span, rec, &f, springAIKeys, s.put)
	if t, ok := springAIKinds[s.kind]; ok {
		rec.SpanType = t
	} else if t, ok := springAIOps[f.Str(FieldOperation)]; ok {
		rec.SpanType = t
	}
	if len(rec.Tools) == 0 {
		rec.Tools = springAITools(rec.Tools, f.Any(FieldToolDefinitions))
	}
	prompt, completion := legacyContentEvents(span)
	if s.prompt.Set {
		prompt = s.prompt
	}
	if s.completion.Set {
		completion = s.completion
	}
	if prompt.Set && len(rec.Input.Messages) == 0 && !rec.Input.Value.Set {
		rec.Input = openAIPayload(rec.Input.Messages, prompt.Value, &rec.arena)
	}
	if completion.Set && len(rec.Output.Messages) == 0 && !rec.Output.Value.Set {
		rec.Output = openAIPayload(rec.Output.Messages, completion.Value, &rec.arena)
	}
}

// springAITools reads a list of tool names, as a string array or its JSON text, into
// definitions that hold only the name.
func springAITools(tools []Tool, names Any) []Tool {
	if !names.Set {
		return tools
	}
	v := anyjson.Value(names.Value)
	if v.Type() != pcommon.ValueTypeSlice {
		return tools
	}
	for _, n := range v.Slice().All() {
		if name := scalarString(n); name != "" {
			tools = append(tools, Tool{Name: name})
		}
	}
	return tools
}
