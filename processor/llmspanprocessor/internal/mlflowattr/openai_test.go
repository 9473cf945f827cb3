package mlflowattr

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"
)

// chatViewFailure tells why MLflow's trace UI would not show the chat view of a span with
// these mlflow.spanInputs and mlflow.spanOutputs (either may be ""), or "" when it would. It
// mirrors the checks of MLflow 3.17.2's UI (ModelTraceExplorer.utils.tsx: normalizeOpenAIChatInput
// and normalizeOpenAIChatResponse, isRawModelTraceChatMessage, isContentPart,
// isModelTraceToolCall): one message that fails them and the whole span is shown as raw JSON.
func chatViewFailure(inputs, outputs string) string {
	var msgs []any
	if inputs != "" {
		var in struct{ Messages []any }
		if err := json.Unmarshal([]byte(inputs), &in); err != nil || len(in.Messages) == 0 {
			return "inputs are not {messages:[...]}"
		}
		msgs = in.Messages
	}
	if outputs != "" {
		var out struct{ Choices []map[string]any }
		if err := json.Unmarshal([]byte(outputs), &out); err != nil || len(out.Choices) == 0 {
			return "outputs are not {choices:[...]}"
		}
		for _, c := range out.Choices {
			m, ok := c["message"]
			if !ok {
				return "a choice without a message"
			}
			msgs = append(msgs, m)
		}
	}
	for _, m := range msgs {
		if why := chatMessageFailure(m); why != "" {
			b, _ := json.Marshal(m)
			return fmt.Sprintf("%s: %s", why, b)
		}
	}
	return ""
}

// chatMessageFailure mirrors isRawModelTraceChatMessage, and also requires that "reasoning",
// which the chat view renders as markdown, is a string.
func chatMessageFailure(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return "not an object"
	}
	if calls, ok := m["tool_calls"]; ok && calls != nil {
		list, ok := calls.([]any)
		if !ok {
			return "tool_calls not a list"
		}
		for _, c := range list {
			c, _ := c.(map[string]any)
			f, _ := c["function"].(map[string]any)
			if !isString(c["id"]) || !isString(f["arguments"]) || !isString(f["name"]) {
				return "tool call without a string id, name or arguments"
			}
		}
	}
	if r, ok := m["reasoning"]; ok && !isString(r) {
		return "reasoning not a string"
	}
	switch c := m["content"].(type) {
	case nil, string:
	case []any:
		for _, p := range c {
			if !isContentPart(p) {
				return "content part the UI does not take"
			}
		}
	default:
		return "content neither null, a string nor a list"
	}
	if !slices.Contains([]string{"user", "assistant", "system", "tool"}, fmt.Sprint(m["role"])) {
		return "role the UI does not take"
	}
	return ""
}

// isContentPart mirrors the UI's isContentPart.
func isContentPart(v any) bool {
	p, _ := v.(map[string]any)
	switch p["type"] {
	case "text", "input_text", "output_text":
		return isString(p["text"])
	case "image_url":
		u, ok := p["image_url"].(map[string]any)
		return ok && isString(u["url"]) && (u["detail"] == nil || slices.Contains([]any{"auto", "low", "high"}, u["detail"]))
	case "input_audio":
		a, ok := p["input_audio"].(map[string]any)
		return ok && isString(a["data"]) && (a["format"] == nil || a["format"] == "wav" || a["format"] == "mp3")
	case "image": // Anthropic's shape
		s, ok := p["source"].(map[string]any)
		return ok && isString(s["data"])
	}
	return false
}

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

// mapPart is a non-text part as an attribute-reading dialect passes it on: pdata.
func mapPart(kv ...string) dialect.Part {
	v := pcommon.NewValueMap()
	for i := 0; i < len(kv); i += 2 {
		v.Map().PutStr(kv[i], kv[i+1])
	}
	return dialect.Part{Value: dialect.Some(v)}
}

// jsonPart is a non-text part as a JSON-reading dialect passes it on: checked JSON text.
func jsonPart(text string) dialect.Part { return dialect.Part{Value: dialect.SomeJSON(text)} }

func text(s string) dialect.Part { return dialect.Part{Text: s} }

