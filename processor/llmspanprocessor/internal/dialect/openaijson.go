package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// Streaming readers of OpenAI chat messages held as JSON text, in the manner of
// appendGenAIMessagesJSON: they read the plain shape only, report false on anything else,
// and the caller then reads the value the general way, which decides.

// appendOpenAIMessagesJSON is appendOpenAIMessages for a list held as JSON text.
func appendOpenAIMessagesJSON(msgs []Message, s string, a *arena) (_ []Message, ok bool) {
	out, ok := appendMessagesJSON(msgs, s, openAIShape, a)
	if !ok || len(out) == len(msgs) { // an empty list is not messages
		return msgs, false
	}
	return out, true
}

// appendOpenAIMessageJSON reads one message, which must have a role, keeping its parts and tool
// calls in a (when not nil).
func appendOpenAIMessageJSON(msgs []Message, sc *anyjson.Scanner, a *arena) []Message {
	var o openAIFields
	if !sc.Consume('{') || !o.read(sc, depthMessageValue) {
		sc.Fail()
		return msgs
	}
	msg, ok := o.message(sc, "", a)
	if !ok || msg.Role == "" {
		sc.Fail()
		return msgs
	}
	return append(msgs, msg)
}

// openAIMessageJSON is openAIMessage(m, role) for one message object m held as JSON text.
func openAIMessageJSON(s, role string) (Message, bool) {
	sc := anyjson.NewScanner(s)
	var o openAIFields
	if !sc.Consume('{') || !o.read(&sc, 1) || !sc.End() {
		return Message{}, false
	}
	return o.message(&sc, role, nil)
}

// openAIMessageJSONValue is openAIMessageJSON for a value that is a string; false for any other.
func openAIMessageJSONValue(v pcommon.Value, role string) (Message, bool) {
	if v.Type() != pcommon.ValueTypeStr {
		return Message{}, false
	}
	return openAIMessageJSON(v.Str(), role)
}

// openAIFields are the members of an OpenAI chat message that openAIMessage reads.
type openAIFields struct {
	role, name, toolCallID, content, toolCalls jsonField
}

// field returns the field that holds member k, and whether its string is message text; nil
// for a member openAIMessage does not read.
func (o *openAIFields) field(k string) (f *jsonField, text bool) {
	switch k {
	case "role":
		return &o.role, false
	case "name":
		return &o.name, false
	case "tool_call_id":
		return &o.toolCallID, false
	case "content":
		return &o.content, true
	case "tool_calls":
		return &o.toolCalls, false
	}
	return nil, false
}

// read reads the members of an object whose '{' was consumed, their values at depth. It
// reports false on malformed input and on a key given twice.
func (o *openAIFields) read(sc *anyjson.Scanner, depth int) bool {
	for first := true; ; first = false {
		k, ok := sc.Key(first)
		if !ok {
			return !sc.Failed()
		}
		if f, text := o.field(k); !readMember(sc, depth, f, text) {
			return false
		}
	}
}

// message returns the message as openAIMessage(m, role) reads it, and false where that reads
// the fields differently (a role, name or id that is not a string, tool calls held as a string).
// Its parts and tool calls are kept in a (when not nil).
func (o *openAIFields) message(sc *anyjson.Scanner, role string, a *arena) (Message, bool) {
	if !o.role.isStr() || !o.name.isStr() || !o.toolCallID.isStr() {
		return Message{}, false
	}
	msg := Message{Role: o.role.str, Name: o.name.str, ToolCallID: o.toolCallID.str, Parts: o.content.partsIn(sc, a)}
	if msg.Role == "" {
		msg.Role = role
	}
	if o.toolCalls.set {
		calls, ok := toolCallsMemberJSON(o.toolCalls.raw, a)
		if !ok {
			return Message{}, false
		}
		msg.ToolCalls = calls
	}
	return msg, !sc.Failed()
}

// toolCallsMemberJSON reads the JSON text of a message's tool_calls member as openAIToolCalls
// reads its value: a list's calls, none for any other value except a string, which it declines
// (openAIToolCalls parses a string holding JSON).
func toolCallsMemberJSON(raw string, a *arena) ([]ToolCall, bool) {
	switch raw[0] {
	case '[':
		return toolCallsJSON(raw, a)
	case '"':
		return nil, false
	}
	return nil, true
}

// toolCallsJSON is openAIToolCalls for a list of calls held as JSON text: items that are not
// objects are skipped, a call's "function" object (when it has one) gives the name and arguments,
// and a LangChain tool call's "args" are its arguments. The calls are kept in a (when not nil).
func toolCallsJSON(s string, a *arena) (_ []ToolCall, ok bool) {
	sc := anyjson.NewScanner(s)
	if !sc.Consume('[') {
		return nil, false
	}
	var calls []ToolCall
	for first := true; sc.Elem(first); first = false {
		if !sc.Consume('{') {
			sc.Raw(1)
			continue
		}
		var id, name, args, fn, lcArgs jsonField
		if !readFields(&sc, 2, false, toolCallKeys[:], &id, &name, &args, &fn, &lcArgs) {
			return nil, false
		}
		if !args.set {
			args = lcArgs
		}
		if fn.set && fn.raw[0] == '{' { // the function object names the function, not the call
			// Read again from its text, as appendToolDefinitionJSON reads a definition's.
			fsc := anyjson.NewScanner(fn.raw)
			fsc.Consume('{')
			name, args = jsonField{}, jsonField{}
			if !readFields(&fsc, 1, false, toolFunctionKeys[:], &name, &args) {
				return nil, false
			}
		}
		if !id.isStr() || !name.isStr() {
			return nil, false
		}
		calls = a.addCall(calls, ToolCall{ID: id.str, Name: name.str, Arguments: args.value()})
	}
	if !sc.End() {
		return nil, false
	}
	return calls, true
}

// The members of a call and of its "function" object that toolCallsJSON reads.
var (
	toolCallKeys     = [...]string{"id", "name", "arguments", "function", "args"}
	toolFunctionKeys = [...]string{"name", "arguments"}
)
