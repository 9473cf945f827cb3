package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// voltAgent reads VoltAgent's own observability (VoltAgentObservability): tracer
// "@voltagent/core" since 1.x (its instrumentationScopeName option can rename it), "voltagent-core"
// before. Every span of an agent run carries the run's entity.type "agent" (entity.id,
// entity.name, user.id, conversation.id, operation.id); child spans add span.type (llm, tool,
// memory, retriever, embedding, guardrail, ...), which wins. Input and output are in input and
// output (text, or JSON text); an agent span also holds its prompt in agent.messages and an LLM
// span its prompt in llm.messages, as AI SDK model messages. One LLM span wraps a whole
// generateText or streamText call, all of its steps, and holds no reply: VoltAgent does not
// record one.
var voltAgent = Dialect{
	Name:          "voltagent",
	Scopes:        []string{"@voltagent/core", "voltagent-core"},
	ScopePrefixes: []string{"@voltagent/"},
	Namespaces:    []string{"voltagent"},
	Read:          readVoltAgent,
}

var voltAgentTypes = map[string]string{
	"agent":         mlflow.SpanTypeAgent,
	"llm":           mlflow.SpanTypeLLM,
	"tool":          mlflow.SpanTypeTool,
	"memory":        mlflow.SpanTypeMemory,
	"retriever":     mlflow.SpanTypeRetriever,
	"vector":        mlflow.SpanTypeRetriever, // a memory's vector search
	"embedding":     mlflow.SpanTypeEmbedding,
	"guardrail":     mlflow.SpanTypeGuardrail,
	"scorer":        mlflow.SpanTypeEvaluator,
	"workflow":      mlflow.SpanTypeChain,
	"workflow-step": mlflow.SpanTypeChain,
}

// voltAgentKeys: an agent span's usage.* are its run's totals over every step, an LLM span's
// llm.usage.* those of its call's last step (the AI SDK's usage, not totalUsage). The model and
// provider are llm.model / llm.provider on LLM spans and ai.model.name / ai.model.provider on
// agent spans; VoltAgent writes a provider only for a model id given as "provider/model".
var voltAgentKeys = withKeys(genAIKeys, Keys{
	"usage.prompt_tokens":         {FieldInputTokens, 2},
	"llm.usage.prompt_tokens":     {FieldInputTokens, 3},
	"usage.completion_tokens":     {FieldOutputTokens, 2},
	"llm.usage.completion_tokens": {FieldOutputTokens, 3},
	"usage.total_tokens":          {FieldTotalTokens, 2},
	"llm.usage.total_tokens":      {FieldTotalTokens, 3},
	"usage.cached_tokens":         {FieldCacheReadTokens, 2},
	"llm.usage.cached_tokens":     {FieldCacheReadTokens, 3},
	"llm.model":                   {FieldModel, 2},
	"ai.model.name":               {FieldModel, 3},
	"llm.provider":                {FieldProvider, 2},
	"ai.model.provider":           {FieldProvider, 3},
	"voltagent.conversation_id":   {FieldSessionID, 1},
	"conversation.id":             {FieldSessionID, 2},
})

type voltAgentSpan struct {
	spanType, entityType       string
	agentMessages, llmMessages Any
	input, output, tools       Any
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
	case "llm.tools":
		s.tools = Some(v)
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
	} else if t, ok := voltAgentTypes[s.entityType]; ok && s.spanType == "" {
		rec.SpanType = t
	}
	// "openai/gpt-4o-mini", VoltAgent's model id, names the provider too.
	if p, m, ok := strings.Cut(rec.Model, "/"); ok && lower(p) == rec.Provider {
		rec.Model = m
	}
	if len(rec.Input.Messages) == 0 && !rec.Input.Value.Set {
		rec.Input = voltAgentInput(rec, &s)
	}
	if len(rec.Output.Messages) == 0 && !rec.Output.Value.Set {
		rec.Output.Value = s.output
	}
	if len(rec.Tools) == 0 && s.tools.Set {
		rec.Tools = voltAgentTools(rec.Tools, s.tools)
	}
}

// voltAgentInput picks a span's input. An agent span's input is what the run was asked: its
// text, else (messages, which VoltAgent writes as JSON text) the prompt the run built,
// agent.messages, which holds them as model messages after the system prompt and the
// conversation's history. An LLM span's input is its prompt, llm.messages. Any other input is
// passed on.
func voltAgentInput(rec *Record, s *voltAgentSpan) Payload {
	buf := rec.Input.Messages
	if rec.SpanType == mlflow.SpanTypeAgent && s.input.Set {
		if _, messages := mapList(s.input.Value); !messages || !s.agentMessages.Set {
			return Payload{Messages: buf, Value: s.input}
		}
	}
	if msgs := firstSet(s.agentMessages, s.llmMessages); msgs.Set {
		return vercelPayload(buf, msgs.Value)
	}
	return Payload{Messages: buf, Value: s.input}
}

// voltAgentTools reads llm.tools, the names of the tools offered, comma-separated: VoltAgent
// records no descriptions or schemas on LLM spans.
func voltAgentTools(tools []Tool, v Any) []Tool {
	names := scalarString(v.Value)
	for name := range strings.SplitSeq(names, ",") {
		if name = strings.TrimSpace(name); name != "" {
			tools = append(tools, Tool{Name: name})
		}
	}
	return tools
}
