package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// readSpan reads a span with the given attributes with read.
func readSpan(t *testing.T, read func(ptrace.Span, *Record), attrs map[string]any) Record {
	t.Helper()
	span := ptrace.NewSpan()
	require.NoError(t, span.Attributes().FromRaw(attrs))
	var rec Record
	read(span, &rec)
	return rec
}

func TestOpenInferenceContents(t *testing.T) {
	const out = "llm.output_messages.0.message."
	const c0, c1, c2 = out + "contents.0.", out + "contents.1.", out + "contents.2."
	tests := []struct {
		name  string
		attrs map[string]any
		want  []any
	}{
		{
			name: "reasoning, then text",
			attrs: map[string]any{
				out + "role":                     "assistant",
				c0 + "message_content.type":      "reasoning",
				c0 + "message_content.text":      "hmm",
				c0 + "message_content.signature": "sig",
				c1 + "message_content.type":      "text",
				c1 + "message_content.text":      "42",
				c2 + "message_content.type":      "reasoning", // redacted: nothing to show
				c2 + "message_content.data":      "opaque",
			},
			want: []any{[]any{"assistant", "", "", "", []any{
				[]any{"", map[string]any{"type": "reasoning", "content": "hmm"}},
				[]any{"42", "<unset>"},
			}, []any(nil)}},
		},
		{
			name: "a tool_use item is a tool call",
			attrs: map[string]any{
				out + "role":                        "assistant",
				c0 + "message_content.type":         "text",
				c0 + "message_content.text":         "Checking.",
				c1 + "message_content.type":         "tool_use",
				c1 + "tool_call.id":                 "call_1",
				c1 + "tool_call.function.name":      "get_weather",
				c1 + "tool_call.function.arguments": `{"city":"Paris"}`,
			},
			want: []any{[]any{"assistant", "", "", "", []any{[]any{"Checking.", "<unset>"}},
				[]any{[]any{"call_1", "get_weather", `{"city":"Paris"}`}}}},
		},
		{
			name: "tool_use items repeat message.tool_calls: read once",
			attrs: map[string]any{
				out + "role":                                 "assistant",
				out + "tool_calls.0.tool_call.id":            "call_1",
				out + "tool_calls.0.tool_call.function.name": "get_weather",
				c0 + "message_content.type":                  "reasoning",
				c0 + "message_content.text":                  "Need weather.",
				c1 + "message_content.type":                  "tool_use",
				c1 + "tool_call.id":                          "call_1",
				c1 + "tool_call.function.name":               "get_weather",
			},
			want: []any{[]any{"assistant", "", "", "", []any{
				[]any{"", map[string]any{"type": "reasoning", "content": "Need weather."}},
			}, []any{[]any{"call_1", "get_weather", "<unset>"}}}},
		},
		{
			name: "audio and video",
			attrs: map[string]any{
				out + "role":                                  "user",
				c0 + "message_content.type":                   "audio",
				c0 + "message_content.audio.audio.url":        "data:audio/wav;base64,UklGRg==",
				c0 + "message_content.audio.audio.transcript": "hello",
				c1 + "message_content.type":                   "video",
				c1 + "message_content.video.video.url":        "gs://bucket/clip.mp4",
				c2 + "message_content.type":                   "audio",
				c2 + "message_content.audio.audio.url":        "https://example.com/a.mp3",
				c2 + "message_content.audio.audio.mime_type":  "audio/mpeg",
			},
			want: []any{[]any{"user", "", "", "", []any{
				[]any{"", map[string]any{"type": "blob", "modality": "audio", "mime_type": "audio/wav", "content": "UklGRg==", "transcript": "hello"}},
				[]any{"", map[string]any{"type": "uri", "modality": "video", "uri": "gs://bucket/clip.mp4"}},
				[]any{"", map[string]any{"type": "uri", "modality": "audio", "mime_type": "audio/mpeg", "uri": "https://example.com/a.mp3"}},
			}, []any(nil)}},
		},
		{
			name: "a transcript without its audio is text; an unknown type a part of that type",
			attrs: map[string]any{
				out + "role":                "user",
				c0 + "message_content.type": "audio",
				c0 + "message_content.audio.audio.transcript": "hello",
				c1 + "message_content.type":                   "document",
				c1 + "message_content.text":                   "x",
			},
			want: []any{[]any{"user", "", "", "", []any{
				[]any{"hello", "<unset>"},
				[]any{"", map[string]any{"type": "document", "text": "x"}},
			}, []any(nil)}},
		},
		{
			name: "legacy function call",
			attrs: map[string]any{
				out + "role":                         "assistant",
				out + "function_call_name":           "multiply",
				out + "function_call_arguments_json": `{"a":2,"b":3}`,
			},
			want: []any{[]any{"assistant", "", "", "", []any(nil), []any{[]any{"", "multiply", `{"a":2,"b":3}`}}}},
		},
		{
			name: "tool calls numbered by part, in the function_call spelling",
			attrs: map[string]any{
				out + "role": "assistant",
				out + "tool_calls.1.message.function_call_name":           "final_result",
				out + "tool_calls.1.message.function_call_arguments_json": `{"city":"Chicago"}`,
			},
			want: []any{[]any{"assistant", "", "", "", []any(nil), []any{[]any{"", "final_result", `{"city":"Chicago"}`}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := readSpan(t, readOpenInference, tt.attrs)
			assert.Equal(t, tt.want, dump(rec.Output.Messages))
		})
	}
}

func TestOpenInferenceReranker(t *testing.T) {
	rec := readSpan(t, readOpenInference, map[string]any{
		"openinference.span.kind":                       "RERANKER",
		"input.value":                                   `{"query":"weather"}`,
		"reranker.query":                                "weather in Paris",
		"reranker.input_documents.0.document.id":        "a",
		"reranker.input_documents.0.document.content":   "Lyon is rainy.",
		"reranker.input_documents.1.document.id":        "b",
		"reranker.input_documents.1.document.content":   "Paris is sunny.",
		"reranker.output_documents.0.document.id":       "b",
		"reranker.output_documents.0.document.content":  "Paris is sunny.",
		"reranker.output_documents.0.document.score":    0.9,
		"reranker.output_documents.0.document.metadata": `{"source":"wiki"}`,
	})
	assert.Equal(t, mlflow.SpanTypeReranker, rec.SpanType)
	assert.Equal(t, map[string]any{
		"query": "weather in Paris",
		"documents": []any{
			map[string]any{"page_content": "Lyon is rainy.", "metadata": map[string]any{}, "id": "a"},
			map[string]any{"page_content": "Paris is sunny.", "metadata": map[string]any{}, "id": "b"},
		},
	}, rec.Input.Value.AsRaw())
	assert.Equal(t, []any{
		map[string]any{"page_content": "Paris is sunny.", "metadata": map[string]any{"source": "wiki", "score": 0.9}, "id": "b"},
	}, rec.Output.Value.AsRaw())

	rec = readSpan(t, readOpenInference, map[string]any{"reranker.output_documents.0.document.content": "x"})
	assert.Equal(t, mlflow.SpanTypeReranker, rec.SpanType, "typed from its documents without a kind")
}

func TestOpenInferenceTools(t *testing.T) {
	const schema = `{"type":"object","properties":{"city":{"type":"string"}}}`
	rec := readSpan(t, readOpenInference, map[string]any{
		"llm.tools.0.tool.json_schema": `{"type":"function","function":{"name":"get_weather","description":"Weather.","parameters":` + schema + `}}`,
		// Pydantic AI: the parameters' schema beside the name.
		"llm.tools.1.tool.name":        "final_result",
		"llm.tools.1.tool.description": "The final response.",
		"llm.tools.1.tool.json_schema": schema,
		"llm.tools.2.tool.name":        "ping",
	})
	var got []any
	for _, tool := range rec.Tools {
		got = append(got, []any{tool.Name, tool.Description, raw(tool.Parameters)})
	}
	props := map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}}
	assert.Equal(t, []any{
		[]any{"get_weather", "Weather.", props},
		[]any{"final_result", "The final response.", props},
		[]any{"ping", "", "<unset>"},
	}, got)
}

