package mlflowattr // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/mlflowattr"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"
)

// Messages are written in the OpenAI chat shapes that MLflow's own OpenAI autolog records and
// its UI renders as a conversation: {"messages":[...]} in, {"choices":[...]} out.

// finishReasons maps GenAI finish reasons to OpenAI's where they differ.
var finishReasons = map[string]string{"tool_call": "tool_calls"}

func (w *Writer) chatRequest(msgs []dialect.Message) {
	w.enc.ObjectStart()
	w.enc.Key("messages")
	w.enc.ArrayStart()
	for i := range msgs {
		w.message(&msgs[i], "user")
	}
	w.enc.ArrayEnd()
	w.enc.ObjectEnd()
}

func (w *Writer) chatResponse(msgs []dialect.Message) {
	w.enc.ObjectStart()
	w.enc.Key("choices")
	w.enc.ArrayStart()
	for i := range msgs {
		m := &msgs[i]
		w.enc.ObjectStart()
		w.enc.Key("index")
		w.enc.Int(int64(i))
		w.enc.Key("message")
		w.message(m, "assistant")
		w.enc.Key("finish_reason")
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
	w.enc.Key("role")
	if m.Role == "" {
		w.enc.Str(role)
	} else {
		w.enc.Str(m.Role)
	}
	if m.Name != "" {
		w.enc.Key("name")
		w.enc.Str(m.Name)
	}
	w.enc.Key("content")
	w.content(m)
	if len(m.ToolCalls) > 0 {
		w.enc.Key("tool_calls")
		w.enc.ArrayStart()
		for i := range m.ToolCalls {
			w.toolCall(&m.ToolCalls[i])
		}
		w.enc.ArrayEnd()
	}
	if m.ToolCallID != "" {
		w.enc.Key("tool_call_id")
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
		w.nested.Reset()
		w.nested.Value(parts[0].Value.Value)
		w.enc.StrOf(&w.nested)
		return
	}
	allText := true
	for i := range parts {
		allText = allText && !parts[i].Value.Set
	}
	if allText {
		if len(parts) == 1 {
			w.enc.Str(parts[0].Text)
			return
		}
		texts := make([]string, len(parts))
		for i := range parts {
			texts[i] = parts[i].Text
		}
		w.enc.Str(strings.Join(texts, "\n"))
		return
	}
	w.enc.ArrayStart()
	for i := range parts {
		if parts[i].Value.Set {
			w.enc.Value(parts[i].Value.Value)
			continue
		}
		w.enc.ObjectStart()
		w.enc.Key("type")
		w.enc.Str("text")
		w.enc.Key("text")
		w.enc.Str(parts[i].Text)
		w.enc.ObjectEnd()
	}
	w.enc.ArrayEnd()
}

// toolCall writes {"id","type":"function","function":{"name","arguments"}}; arguments are a
// string holding JSON, as in OpenAI's API.
func (w *Writer) toolCall(c *dialect.ToolCall) {
	w.enc.ObjectStart()
	if c.ID != "" {
		w.enc.Key("id")
		w.enc.Str(c.ID)
	}
	w.function(c.Name)
	if c.Arguments.Set {
		w.enc.Key("arguments")
		if c.Arguments.Type() == pcommon.ValueTypeStr {
			w.enc.Str(c.Arguments.Str())
		} else {
			w.nested.Reset()
			w.nested.Value(c.Arguments.Value)
			w.enc.StrOf(&w.nested)
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
			w.enc.Key("description")
			w.enc.Str(t.Description)
		}
		if t.Parameters.Set {
			w.enc.Key("parameters")
			w.enc.Value(t.Parameters.Value)
		}
		w.enc.ObjectEnd()
		w.enc.ObjectEnd()
	}
	w.enc.ArrayEnd()
}

// function opens the "function" object of a tool call or definition, after its "type" key:
// `"type":"function","function":{"name":name`. The caller closes both objects.
func (w *Writer) function(name string) {
	w.enc.Key("type")
	w.enc.Str("function")
	w.enc.Key("function")
	w.enc.ObjectStart()
	w.enc.Key("name")
	w.enc.Str(name)
}
