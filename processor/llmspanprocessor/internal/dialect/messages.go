package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// Readers of the message shapes that several conventions share: GenAI messages made of
// parts, and OpenAI chat messages. Values may be structured or strings holding JSON.

// GenAI part types (gen-ai-input-messages.json); other types are kept as they are.
const (
	partText             = "text"
	partToolCall         = "tool_call"
	partToolCallResponse = "tool_call_response"
)

// appendGenAIMessages appends the messages of a GenAI messages value (a list of
// {role, parts, name, finish_reason}) to msgs. ok is false when v is not such a list; msgs is
// then returned unchanged.
func appendGenAIMessages(msgs []Message, v pcommon.Value) (_ []Message, ok bool) {
	v = anyjson.Value(v)
	if v.Type() != pcommon.ValueTypeSlice {
		return msgs, false
	}
	for _, item := range v.Slice().All() {
		if item.Type() != pcommon.ValueTypeMap {
			return msgs, false
		}
	}
	for _, item := range v.Slice().All() {
		msgs = appendGenAIMessage(msgs, item.Map())
	}
	return msgs, true
}

// appendGenAIMessage appends one GenAI message. A tool_call_response part becomes a message of
// its own with role "tool", the shape chat APIs use for tool results.
func appendGenAIMessage(msgs []Message, m pcommon.Map) []Message {
	msg := Message{
		Role:         str(m, "role"),
		Name:         str(m, "name"),
		FinishReason: str(m, "finish_reason"),
	}
	parts, hasParts := m.Get("parts")
	if hasParts {
		parts = anyjson.Value(parts)
	}
	if !hasParts || parts.Type() != pcommon.ValueTypeSlice {
		// Some instrumentations put OpenAI-style messages under the GenAI keys.
		om := openAIMessage(m, msg.Role)
		om.FinishReason = msg.FinishReason
		return append(msgs, om)
	}
	var responses int
	for _, p := range parts.Slice().All() {
		if p.Type() != pcommon.ValueTypeMap {
			msg.Parts = append(msg.Parts, Part{Value: Some(p)})
			continue
		}
		pm := p.Map()
		switch str(pm, "type") {
		case partText:
			msg.Parts = append(msg.Parts, Part{Text: str(pm, "content")})
		case partToolCall:
			msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: str(pm, "id"), Name: str(pm, "name"), Arguments: get(pm, "arguments")})
		case partToolCallResponse:
			responses++
			msgs = append(msgs, Message{Role: "tool", ToolCallID: str(pm, "id"), Parts: contentParts(get(pm, "response"))})
		default:
			msg.Parts = append(msg.Parts, Part{Value: Some(p)})
		}
	}
	if responses > 0 && len(msg.Parts) == 0 && len(msg.ToolCalls) == 0 {
		return msgs // the message held tool results only
	}
	return append(msgs, msg)
}

// openAIMessage reads an OpenAI chat message {role, content, tool_calls, tool_call_id, name};
// role is used when the message has none.
func openAIMessage(m pcommon.Map, role string) Message {
	msg := Message{
		Role:       str(m, "role"),
		Name:       str(m, "name"),
		ToolCallID: str(m, "tool_call_id"),
		Parts:      contentParts(get(m, "content")),
	}
	if msg.Role == "" {
		msg.Role = role
	}
	if tc := get(m, "tool_calls"); tc.Set {
		msg.ToolCalls = openAIToolCalls(tc.Value)
	}
	return msg
}

// contentParts reads message content: a string is one text part; a list holds text parts
// ({type:text, text|content}) and others, kept as they are. A string is never parsed as JSON:
// models often answer with JSON text, and it must stay text.
func contentParts(content Any) []Part {
	if !content.Set {
		return nil
	}
	switch content.Type() {
	case pcommon.ValueTypeEmpty:
		return nil
	case pcommon.ValueTypeStr:
		return []Part{{Text: content.Str()}}
	case pcommon.ValueTypeSlice:
		parts := make([]Part, 0, content.Slice().Len())
		for _, p := range content.Slice().All() {
			if p.Type() == pcommon.ValueTypeMap && str(p.Map(), "type") == partText {
				text := get(p.Map(), "text")
				if !text.Set {
					text = get(p.Map(), "content")
				}
				if text.Set && text.Type() == pcommon.ValueTypeStr {
					parts = append(parts, Part{Text: text.Str()})
					continue
				}
			}
			parts = append(parts, Part{Value: Some(p)})
		}
		return parts
	default:
		return []Part{{Value: content}}
	}
}

// openAIToolCalls reads [{id, type, function: {name, arguments}}]; a flat {id, name, arguments}
// is accepted too.
func openAIToolCalls(v pcommon.Value) []ToolCall {
	v = anyjson.Value(v)
	if v.Type() != pcommon.ValueTypeSlice {
		return nil
	}
	calls := make([]ToolCall, 0, v.Slice().Len())
	for _, item := range v.Slice().All() {
		if item.Type() != pcommon.ValueTypeMap {
			continue
		}
		call := item.Map()
		fn := call
		if f, ok := call.Get("function"); ok && f.Type() == pcommon.ValueTypeMap {
			fn = f.Map()
		}
		calls = append(calls, ToolCall{ID: str(call, "id"), Name: str(fn, "name"), Arguments: get(fn, "arguments")})
	}
	return calls
}

// appendToolDefinitions reads tool definitions, GenAI [{type, name, description, parameters}]
// or OpenAI [{type, function: {name, description, parameters}}].
func appendToolDefinitions(tools []Tool, v pcommon.Value) []Tool {
	v = anyjson.Value(v)
	if v.Type() != pcommon.ValueTypeSlice {
		return tools
	}
	for _, item := range v.Slice().All() {
		if item.Type() != pcommon.ValueTypeMap {
			continue
		}
		def := item.Map()
		if f, ok := def.Get("function"); ok && f.Type() == pcommon.ValueTypeMap {
			def = f.Map()
		}
		name := str(def, "name")
		if name == "" {
			continue
		}
		params := get(def, "parameters")
		if params.Set {
			params = Some(anyjson.Value(params.Value))
		}
		tools = append(tools, Tool{Name: name, Description: str(def, "description"), Parameters: params})
	}
	return tools
}

// hasRole reports whether a message has the given role.
func hasRole(msgs []Message, role string) bool {
	for i := range msgs {
		if msgs[i].Role == role {
			return true
		}
	}
	return false
}

func get(m pcommon.Map, k string) Any {
	if v, ok := m.Get(k); ok {
		return Some(v)
	}
	return Any{}
}

// str returns m[k] as a string; "" when absent or not a scalar.
func str(m pcommon.Map, k string) string {
	v, ok := m.Get(k)
	if !ok {
		return ""
	}
	return scalarString(v)
}

// scalarString returns a string, number or bool as a string, and "" for anything else: a list
// where a name belongs is a malformed value, not a name.
func scalarString(v pcommon.Value) string {
	switch v.Type() {
	case pcommon.ValueTypeMap, pcommon.ValueTypeSlice, pcommon.ValueTypeBytes, pcommon.ValueTypeEmpty:
		return ""
	default:
		return v.AsString()
	}
}
