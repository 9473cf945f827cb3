package mlflowattr // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/mlflowattr"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"
)

// Messages are written in the OpenAI chat shapes that MLflow's own OpenAI autolog records and
// its UI renders as a conversation: {"messages":[...]} in, {"choices":[...]} out.

// finishReasons maps GenAI finish reasons to OpenAI's where they differ.
var finishReasons = map[string]string{"tool_call": "tool_calls"}

// MLflow's chat view is all or nothing: it shows a span's messages only when every one has a
// role of user, assistant, system or tool, content that is null, a string or parts it knows
// (isContentPart), and tool calls with a string id, name and arguments. So the writer only
// writes messages that pass those checks (MLflow 3.17.2, ModelTraceExplorer.utils.tsx).

// roleAliases maps other roles, compared in lower case, to the one the chat view takes in their
// place. Any other role becomes the side's default: user for inputs, assistant for outputs.
var roleAliases = map[string]string{
	"user": "user", "assistant": "assistant", "system": "system", "tool": "tool",
	"developer": "system",    // OpenAI's newer name for system
	"model":     "assistant", // Gemini
	"function":  "tool",      // OpenAI's legacy function results
	"human":     "user",      // LangChain's message types
	"ai":        "assistant",
}

// roleThinking is the role OpenLLMetry gives Anthropic's thinking, a message of its own before
// the answer (gen_ai.completion.0.role): the writer folds it into the answer's reasoning.
const roleThinking = "thinking"

// chatRole returns the role written for role, def when the source gave none.
func chatRole(role, def string) string {
	switch role {
	case "user", "assistant", "system", "tool": // no lookup for the common case
		return role
	case "":
		return def
	}
	if r, ok := roleAliases[strings.ToLower(role)]; ok {
		return r
	}
	return def
}

// eachMessage calls fn for each message msgs are written as: a thinking message is folded
// into the assistant message after it, or into noMessage when none follows.
func eachMessage(msgs []dialect.Message, def string, fn func(m, thinking *dialect.Message)) {
	for i := 0; i < len(msgs); i++ {
		if msgs[i].Role != roleThinking {
			fn(&msgs[i], nil)
			continue
		}
		thinking := &msgs[i]
		if i+1 < len(msgs) && msgs[i+1].Role != roleThinking && chatRole(msgs[i+1].Role, def) == "assistant" {
			i++
			fn(&msgs[i], thinking)
		} else {
			fn(&noMessage, thinking)
		}
	}
}

// noMessage is the empty assistant message a thinking message with no answer is folded into.
var noMessage = dialect.Message{Role: "assistant"}

func (w *Writer) chatRequest(msgs []dialect.Message) {
	w.enc.ObjectStart()
	w.enc.Field("messages")
	w.enc.ArrayStart()
	eachMessage(msgs, "user", func(m, thinking *dialect.Message) { w.message(m, thinking, "user") })
	w.enc.ArrayEnd()
	w.enc.ObjectEnd()
}

func (w *Writer) chatResponse(msgs []dialect.Message) {
	w.enc.ObjectStart()
	w.enc.Field("choices")
	w.enc.ArrayStart()
	index := int64(0)
	eachMessage(msgs, "assistant", func(m, thinking *dialect.Message) {
		w.enc.ObjectStart()
		w.enc.Field("index")
		w.enc.Int(index)
		index++
		w.enc.Field("message")
		w.message(m, thinking, "assistant")
		w.enc.Field("finish_reason")
		fr := m.FinishReason
		if fr == "" && thinking != nil {
			fr = thinking.FinishReason
		}
		switch {
		case fr == "":
			w.enc.Null()
		case finishReasons[fr] != "":
			w.enc.Str(finishReasons[fr])
		default:
			w.enc.Str(fr)
		}
		w.enc.ObjectEnd()
	})
	w.enc.ArrayEnd()
	w.enc.ObjectEnd()
}

