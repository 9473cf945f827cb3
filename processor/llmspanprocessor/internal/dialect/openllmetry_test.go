package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOpenLLMetryIndexedMessages(t *testing.T) {
	const image = `{"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}`
	tests := []struct {
		name          string
		attrs         map[string]any
		input, output []any
	}{
		{
			name: "a list content, json.dumps'd",
			attrs: map[string]any{
				"gen_ai.prompt.0.role":    "user",
				"gen_ai.prompt.0.content": `[{"type": "text", "text": "What is this?"}, ` + image + `]`,
			},
			input: []any{[]any{"user", "", "", "", []any{
				[]any{"What is this?", "<unset>"},
				[]any{"", map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://example.com/a.png"}}},
			}, []any(nil)}},
		},
		{
			name: "JSON text that is not parts stays text",
			attrs: map[string]any{
				"gen_ai.prompt.0.role":    "user",
				"gen_ai.prompt.0.content": `[{"city": "Paris"}]`,
				"gen_ai.prompt.1.role":    "user",
				"gen_ai.prompt.1.content": `[]`,
			},
			input: []any{
				[]any{"user", "", "", "", []any{[]any{`[{"city": "Paris"}]`, "<unset>"}}, []any(nil)},
				[]any{"user", "", "", "", []any{[]any{`[]`, "<unset>"}}, []any(nil)},
			},
		},
		{
			name: "a completion's JSON content stays text",
			attrs: map[string]any{
				"gen_ai.completion.0.role":    "assistant",
				"gen_ai.completion.0.content": `[{"type": "text", "text": "a JSON answer"}]`,
			},
			output: []any{[]any{"assistant", "", "", "", []any{[]any{`[{"type": "text", "text": "a JSON answer"}]`, "<unset>"}}, []any(nil)}},
		},
		{
			name: "a refusal is the reply's text",
			attrs: map[string]any{
				"gen_ai.completion.0.role":          "assistant",
				"gen_ai.completion.0.refusal":       "I can't help with that.",
				"gen_ai.completion.0.finish_reason": "stop",
			},
			output: []any{[]any{"assistant", "", "", "stop", []any{[]any{"I can't help with that.", "<unset>"}}, []any(nil)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := readSpan(t, readOpenLLMetry, tt.attrs)
			if tt.input != nil {
				assert.Equal(t, tt.input, dump(rec.Input.Messages))
			}
			if tt.output != nil {
				assert.Equal(t, tt.output, dump(rec.Output.Messages))
			}
		})
	}
}

// Older Anthropic instrumentations name the schema input_schema.
func TestOpenLLMetryFunctionsInputSchema(t *testing.T) {
	rec := readSpan(t, readOpenLLMetry, map[string]any{
		"llm.request.functions.0.name":         "get_weather",
		"llm.request.functions.0.description":  "Current weather.",
		"llm.request.functions.0.input_schema": `{"type": "object"}`,
	})
	if assert.Len(t, rec.Tools, 1) {
		assert.Equal(t, map[string]any{"type": "object"}, raw(rec.Tools[0].Parameters))
	}
}
