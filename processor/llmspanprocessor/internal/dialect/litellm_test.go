package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestLiteLLMRead(t *testing.T) {
	const (
		userMsg  = `{"role": "user", "parts": [{"type": "text", "content": "Weather?"}]}`
		callMsg  = `{"role": "assistant", "parts": [{"type": "text", "content": ""}], "tool_calls": [{"function": {"arguments": "{\"city\": \"Paris\"}", "name": "get_weather"}, "id": "call_1", "type": "function"}]}`
		toolMsg  = `{"role": "tool", "parts": [{"type": "text", "content": "sunny"}], "tool_call_id": "call_1"}`
		toolCall = `{"city": "Paris"}`
	)
	user := []any{"user", "", "", "", []any{[]any{"Weather?", "<unset>"}}, []any(nil)}
	call := []any{"assistant", "", "", "", []any(nil), []any{[]any{"call_1", "get_weather", toolCall}}}
	tool := []any{"tool", "", "call_1", "", []any{[]any{"sunny", "<unset>"}}, []any(nil)}
	tests := []struct {
		name          string
		attrs         map[string]any
		input, output []any
		provider      string
		cost          Cost
	}{
		{
			name:  "OpenAI tool fields beside the parts",
			attrs: map[string]any{"gen_ai.input.messages": "[" + userMsg + ", " + callMsg + ", " + toolMsg + "]"},
			input: []any{user, call, tool},
		},
		{
			name: "after a system message from gen_ai.system_instructions",
			attrs: map[string]any{
				"gen_ai.system_instructions": "Be terse.",
				"gen_ai.input.messages":      "[" + callMsg + ", " + toolMsg + "]",
			},
			input: []any{[]any{"system", "", "", "", []any{[]any{"Be terse.", "<unset>"}}, []any(nil)}, call, tool},
		},
		{
			name: "a reply's calls, flattened without ids",
			attrs: map[string]any{
				"gen_ai.output.messages":                      `[{"role": "assistant", "parts": [], "finish_reason": "tool_calls"}]`,
				"gen_ai.completion.0.function_call.name":      "get_weather",
				"gen_ai.completion.0.function_call.arguments": toolCall,
				"gen_ai.completion.1.function_call.name":      "get_time",
			},
			output: []any{[]any{"assistant", "", "", "tool_calls", []any(nil), []any{
				[]any{"", "get_weather", toolCall}, []any{"", "get_time", "<unset>"}}}},
		},
		{
			name:     "provider from the model's LiteLLM prefix when gen_ai.system is empty",
			attrs:    map[string]any{"gen_ai.system": "", "litellm.provider.model": "openai/text-embedding-3-small"},
			provider: "openai",
		},
		{
			name:  "a model name's own slash is no provider",
			attrs: map[string]any{"litellm.provider.model": "meta-llama/Llama-3-8B"},
		},
		{
			name:     "gen_ai.system wins",
			attrs:    map[string]any{"gen_ai.system": "azure", "litellm.provider.model": "openai/gpt-4o"},
			provider: "azure",
		},
		{
			name:  "cost",
			attrs: map[string]any{"gen_ai.cost.input_cost": 0.25, "gen_ai.cost.output_cost": 0.5, "gen_ai.cost.total_cost": 0.75},
			cost:  Cost{Input: 0.25, Output: 0.5, Total: 0.75, Set: true},
		},
		{
			name:  "cost without a total",
			attrs: map[string]any{"gen_ai.cost.input_cost": 0.25, "gen_ai.cost.output_cost": 0.5},
			cost:  Cost{Input: 0.25, Output: 0.5, Total: 0.75, Set: true},
		},
		{
			name:  "no price is no cost",
			attrs: map[string]any{"gen_ai.cost.input_cost": 0.0, "gen_ai.cost.total_cost": 0.0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			span := ptrace.NewSpan()
			span.SetName("litellm_request")
			assert.NoError(t, span.Attributes().FromRaw(tt.attrs))
			var rec Record
			readLiteLLM(span, &rec)
			if tt.input != nil {
				assert.Equal(t, tt.input, dump(rec.Input.Messages))
			}
			if tt.output != nil {
				assert.Equal(t, tt.output, dump(rec.Output.Messages))
			}
			assert.Equal(t, tt.provider, rec.Provider)
			assert.Equal(t, tt.cost, rec.Cost)
		})
	}
}

// The raw request span repeats the call: it is not read.
func TestLiteLLMRawRequest(t *testing.T) {
	span := ptrace.NewSpan()
	span.SetName("raw_gen_ai_request")
	span.Attributes().PutStr("gen_ai.cost.total_cost", "1")
	span.Attributes().PutStr("llm.openai.model", "gpt-4o")
	var rec Record
	readLiteLLM(span, &rec)
	assert.Equal(t, Record{}, rec)
}

func TestLiteLLMProvider(t *testing.T) {
	for model, want := range map[string]string{
		"openai/gpt-4o-mini":          "openai",
		"Anthropic/claude-sonnet-4-5": "anthropic",
		"gemini-2.0-flash":            "",
		"meta-llama/Llama-3-8b":       "",
		"":                            "",
	} {
		if got := liteLLMProvider(model); got != want {
			t.Errorf("liteLLMProvider(%q) = %q, want %q", model, got, want)
		}
	}
}

func TestLiteLLMCacheCounts(t *testing.T) {
	for _, tt := range []struct {
		name, usage         string
		cacheRead, creation Count
	}{
		{"openai", "{'completion_tokens': 7, 'prompt_tokens': 15, 'total_tokens': 22, 'prompt_tokens_details': {'audio_tokens': 0, 'cached_tokens': 2}}",
			Count{N: 2, Set: true}, Count{}},
		{"anthropic", "{'prompt_tokens': 1200, 'prompt_tokens_details': {'cached_tokens': 1000}, 'cache_creation_input_tokens': 150, 'cache_read_input_tokens': 1000}",
			Count{N: 1000, Set: true}, Count{N: 150, Set: true}},
		{"none", "{'prompt_tokens': 15, 'prompt_tokens_details': {'cached_tokens': None}}", Count{}, Count{}},
		{"no details", "{'prompt_tokens': 15}", Count{}, Count{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := readSpan(t, readLiteLLM, map[string]any{
				"gen_ai.operation.name":     "chat",
				"gen_ai.usage.input_tokens": 15,
				"metadata.usage_object":     tt.usage,
			})
			assert.Equal(t, tt.cacheRead, rec.Usage.CacheRead)
			assert.Equal(t, tt.creation, rec.Usage.CacheCreation)
		})
	}
}