// The keys the new readers take are listed, as content, for source_attributes and content: drop.
func TestRetrievalKeysConsumed(t *testing.T) {
	for dialect, keys := range map[string][]string{
		"openinference": {"reranker.query", "reranker.input_documents.0.document.content", "reranker.output_documents.0.document.id",
			"llm.input_messages.0.message.function_call_name", "gen_ai.retrieval.query.text", "gen_ai.retrieval.documents"},
		"genai":       {"gen_ai.retrieval.query.text", "gen_ai.retrieval.documents", "gen_ai.completion.0.refusal"},
		"openllmetry": {"gen_ai.retrieval.documents", "gen_ai.prompt.0.content"},
	} {
		for _, k := range keys {
			used, content := ConsumptionOf(dialect).Uses(k)
			assert.True(t, used && content, "%s: %s is read content", dialect, k)
		}
	}
	used, content := ConsumptionOf("openllmetry").Uses("llm.request.functions.0.input_schema")
	assert.True(t, used && !content, "a tool schema is read, not content")
}

// The Anthropic instrumentations (openinference-instrumentation-anthropic, Python and JS) write
// a tool_result block as message.tool_call_id and message.content of its user message, and the
// Python one writes the reply's tool_use blocks without their ids, which only output.value (the
// Message as JSON) holds, as it alone holds the stop_reason.
func TestOpenInferenceAnthropicToolResults(t *testing.T) {
	const in, out = "llm.input_messages.", "llm.output_messages.0.message."
	rec := readSpan(t, readOpenInference, map[string]any{
		"openinference.span.kind":                                  "LLM",
		"llm.provider":                                             "anthropic",
		in + "0.message.role":                                      "user",
		in + "0.message.content":                                   "Weather in Paris?",
		in + "1.message.role":                                      "assistant",
		in + "1.message.content":                                   "Checking.",
		in + "1.message.tool_calls.0.tool_call.id":                 "toolu_1",
		in + "1.message.tool_calls.0.tool_call.function.name":      "get_weather",
		in + "1.message.tool_calls.0.tool_call.function.arguments": `{"city":"Paris"}`,
		in + "2.message.role":                                      "user",
		in + "2.message.tool_call_id":                              "toolu_1",
		in + "2.message.content":                                   "sunny",
		// JS: the message's other blocks are its contents.
		in + "2.message.contents.1.message_content.type": "text",
		in + "2.message.contents.1.message_content.text": "And Lyon?",
		out + "role": "assistant",
		out + "tool_calls.0.tool_call.function.name":      "get_weather",
		out + "tool_calls.0.tool_call.function.arguments": `{"city":"Lyon"}`,
		"output.value": `{"id":"msg_1","content":[{"citations":null,"id":"toolu_2","input":{"city":"Lyon"},"name":"get_weather","type":"tool_use"}],` +
			`"model":"claude-sonnet-4-5","role":"assistant","stop_reason":"tool_use","type":"message"}`,
	})
	assert.Equal(t, []any{
		[]any{"user", "", "", "", []any{[]any{"Weather in Paris?", "<unset>"}}, []any(nil)},
		[]any{"assistant", "", "", "", []any{[]any{"Checking.", "<unset>"}}, []any{[]any{"toolu_1", "get_weather", `{"city":"Paris"}`}}},
		[]any{"tool", "", "toolu_1", "", []any{[]any{"sunny", "<unset>"}}, []any(nil)},
		[]any{"user", "", "", "", []any{[]any{"And Lyon?", "<unset>"}}, []any(nil)},
	}, dump(rec.Input.Messages))
	assert.Equal(t, []any{
		[]any{"assistant", "", "", "tool_use", []any(nil), []any{[]any{"toolu_2", "get_weather", `{"city":"Lyon"}`}}},
	}, dump(rec.Output.Messages))
}

