package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

func voltAgentRecord(t *testing.T, attrs map[string]any) Record {
	t.Helper()
	return readSpan(t, readVoltAgent, attrs)
}

// VoltAgent's agent spans carry ai.model.name, a key of vercel_ai's namespace: its scope must
// win, for both the current and the historical tracer name.
func TestVoltAgentDetected(t *testing.T) {
	d := NewDetector(All)
	attrs := ptrace.NewSpan().Attributes()
	require.NoError(t, attrs.FromRaw(map[string]any{"entity.type": "agent", "ai.model.name": "gpt-4o-mini"}))
	for _, scope := range []string{"@voltagent/core", "voltagent-core", "@voltagent/other"} {
		i, ok := d.Detect(d.ScopeMask(scope), attrs)
		require.True(t, ok, scope)
		assert.Equal(t, "voltagent", All[i].Name, scope)
	}
	i, _ := d.Detect(d.ScopeMask("ai"), attrs)
	assert.Equal(t, "vercel_ai", All[i].Name, "the AI SDK's own spans stay vercel_ai's")
}

func TestVoltAgentSpanType(t *testing.T) {
	tests := []struct {
		name  string
		attrs map[string]any
		want  string
	}{
		{"agent run", map[string]any{"entity.type": "agent"}, mlflow.SpanTypeAgent},
		{"child of an agent run", map[string]any{"entity.type": "agent", "span.type": "tool"}, mlflow.SpanTypeTool},
		// A child span of a type without an MLflow counterpart is no agent for its entity.type.
		{"unknown child", map[string]any{"entity.type": "agent", "span.type": "middleware"}, ""},
		{"workflow", map[string]any{"entity.type": "workflow"}, mlflow.SpanTypeChain},
		{"guardrail", map[string]any{"entity.type": "agent", "span.type": "guardrail"}, mlflow.SpanTypeGuardrail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, voltAgentRecord(t, tt.attrs).SpanType)
		})
	}
}

func TestVoltAgentInput(t *testing.T) {
	messages := `[{"role":"system","content":"Be terse."},{"role":"user","content":[{"type":"text","text":"Hi"}]}]`

	rec := voltAgentRecord(t, map[string]any{"entity.type": "agent", "input": "Hi", "agent.messages": messages})
	assert.Empty(t, rec.Input.Messages, "an agent's input is what it was asked")
	assert.Equal(t, "Hi", rec.Input.Value.Str())

	rec = voltAgentRecord(t, map[string]any{"entity.type": "agent", "input": "[urgent] Hi", "agent.messages": messages})
	assert.Equal(t, "[urgent] Hi", rec.Input.Value.Str(), "text that only looks like JSON")

	// Asked with a message list (UI messages here), the run's model messages stand for it.
	rec = voltAgentRecord(t, map[string]any{"entity.type": "agent", "agent.messages": messages,
		"input": `[{"id":"1","role":"user","parts":[{"type":"text","text":"Hi"}]}]`})
	require.Len(t, rec.Input.Messages, 2)
	assert.Equal(t, "Hi", rec.Input.Messages[1].Parts[0].Text)

	rec = voltAgentRecord(t, map[string]any{"entity.type": "agent", "span.type": "llm", "input": "ignored",
		"llm.messages": `[{"role":"assistant","content":[{"type":"tool-call","toolCallId":"c1","toolName":"f","input":{"x":1}}]},` +
			`{"role":"tool","content":[{"type":"tool-result","toolCallId":"c1","toolName":"f","output":{"type":"json","value":{"y":2}}}]}]`})
	require.Len(t, rec.Input.Messages, 2)
	assert.Equal(t, "f", rec.Input.Messages[0].ToolCalls[0].Name)
	assert.Equal(t, "c1", rec.Input.Messages[1].ToolCallID)

	rec = voltAgentRecord(t, map[string]any{"span.type": "tool", "input": `{"city":"Paris"}`, "output": `{"sky":"sunny"}`})
	assert.Equal(t, `{"city":"Paris"}`, rec.Input.Value.Str())
	assert.Equal(t, `{"sky":"sunny"}`, rec.Output.Value.Str())
}

func TestVoltAgentModelAndTools(t *testing.T) {
	rec := voltAgentRecord(t, map[string]any{"span.type": "llm", "llm.model": "openai/gpt-4o", "llm.provider": "openai",
		"llm.tools": "get_weather, search", "llm.usage.prompt_tokens": 10, "llm.usage.completion_tokens": 2,
		"llm.usage.cached_tokens": 4})
	assert.Equal(t, "gpt-4o", rec.Model)
	assert.Equal(t, "openai", rec.Provider)
	assert.Equal(t, []Tool{{Name: "get_weather"}, {Name: "search"}}, rec.Tools)
	assert.Equal(t, Usage{Input: Count{10, true}, Output: Count{2, true}, CacheRead: Count{4, true}}, rec.Usage)

	// A slash that names no provider stays in the model.
	rec = voltAgentRecord(t, map[string]any{"entity.type": "agent", "ai.model.name": "meta/llama-3"})
	assert.Equal(t, "meta/llama-3", rec.Model)

	rec = voltAgentRecord(t, map[string]any{"entity.type": "agent", "conversation.id": "c-1"})
	assert.Equal(t, "c-1", rec.SessionID)
}