func TestChatMessages(t *testing.T) {
	structured := pcommon.NewValueMap()
	structured.Map().PutInt("temp", 20)
	tests := []struct {
		name    string
		in, out []dialect.Message
		want    string // mlflow.spanInputs when in is set, else mlflow.spanOutputs
	}{
		{
			name: "text only",
			in:   []dialect.Message{{Role: "system", Parts: []dialect.Part{text("Be brief.")}}, {Parts: []dialect.Part{text("a"), text("b")}}},
			want: `{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"a\nb"}]}`,
		},
		{
			name: "tool call without an id takes its name, as MLflow's OTel translator does; arguments default to {}",
			out:  []dialect.Message{{ToolCalls: []dialect.ToolCall{{Name: "get_weather"}, {ID: "c2", Name: "now", Arguments: dialect.SomeJSON(`{}`)}}}},
			want: `{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[` +
				`{"id":"get_weather","type":"function","function":{"name":"get_weather","arguments":"{}"}},` +
				`{"id":"c2","type":"function","function":{"name":"now","arguments":"{}"}}]},"finish_reason":null}]}`,
		},
		{
			name: "tool result without a call id is JSON text",
			in:   []dialect.Message{{Role: "tool", Parts: []dialect.Part{{Value: dialect.Some(structured)}}}},
			want: `{"messages":[{"role":"tool","content":"{\"temp\":20}"}]}`,
		},
		{
			name: "function result is a tool message",
			in:   []dialect.Message{{Role: "function", Name: "add", Parts: []dialect.Part{jsonPart(`{"sum":3}`)}}},
			want: `{"messages":[{"role":"tool","name":"add","content":"{\"sum\":3}"}]}`,
		},
		{
			name: "image URI",
			in:   []dialect.Message{{Role: "user", Parts: []dialect.Part{text("What is this?"), mapPart("type", "uri", "modality", "image", "uri", "https://example.com/cat.png")}}},
			want: `{"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}`,
		},
		{
			name: "image URI as JSON text, told by its MIME type",
			in:   []dialect.Message{{Parts: []dialect.Part{jsonPart(`{"type":"uri","mime_type":"image/jpeg","uri":"https://e.com/a.jpg"}`)}}},
			want: `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://e.com/a.jpg"}}]}]}`,
		},
		{
			name: "image blob becomes a data URL",
			in:   []dialect.Message{{Parts: []dialect.Part{mapPart("type", "blob", "modality", "image", "mime_type", "image/png", "content", "iVBORw0KGgo=")}}},
			want: `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}`,
		},
		{
			name: "audio blobs the UI plays",
			in: []dialect.Message{{Parts: []dialect.Part{
				jsonPart(`{"type":"blob","modality":"audio","mime_type":"audio/wav","content":"UklGRg=="}`),
				mapPart("type", "blob", "modality", "audio", "mime_type", "audio/mpeg", "content", "SUQz"),
			}}},
			want: `{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},` +
				`{"type":"input_audio","input_audio":{"data":"SUQz","format":"mp3"}}]}]}`,
		},
		{
			name: "parts the UI cannot show become their JSON text",
			in: []dialect.Message{{Parts: []dialect.Part{
				jsonPart(`{"type":"blob","modality":"audio","mime_type":"audio/ogg","content":"T2dnUw=="}`),
				jsonPart(`{"type":"file","modality":"image","file_id":"file-1"}`),
				mapPart("type", "server_tool_call", "id", "s1", "name", "web_search"),
				mapPart("type", "uri", "modality", "video", "uri", "https://e.com/v.mp4"),
				mapPart("type", "blob", "modality", "image", "content", "AAAA"), // no MIME type for a data URL
				jsonPart(`{"type":"image_url","image_url":{"url":"u","detail":"ultra"}}`),
				jsonPart(`[1,2]`),
			}}},
			want: `{"messages":[{"role":"user","content":[` +
				`{"type":"text","text":"{\"type\":\"blob\",\"modality\":\"audio\",\"mime_type\":\"audio/ogg\",\"content\":\"T2dnUw==\"}"},` +
				`{"type":"text","text":"{\"type\":\"file\",\"modality\":\"image\",\"file_id\":\"file-1\"}"},` +
				`{"type":"text","text":"{\"type\":\"server_tool_call\",\"id\":\"s1\",\"name\":\"web_search\"}"},` +
				`{"type":"text","text":"{\"type\":\"uri\",\"modality\":\"video\",\"uri\":\"https://e.com/v.mp4\"}"},` +
				`{"type":"text","text":"{\"type\":\"blob\",\"modality\":\"image\",\"content\":\"AAAA\"}"},` +
				`{"type":"text","text":"{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\",\"detail\":\"ultra\"}}"},` +
				`{"type":"text","text":"[1,2]"}]}]}`,
		},
		{
			name: "parts the UI shows stay as they are",
			in: []dialect.Message{{Parts: []dialect.Part{
				jsonPart(`{"type":"image_url","image_url":{"url":"https://e.com/a.png","detail":"high"}}`),
				jsonPart(`{"type":"input_audio","input_audio":{"data":"SUQz","format":"mp3"}}`),
				jsonPart(`{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}}`),
				jsonPart(`{"type":"input_text","text":"hi"}`),
			}}},
			want: `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://e.com/a.png","detail":"high"}},` +
				`{"type":"input_audio","input_audio":{"data":"SUQz","format":"mp3"}},` +
				`{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}},{"type":"input_text","text":"hi"}]}]}`,
		},
		{
			name: "OpenAI image URL given as a string",
			in:   []dialect.Message{{Parts: []dialect.Part{jsonPart(`{"type":"image_url","image_url":"https://e.com/a.png"}`)}}},
			want: `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://e.com/a.png"}}]}]}`,
		},
		{
			name: "a string part is text",
			in:   []dialect.Message{{Parts: []dialect.Part{text("a"), {Value: dialect.Some(pcommon.NewValueStr("b"))}}}},
			want: `{"messages":[{"role":"user","content":"a\nb"}]}`,
		},
		{
			name: "reasoning parts move to the message's reasoning",
			out: []dialect.Message{{Parts: []dialect.Part{
				mapPart("type", "reasoning", "content", "Looks feline."), text("A cat."),
				jsonPart(`{"type":"thinking","thinking":"Or a lynx.","signature":"x"}`),
			}}},
			want: `{"choices":[{"index":0,"message":{"role":"assistant","content":"A cat.","reasoning":"Looks feline.\nOr a lynx."},"finish_reason":null}]}`,
		},
		{
			name: "reasoning only",
			out:  []dialect.Message{{Parts: []dialect.Part{jsonPart(`{"type":"reasoning","text":"Hmm."}`)}, FinishReason: "stop"}},
			want: `{"choices":[{"index":0,"message":{"role":"assistant","content":null,"reasoning":"Hmm."},"finish_reason":"stop"}]}`,
		},
		{
			name: "a thinking message folds into the answer after it",
			out: []dialect.Message{
				{Role: "thinking", Parts: []dialect.Part{text("Let me think.")}},
				{Role: "assistant", Parts: []dialect.Part{text("42")}, FinishReason: "end_turn"},
			},
			want: `{"choices":[{"index":0,"message":{"role":"assistant","content":"42","reasoning":"Let me think."},"finish_reason":"end_turn"}]}`,
		},
		{
			name: "a thinking message with no answer after it",
			in: []dialect.Message{
				{Role: "user", Parts: []dialect.Part{text("q")}},
				{Role: "thinking", Parts: []dialect.Part{text("Hmm.")}},
				{Role: "user", Parts: []dialect.Part{text("well?")}},
			},
			want: `{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":null,"reasoning":"Hmm."},{"role":"user","content":"well?"}]}`,
		},
		{
			name: "roles the UI does not take",
			in: []dialect.Message{
				{Role: "developer", Parts: []dialect.Part{text("d")}},
				{Role: "model", Parts: []dialect.Part{text("m")}},
				{Role: "USER", Parts: []dialect.Part{text("u")}},
				{Role: "critic", Parts: []dialect.Part{text("c")}},
			},
			want: `{"messages":[{"role":"system","content":"d"},{"role":"assistant","content":"m"},{"role":"user","content":"u"},{"role":"user","content":"c"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := dialect.Record{Input: dialect.Payload{Messages: tt.in}, Output: dialect.Payload{Messages: tt.out}}
			attrs := pcommon.NewMap()
			require.True(t, NewWriter(0).Write(&rec, attrs, false))
			key := mlflow.AttrSpanInputs
			if tt.in == nil {
				key = mlflow.AttrSpanOutputs
			}
			got, _ := attrs.Get(key)
			assert.Equal(t, tt.want, got.Str())
			inputs, _ := attrs.Get(mlflow.AttrSpanInputs)
			outputs, _ := attrs.Get(mlflow.AttrSpanOutputs)
			assert.Empty(t, chatViewFailure(inputs.Str(), outputs.Str()), "MLflow's UI would not show this as a chat")
		})
	}
}

// TestChatViewFailure checks the mirror of the UI's checks on what the UI rejects.
func TestChatViewFailure(t *testing.T) {
	for _, in := range []string{
		`{"messages":[{"role":"developer","content":"x"}]}`,
		`{"messages":[{"role":"user","content":[{"temp":20}]}]}`,
		`{"messages":[{"role":"user","content":[{"type":"uri","uri":"u"}]}]}`,
		`{"messages":[{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]}]}`,
		`{"messages":[{"role":"assistant","tool_calls":[{"id":"1","type":"function","function":{"name":"f"}}]}]}`,
		`{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x","format":"ogg"}}]}]}`,
	} {
		assert.NotEmpty(t, chatViewFailure(in, ""), in)
	}
	assert.Empty(t, chatViewFailure(`{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"u"}}]}]}`, ""))
}
