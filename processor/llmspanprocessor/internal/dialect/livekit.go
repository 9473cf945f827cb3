package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// liveKit reads LiveKit Agents (tracer "livekit-agents"): lk.* keys on agent, LLM, tool and
// speech spans, plus GenAI keys and message events. Since 1.8 the keys that hold user data
// carry a pii segment (lk.pii.user_input for lk.user_input); both forms are read. GenAI messages, when present, are
// written as chat messages; else the lk.* input and output values are passed on in LiveKit's
// own shape, with mlflow.message.format "livekit" as MLflow's translator sets it.
var liveKit = Dialect{
	Name:       "livekit",
	Scopes:     []string{"livekit-agents"},
	Namespaces: []string{"lk"},
	Read:       readLiveKit,
}

const liveKitFormat = "livekit"

// liveKitNames types spans by name where their keys do not.
var liveKitNames = map[string]string{
	"agent_turn":           mlflow.SpanTypeAgent,
	"start_agent_activity": mlflow.SpanTypeAgent,
	"function_tool":        mlflow.SpanTypeTool,
}

var liveKitKeys = withKeys(genAIKeys, Keys{
	"lk.function_tool.name":          {FieldToolName, 1},
	"lk.function_tool.arguments":     {FieldToolArguments, 1},
	"lk.pii.function_tool.arguments": {FieldToolArguments, 1},
	"lk.function_tool.output":        {FieldToolResult, 1},
	"lk.pii.function_tool.output":    {FieldToolResult, 1},
	"lk.agent_name":                  {FieldAgentName, 1},
})

type liveKitSpan struct {
	userInput, transcript, chatCtx, inputText, responseText, functionCalls Any
	llm, tool, agent                                                       bool
}

func (s *liveKitSpan) put(k string, v pcommon.Value) {
	switch k {
	case "lk.user_input", "lk.pii.user_input":
		s.userInput = Some(v)
	case "lk.user_transcript", "lk.pii.user_transcript":
		s.transcript = Some(v)
	case "lk.chat_ctx", "lk.pii.chat_ctx":
		s.chatCtx = Some(v)
	case "lk.input_text", "lk.pii.input_text":
		s.inputText = Some(v)
	case "lk.response.text", "lk.pii.response.text":
		if v.Type() != pcommon.ValueTypeStr || v.Str() != "" { // "" when the reply is tool calls
			s.responseText = Some(v)
		}
	case "lk.response.function_calls", "lk.pii.response.function_calls":
		s.functionCalls = Some(v)
	case "lk.retry_count":
		s.llm = true
	case "lk.function_tool.id":
		s.tool = true
	case "lk.instructions", "lk.pii.instructions", "lk.generation_id":
		s.agent = true
	}
}

func readLiveKit(span ptrace.Span, rec *Record) {
	var (
		f Fields
		s liveKitSpan
	)
	readGenAIWith(span, rec, &f, liveKitKeys, s.put)
	// MLflow's LiveKit rules: an operation name first, then the keys, then the span name.
	if _, ok := genAIOperations.Get(f.Str(FieldOperation)); !ok {
		switch {
		case s.llm:
			rec.SpanType = mlflow.SpanTypeLLM
		case s.tool || f.Has(FieldToolName):
			rec.SpanType = mlflow.SpanTypeTool
		case s.agent || f.Has(FieldAgentName):
			rec.SpanType = mlflow.SpanTypeAgent
		default:
			if t, ok := liveKitNames[span.Name()]; ok {
				rec.SpanType = t
			}
		}
	}
	native := false
	if in := firstSet(s.userInput, s.transcript, s.chatCtx, s.inputText); in.Set && len(rec.Input.Messages) == 0 && !rec.Input.Value.Set {
		rec.Input.Value, native = in, true
	}
	if out := firstSet(s.responseText, s.functionCalls); out.Set && len(rec.Output.Messages) == 0 && !rec.Output.Value.Set {
		rec.Output.Value, native = out, true
	}
	if native {
		rec.MessageFormat = liveKitFormat
	}
}
