package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// voltAgent reads VoltAgent's traces (tracer "voltagent-core"; voltagent.operation_id and
// voltagent.conversation_id on agent spans): span.type on child spans and entity.type on
// agent spans, messages as OpenAI chat JSON in agent.messages or llm.messages, other values in
// input and output, and usage in usage.* or llm.usage.*.
var voltAgent = Dialect{
	Name:       "voltagent",
	Scopes:     []string{"voltagent-core"},
	Namespaces: []string{"voltagent"},
	Read:       readVoltAgent,
}

var voltAgentTypes = map[string]string{
	"agent":  mlflow.SpanTypeAgent,
	"llm":    mlflow.SpanTypeLLM,
	"tool":   mlflow.SpanTypeTool,
	"memory": mlflow.SpanTypeMemory,
}

var voltAgentKeys = withKeys(genAIKeys, Keys{
	"usage.prompt_tokens":         {FieldInputTokens, 2},
	"llm.usage.prompt_tokens":     {FieldInputTokens, 3},
	"usage.completion_tokens":     {FieldOutputTokens, 2},
	"llm.usage.completion_tokens": {FieldOutputTokens, 3},
	"usage.total_tokens":          {FieldTotalTokens, 2},
	"llm.usage.total_tokens":      {FieldTotalTokens, 3},
	"voltagent.conversation_id":   {FieldSessionID, 1},
})

type voltAgentSpan struct {
	spanType, entityType       string
	agentMessages, llmMessages Any
	input, output              Any
}

func (s *voltAgentSpan) put(k string, v pcommon.Value) {
	switch k {
	case "span.type":
		s.spanType = scalarString(v)
	case "entity.type":
		s.entityType = scalarString(v)
	case "agent.messages":
		s.agentMessages = Some(v)
	case "llm.messages":
		s.llmMessages = Some(v)
	case "input":
		s.input = Some(v)
	case "output":
		s.output = Some(v)
	}
}

func readVoltAgent(span ptrace.Span, rec *Record) {
	var (
		f Fields
		s voltAgentSpan
	)
	readGenAIWith(span, rec, &f, voltAgentKeys, s.put)
	if t, ok := voltAgentTypes[s.spanType]; ok {
		rec.SpanType = t
	} else if t, ok := voltAgentTypes[s.entityType]; ok {
		rec.SpanType = t
	}
	if len(rec.Input.Messages) == 0 && !rec.Input.Value.Set {
		if in := firstSet(s.agentMessages, s.llmMessages, s.input); in.Set {
			rec.Input = openAIPayload(rec.Input.Messages, in.Value)
		}
	}
	if len(rec.Output.Messages) == 0 && !rec.Output.Value.Set {
		rec.Output.Value = s.output
	}
}
