package mlflowattr // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/mlflowattr"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"
)

// Messages are written in the OpenAI chat shapes that MLflow's own OpenAI autolog records and
// its UI renders as a conversation: {"messages":[...]} in, {"choices":[...]} out.

// finishReasons maps GenAI finish reasons to OpenAI's where they differ.
var finishReasons = map[string]string{"tool_call": "tool_calls"}

func (w *Writer) chatRequest(msgs []dialect.Message) {
	w.enc.ObjectStart()
	w.enc.Field("messages")
	w.enc.ArrayStart()
	for i := range msgs {
		w.message(&msgs[i], "user")
	}
	w.enc.ArrayEnd()
	w.enc.ObjectEnd()
}

func (w *Writer) chatResponse(msgs []dialect.Message) {
	w.enc.ObjectStart()
	w.enc.Field("choices")
	w.enc.ArrayStart()
	for i := range msgs {
		m := &msgs[i]
		w.enc.ObjectStart()
		w.enc.Field("index")
		w.enc.Int(int64(i))
		w.enc.Field("message")
		w.message(m, "assistant")
		w.enc.Field("finish_reason")
		switch fr := m.FinishReason; {
		case fr == "":
			w.enc.Null()
		case finishReasons[fr] != "":
			w.enc.Str(finishReasons[fr])
		default:
			w.enc.Str(fr)
		}
		w.enc.ObjectEnd()
	}
	w.enc.ArrayEnd()
	w.enc.ObjectEnd()
}

// message writes one chat message; role is used when the source gave none.
func (w *Writer) message(m *dialect.Message, role string) {
	w.enc.ObjectStart()
	w.enc.Field("role")
	if m.Role == "" {
		w.enc.Str(role)
	} else {
		w.enc.Str(m.Role)
	}
	if m.Name != "" {
		w.enc.Field("name")
		w.enc.Str(m.Name)
	}
	w.enc.Field("content")
	w.content(m)
	if len(m.ToolCalls) > 0 {
		w.enc.Field("tool_calls")
		w.enc.ArrayStart()
		for i := range m.ToolCalls {
			w.toolCall(&m.ToolCalls[i])
		}
		w.enc.ArrayEnd()
	}
	if m.ToolCallID != "" {
		w.enc.Field("tool_call_id")
		w.enc.Str(m.ToolCallID)
	}
	w.enc.ObjectEnd()
}

// content writes a string when every part is text (joined by newlines), null when there is no
// part, the JSON text of a tool result, or else OpenAI content parts, keeping non-text parts
// as the source wrote them rather than dropping them.
func (w *Writer) content(m *dialect.Message) {
	parts := m.Parts
	switch {
	case len(parts) == 0:
		w.enc.Null()
		return
	case len(parts) == 1 && parts[0].Value.Set && m.ToolCallID != "":
		w.nestedJSON(parts[0].Value)
		return
	}
	allText := true
	for i := range parts {
		allText = allText && !parts[i].Value.Set
	}
	if allText {
		w.enc.StrBegin()
		for i := range parts {
			if i > 0 {
				w.enc.StrPiece(`\n`, true)
			}
			w.enc.StrPiece(parts[i].Text, parts[i].Encoded)
		}
		w.enc.StrEnd()
		return
	}
	w.enc.ArrayStart()
	for i := range parts {
		if parts[i].Value.Set {
			w.any(&w.enc, parts[i].Value)
			continue
		}
		w.enc.ObjectStart()
		w.enc.Field("type")
		w.enc.Str("text")
		w.enc.Field("text")
		w.text(parts[i])
		w.enc.ObjectEnd()
	}
	w.enc.ArrayEnd()
}

// text writes a text part as a string.
func (w *Writer) text(p dialect.Part) {
	if p.Encoded {
		w.enc.StrEncoded(p.Text)
	} else {
		w.enc.Str(p.Text)
	}
}

// any writes a value as a dialect passed it on: JSON text that the dialect checked is
// transcoded, text to text, anything else encoded.
func (w *Writer) any(enc *anyjson.Encoder, a dialect.Any) {
	if a.JSON == "" {
		enc.Value(a.Value)
		return
	}
	if a.Canonical {
		enc.Canonical(a.JSON)
		return
	}
	if enc.JSON(a.JSON) {
		return
	}
	// A key given twice, which only Parse resolves; the text is well formed, as checked.
	v, _ := anyjson.Parse(a.JSON)
	enc.Value(v)
}

// nestedJSON writes a as a string holding its JSON text, as OpenAI's API carries tool call
// arguments and tool results.
func (w *Writer) nestedJSON(a dialect.Any) {
	w.nested.Reset()
	w.any(&w.nested, a)
	w.enc.StrOf(&w.nested)
}

// toolCall writes {"id","type":"function","function":{"name","arguments"}}; arguments are a
// string holding JSON, as in OpenAI's API.
func (w *Writer) toolCall(c *dialect.ToolCall) {
	w.enc.ObjectStart()
	if c.ID != "" {
		w.enc.Field("id")
		w.enc.Str(c.ID)
	}
	w.function(c.Name)
	if c.Arguments.Set {
		w.enc.Field("arguments")
		if c.Arguments.JSON == "" && c.Arguments.Type() == pcommon.ValueTypeStr {
			w.enc.Str(c.Arguments.Str())
		} else {
			w.nestedJSON(c.Arguments)
		}
	}
	w.enc.ObjectEnd()
	w.enc.ObjectEnd()
}

// tools writes mlflow.chat.tools: [{"type":"function","function":{"name","description","parameters"}}].
func (w *Writer) tools(tools []dialect.Tool) {
	w.enc.ArrayStart()
	for i := range tools {
		t := &tools[i]
		w.enc.ObjectStart()
		w.function(t.Name)
		if t.Description != "" {
			w.enc.Field("description")
			w.enc.Str(t.Description)
		}
		if t.Parameters.Set {
			w.enc.Field("parameters")
			w.any(&w.enc, t.Parameters)
		}
		w.enc.ObjectEnd()
		w.enc.ObjectEnd()
	}
	w.enc.ArrayEnd()
}

// function opens the "function" object of a tool call or definition, after its "type" key:
// `"type":"function","function":{"name":name`. The caller closes both objects.
func (w *Writer) function(name string) {
	w.enc.Field("type")
	w.enc.Str("function")
	w.enc.Field("function")
	w.enc.ObjectStart()
	w.enc.Field("name")
	w.enc.Str(name)
}