// message writes one chat message, with the reasoning of thinking, a folded thinking message,
// when not nil; def is the role used when the source gave none or one MLflow does not take.
func (w *Writer) message(m, thinking *dialect.Message, def string) {
	role := chatRole(m.Role, def)
	w.enc.ObjectStart()
	w.enc.Field("role")
	w.enc.Str(role)
	if m.Name != "" {
		w.enc.Field("name")
		w.enc.Str(m.Name)
	}
	w.enc.Field("content")
	reasoning := w.content(m, role == "tool" || m.ToolCallID != "")
	if reasoning || thinking != nil && len(thinking.Parts) > 0 {
		w.enc.Field("reasoning")
		w.reasoning(thinking)
	}
	// The classes may hold strings of parts parsed for them: drop them so that the Writer
	// does not keep them alive.
	clear(w.kinds)
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
// part, the JSON text of a tool result, or else content parts that MLflow's chat view shows
// (see classify). It reports whether the message has reasoning parts, which are not content:
// reasoning writes them.
func (w *Writer) content(m *dialect.Message, tool bool) (reasoning bool) {
	parts := m.Parts
	w.kinds = w.kinds[:0]
	if len(parts) == 1 && parts[0].Value.Set && tool {
		w.nestedJSON(parts[0].Value)
		return false
	}
	texts, others := 0, 0
	for i := range parts {
		var c partClass // a text part: kindText, without classifying
		if parts[i].Value.Set {
			c = classify(parts[i].Value)
		}
		w.kinds = append(w.kinds, c)
		switch c.kind {
		case kindText, kindString:
			texts++
		case kindReasoning:
			reasoning = true
		default:
			others++
		}
	}
	switch {
	case texts == 0 && others == 0:
		w.enc.Null()
	case others == 0:
		w.enc.StrBegin()
		j := joiner{enc: &w.enc}
		for i, c := range w.kinds {
			switch c.kind {
			case kindString:
				j.piece(c.text, false)
			case kindText:
				j.piece(parts[i].Text, parts[i].Encoded)
			}
		}
		w.enc.StrEnd()
	default:
		w.enc.ArrayStart()
		for i, c := range w.kinds {
			if c.kind != kindReasoning {
				w.part(parts[i], c)
			}
		}
		w.enc.ArrayEnd()
	}
	return reasoning
}

// part writes one content part as classify told.
func (w *Writer) part(p dialect.Part, c partClass) {
	switch c.kind {
	case kindKeep:
		w.any(&w.enc, p.Value)
	case kindImage:
		w.openPart("image_url", "url")
		w.enc.Str(c.text)
		w.closePart()
	case kindImageData:
		w.openPart("image_url", "url")
		w.enc.StrBegin() // data:<mime>;base64,<content>
		w.enc.StrPiece("data:", false)
		w.enc.StrPiece(c.mime, false)
		w.enc.StrPiece(";base64,", false)
		w.enc.StrPiece(c.text, false)
		w.enc.StrEnd()
		w.closePart()
	case kindAudio:
		w.openPart("input_audio", "data")
		w.enc.Str(c.text)
		w.enc.Field("format")
		w.enc.Str(c.mime)
		w.closePart()
	default:
		w.enc.ObjectStart()
		w.enc.Field("type")
		w.enc.Str("text")
		w.enc.Field("text")
		switch c.kind {
		case kindText:
			w.text(p)
		case kindString:
			w.enc.Str(c.text)
		default: // kindJSON
			w.nestedJSON(p.Value)
		}
		w.enc.ObjectEnd()
	}
}

// openPart opens an OpenAI content part {"type":typ,typ:{key: and closePart closes it, after
// its value and any other members.
func (w *Writer) openPart(typ, key string) {
	w.enc.ObjectStart()
	w.enc.Field("type")
	w.enc.Str(typ)
	w.enc.Field(typ)
	w.enc.ObjectStart()
	w.enc.Field(key)
}

func (w *Writer) closePart() {
	w.enc.ObjectEnd()
	w.enc.ObjectEnd()
}

// reasoning writes the "reasoning" string that MLflow's chat view shows, folded, above a
// message: the text of thinking, a folded thinking message, then of the message's reasoning
// parts (as content classified them in w.kinds), joined by newlines.
func (w *Writer) reasoning(thinking *dialect.Message) {
	w.enc.StrBegin()
	j := joiner{enc: &w.enc}
	if thinking != nil {
		for _, p := range thinking.Parts {
			if !p.Value.Set {
				j.piece(p.Text, p.Encoded)
				continue
			}
			switch c := classify(p.Value); c.kind {
			case kindReasoning, kindString:
				j.piece(c.text, false)
			default: // not text: its JSON text, as in content
				w.nested.Reset()
				w.any(&w.nested, p.Value)
				j.piece(string(w.nested.Bytes()), false)
			}
		}
	}
	for _, c := range w.kinds {
		if c.kind == kindReasoning {
			j.piece(c.text, false)
		}
	}
	w.enc.StrEnd()
}

// joiner writes pieces into one JSON string, opened and closed by its caller, separated by
// newlines: the text parts of a message's content, or its reasoning.
type joiner struct {
	enc     *anyjson.Encoder
	started bool
}

func (j *joiner) piece(s string, encoded bool) {
	if j.started {
		j.enc.StrPiece(`\n`, true)
	}
	j.started = true
	j.enc.StrPiece(s, encoded)
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
	// MLflow's chat view takes a call only with a string id and arguments: those it lacks are
	// written as MLflow's own OTel translator does (chat-utils/otel.ts), the name for the id and
	// "{}" for the arguments.
	w.enc.ObjectStart()
	w.enc.Field("id")
	if c.ID != "" {
		w.enc.Str(c.ID)
	} else {
		w.enc.Str(c.Name)
	}
	w.function(c.Name)
	w.enc.Field("arguments")
	switch {
	case !c.Arguments.Set:
		w.enc.Str("{}")
	case c.Arguments.JSON == "" && c.Arguments.Type() == pcommon.ValueTypeStr:
		w.enc.Str(c.Arguments.Str())
	default:
		w.nestedJSON(c.Arguments)
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
