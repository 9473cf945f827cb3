package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func TestAppendChoiceMessages(t *testing.T) {
	tests := []struct {
		name, in string
		want     int // messages read; -1: not choices
	}{
		{"tool call", `[{"finish_reason":"tool_calls","index":0,"logprobs":null,"message":{"content":null,"role":"assistant","tool_calls":[{"id":"c1","function":{"arguments":"{}","name":"f"},"type":"function"}]}}]`, 1},
		{"two choices", `[{"index":0,"message":{"role":"assistant","content":"a"}},{"index":1,"message":{"role":"assistant","content":"b"}}]`, 2},
		{"GenAI messages", `[{"role":"assistant","parts":[{"type":"text","content":"hi"}],"finish_reason":"stop"}]`, -1},
		{"one not a choice", `[{"index":0,"message":{"content":"a"}},{"role":"assistant"}]`, -1},
		{"empty", `[]`, -1},
		{"not JSON", `[{`, -1},
		{"text", `hello`, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, ok := appendChoiceMessages(nil, pcommon.NewValueStr(tt.in))
			if got := len(msgs); !ok && got != 0 || ok && got != tt.want || !ok && tt.want != -1 {
				t.Fatalf("got %d messages, ok %v; want %d", got, ok, tt.want)
			}
		})
	}
	msgs, _ := appendChoiceMessages(nil, pcommon.NewValueStr(tests[0].in))
	if m := msgs[0]; m.Role != "assistant" || m.FinishReason != "tool_calls" || len(m.ToolCalls) != 1 || m.ToolCalls[0].ID != "c1" {
		t.Errorf("message = %+v", m)
	}
}

// Laminar's Anthropic instrumentation writes Anthropic content blocks: a user message of tool
// results only becomes the tool messages alone, a tool_use block already named by a flattened
// prompt is not read twice; another provider's opaque parts stay.
func TestLaminarAnthropicBlocks(t *testing.T) {
	const in = `[{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "sunny"}, {"type": "tool_result", "tool_use_id": "t2", "content": [{"type": "image", "source": {}}]}]}]`
	rec := readSpan(t, readLaminar, map[string]any{"gen_ai.system": "anthropic", "gen_ai.input.messages": in})
	assert.Equal(t, []any{
		[]any{"tool", "", "t1", "", []any{[]any{"sunny", "<unset>"}}, []any(nil)},
		[]any{"tool", "", "t2", "", []any{[]any{"", []any{map[string]any{"type": "image", "source": map[string]any{}}}}}, []any(nil)},
	}, dump(rec.Input.Messages))

	// The flattened prompts of the OpenLLMetry instrumentation older lmnr releases bundle name
	// the call beside the block: it is read once.
	rec = readSpan(t, readLaminar, map[string]any{
		"gen_ai.system":                     "anthropic",
		"gen_ai.prompt.0.role":              "assistant",
		"gen_ai.prompt.0.content":           `[{"type": "tool_use", "id": "t1", "name": "f", "input": {}}]`,
		"gen_ai.prompt.0.tool_calls.0.id":   "t1",
		"gen_ai.prompt.0.tool_calls.0.name": "f",
	})
	if assert.Len(t, rec.Input.Messages, 1) {
		assert.Len(t, rec.Input.Messages[0].ToolCalls, 1)
		assert.Empty(t, rec.Input.Messages[0].Parts)
	}

	rec = readSpan(t, readLaminar, map[string]any{"gen_ai.system": "openai", "gen_ai.input.messages": in})
	if assert.Len(t, rec.Input.Messages, 1) {
		assert.Len(t, rec.Input.Messages[0].Parts, 2)
	}
}

// Laminar's Google GenAI candidates are read when each holds a content, with its finish reason;
// a blocked candidate, without one, leaves the output as the GenAI reader read it.
func TestLaminarGeminiCandidates(t *testing.T) {
	for out, want := range map[string]string{
		`[{"content": {"parts": [{"text": "a"}], "role": "model"}, "finish_reason": "STOP"}]`: "assistant STOP",
		`[{"finish_reason": "SAFETY", "index": 0}]`:                                           " SAFETY",
		`[{"content": {"parts": [{"function_response": {"name": "f"}}]}, "index": 0}]`:        "tool ",
	} {
		rec := readSpan(t, readLaminar, map[string]any{"gen_ai.system": "gemini", "gen_ai.output.messages": out})
		if assert.Len(t, rec.Output.Messages, 1, out) {
			m := rec.Output.Messages[0]
			assert.Equal(t, want, m.Role+" "+m.FinishReason, out)
		}
	}
}