// A user message of several tool_result blocks keeps only the last one's id and content in
// the flattened keys; input.value, the request as JSON, holds them all.
func TestOpenInferenceAnthropicParallelToolResults(t *testing.T) {
	const in = "llm.input_messages."
	request := `{"max_tokens":1024,"messages":[` +
		`{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},` +
		`{"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"city":"Lyon"}}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"},` +
		`{"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"rainy"}]},{"type":"text","text":"Compare them."}]}],` +
		`"model":"claude-sonnet-4-5"}`
	attrs := map[string]any{
		"openinference.span.kind":                             "LLM",
		in + "0.message.role":                                 "assistant",
		in + "0.message.tool_calls.0.tool_call.id":            "toolu_1",
		in + "0.message.tool_calls.0.tool_call.function.name": "get_weather",
		in + "0.message.tool_calls.1.tool_call.id":            "toolu_2",
		in + "0.message.tool_calls.1.tool_call.function.name": "get_weather",
		in + "1.message.role":                                 "user",
		in + "1.message.tool_call_id":                         "toolu_2",
		in + "1.message.content":                              "Compare them.",
		"input.value":                                         request,
	}
	rec := readSpan(t, readOpenInference, attrs)
	assert.Equal(t, []any{
		[]any{"tool", "", "toolu_1", "", []any{[]any{"sunny", "<unset>"}}, []any(nil)},
		[]any{"tool", "", "toolu_2", "", []any{[]any{"rainy", "<unset>"}}, []any(nil)},
		[]any{"user", "", "", "", []any{[]any{"Compare them.", "<unset>"}}, []any(nil)},
	}, dump(rec.Input.Messages[1:]))

	attrs["input.value"] = "{'messages': [...]}" // the Bedrock instrumentation's str(request)
	rec = readSpan(t, readOpenInference, attrs)
	assert.Equal(t, []any{
		[]any{"tool", "", "toolu_2", "", []any{[]any{"Compare them.", "<unset>"}}, []any(nil)},
	}, dump(rec.Input.Messages[1:]), "without the request, the flattened keys as they are")
}
