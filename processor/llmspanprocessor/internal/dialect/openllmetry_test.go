package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
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
			// openai.completion, anthropic.completion, Groq, watsonx: the prompt is keyed by
			// its role, the choices' text has none.
			name: "a completions-API prompt",
			attrs: map[string]any{
				"gen_ai.prompt.0.user":              "Tell me a joke",
				"gen_ai.completion.0.content":       "Why did the span end?",
				"gen_ai.completion.0.finish_reason": "stop",
			},
			input:  []any{[]any{"user", "", "", "", []any{[]any{"Tell me a joke", "<unset>"}}, []any(nil)}},
			output: []any{[]any{"", "", "", "stop", []any{[]any{"Why did the span end?", "<unset>"}}, []any(nil)}},
		},
		{
			// The LangChain instrumentation writes a reply without text as
			// json.dumps(message.content), beside its tool calls.
			name: "a tool call's empty content, json.dumps'd",
			attrs: map[string]any{
				"gen_ai.completion.0.role":                   "assistant",
				"gen_ai.completion.0.content":                `""`,
				"gen_ai.completion.0.tool_calls.0.id":        "call_1",
				"gen_ai.completion.0.tool_calls.0.name":      "get_weather",
				"gen_ai.completion.0.tool_calls.0.arguments": `{"city": "Paris"}`,
			},
			output: []any{[]any{"assistant", "", "", "", []any(nil), []any{[]any{"call_1", "get_weather", `{"city": "Paris"}`}}}},
		},
		{
			name: "a tool call's Anthropic content blocks, json.dumps'd",
			attrs: map[string]any{
				"gen_ai.completion.0.role":                   "assistant",
				"gen_ai.completion.0.content":                `[{"id": "toolu_1", "input": {"city": "Paris"}, "name": "get_weather", "type": "tool_use"}]`,
				"gen_ai.completion.0.tool_calls.0.id":        "toolu_1",
				"gen_ai.completion.0.tool_calls.0.name":      "get_weather",
				"gen_ai.completion.0.tool_calls.0.arguments": `{"city": "Paris"}`,
			},
			output: []any{[]any{"assistant", "", "", "", []any(nil), []any{[]any{"toolu_1", "get_weather", `{"city": "Paris"}`}}}},
		},
		{
			// OpenLLMetry-JS's OpenAI instrumentation writes OpenAI's legacy function_call so
			// (and content ?? "").
			name: "a legacy function call",
			attrs: map[string]any{
				"gen_ai.completion.0.role":                    "assistant",
				"gen_ai.completion.0.content":                 "",
				"gen_ai.completion.0.finish_reason":           "function_call",
				"gen_ai.completion.0.function_call.name":      "get_weather",
				"gen_ai.completion.0.function_call.arguments": `{"city":"Paris"}`,
			},
			output: []any{[]any{"assistant", "", "", "function_call", []any{[]any{"", "<unset>"}}, []any{[]any{"", "get_weather", `{"city":"Paris"}`}}}},
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

// Older opentelemetry-instrumentation-anthropic releases (gen_ai.prompt.N.*) write an
// assistant message's tool_use blocks twice: as gen_ai.prompt.N.tool_calls.M.* and, since
// _dump_content is given the message's whole content, in the JSON text of its content; a user
// message's tool_result blocks are in its content only. Each call is read once, and each
// result as the tool message it answers with.
func TestOpenLLMetryAnthropicPromptBlocks(t *testing.T) {
	rec := readSpan(t, readOpenLLMetry, map[string]any{
		"gen_ai.system":                          "Anthropic",
		"gen_ai.prompt.0.role":                   "user",
		"gen_ai.prompt.0.content":                "What is the weather in Paris?",
		"gen_ai.prompt.1.role":                   "assistant",
		"gen_ai.prompt.1.content":                `[{"type": "text", "text": "Let me check."}, {"id": "toolu_1", "input": {"city": "Paris"}, "name": "get_weather", "type": "tool_use"}]`,
		"gen_ai.prompt.1.tool_calls.0.id":        "toolu_1",
		"gen_ai.prompt.1.tool_calls.0.name":      "get_weather",
		"gen_ai.prompt.1.tool_calls.0.arguments": `{"city": "Paris"}`,
		"gen_ai.prompt.2.role":                   "user",
		"gen_ai.prompt.2.content":                `[{"type": "tool_result", "tool_use_id": "toolu_1", "content": "Sunny, 21C"}]`,
	})
	assert.Equal(t, []any{
		[]any{"user", "", "", "", []any{[]any{"What is the weather in Paris?", "<unset>"}}, []any(nil)},
		[]any{"assistant", "", "", "", []any{[]any{"Let me check.", "<unset>"}}, []any{[]any{"toolu_1", "get_weather", `{"city": "Paris"}`}}},
		[]any{"tool", "", "toolu_1", "", []any{[]any{"Sunny, 21C", "<unset>"}}, []any(nil)},
	}, dump(rec.Input.Messages))
}

// OpenLLMetry-JS's Anthropic instrumentation writes a reply's content blocks as
// JSON.stringify(result.content), text and tool_use blocks alike, with no tool_calls.M.*.
func TestOpenLLMetryJSAnthropicReply(t *testing.T) {
	rec := readSpan(t, readOpenLLMetry, map[string]any{
		"gen_ai.system":                     "Anthropic",
		"llm.request.type":                  "chat",
		"gen_ai.prompt.0.role":              "user",
		"gen_ai.prompt.0.content":           "What is the weather in Paris?",
		"gen_ai.completion.0.finish_reason": "tool_use",
		"gen_ai.completion.0.role":          "assistant",
		"gen_ai.completion.0.content":       `[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]`,
	})
	assert.Equal(t, []any{[]any{"assistant", "", "", "tool_use",
		[]any{[]any{"Let me check.", "<unset>"}},
		[]any{[]any{"toolu_1", "get_weather", map[string]any{"city": "Paris"}}},
	}}, dump(rec.Output.Messages))
}

// opentelemetry-instrumentation-bedrock writes an Anthropic model's reply as
// json.dumps(response_body["content"]), its gen_ai.system "AWS".
func TestOpenLLMetryBedrockAnthropicReply(t *testing.T) {
	for _, system := range []string{"AWS", "aws"} {
		rec := readSpan(t, readOpenLLMetry, map[string]any{
			"gen_ai.system":               system,
			"llm.request.type":            "chat",
			"gen_ai.request.model":        "anthropic.claude-3-5-sonnet-20240620-v1:0",
			"gen_ai.prompt.0.role":        "user",
			"gen_ai.prompt.0.content":     "What is the weather in Paris?",
			"gen_ai.completion.0.content": `[{"type": "text", "text": "Let me check."}, {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}]`,
		})
		assert.Equal(t, []any{[]any{"", "", "", "",
			[]any{[]any{"Let me check.", "<unset>"}},
			[]any{[]any{"toolu_1", "get_weather", map[string]any{"city": "Paris"}}},
		}}, dump(rec.Output.Messages), system)
	}
}

// Older Python Anthropic instrumentations set llm.request.type "completion" on every create
// call, Messages.create's span "anthropic.chat" (WRAPPED_METHODS) among them: a chat call.
func TestOpenLLMetryAnthropicChatRequestType(t *testing.T) {
	attrs := map[string]any{
		"gen_ai.system":               "Anthropic",
		"llm.request.type":            "completion",
		"gen_ai.prompt.0.role":        "user",
		"gen_ai.prompt.0.content":     "Hi",
		"gen_ai.completion.0.role":    "assistant",
		"gen_ai.completion.0.content": "Hello!",
	}
	for name, want := range map[string]string{"anthropic.chat": mlflow.SpanTypeChatModel, "anthropic.completion": mlflow.SpanTypeLLM} {
		span := ptrace.NewSpan()
		span.SetName(name)
		require.NoError(t, span.Attributes().FromRaw(attrs))
		var rec Record
		readOpenLLMetry(span, &rec)
		assert.Equal(t, want, rec.SpanType, name)
	}
}

// Only spans from Bedrock have their messages' dumped content read: elsewhere, and for text
// that is no dump of a content, the text stays as it was written.
func TestOpenLLMetryBedrockDumpsOnlyOnBedrock(t *testing.T) {
	const quoted, object = `"Hello"`, `{"city": "Paris"}`
	messages := `[{"role": "user", "content": "\"Hello\""}, {"role": "user", "content": "{\"city\": \"Paris\"}"}]`
	for provider, first := range map[string]string{"AWS": "Hello", "openai": quoted} {
		rec := readSpan(t, readOpenLLMetry, map[string]any{
			"gen_ai.provider.name":  provider,
			"gen_ai.input.messages": messages,
		})
		assert.Equal(t, []any{
			[]any{"user", "", "", "", []any{[]any{first, "<unset>"}}, []any(nil)},
			[]any{"user", "", "", "", []any{[]any{object, "<unset>"}}, []any(nil)},
		}, dump(rec.Input.Messages), provider)
	}
}
