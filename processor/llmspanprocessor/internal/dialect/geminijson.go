package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// Streaming readers of Gemini contents held as JSON text, in the manner of
// appendGenAIMessagesJSON: they read the plain shape only, report false on anything else,
// and the caller then reads the value the general way, which decides.

// appendGeminiContentsJSON is appendGeminiContents for a list held as JSON text.
func appendGeminiContentsJSON(msgs []Message, s string) (_ []Message, ok bool) {
	out, ok := appendMessagesJSON(msgs, s, geminiShape, nil)
	if !ok || len(out) == len(msgs) { // an empty list is not contents
		return msgs, false
	}
	return out, true
}

// appendGeminiContentJSON reads the content object that is next, at depth, as
// appendGeminiContent(msgs, c, role) does; requireParts fails the scan on a content without a
// parts list, which appendGeminiContents does not read as contents.
func appendGeminiContentJSON(msgs []Message, sc *anyjson.Scanner, depth int, role string, requireParts bool) []Message {
	if !sc.Consume('{') {
		sc.Fail()
		return msgs
	}
	var msg Message
	var roleField jsonField
	seenParts, responses := false, 0
	for first := true; ; first = false {
		k, ok := sc.Key(first)
		if !ok {
			break
		}
		switch k {
		case "role":
			readMember(sc, depth+1, &roleField, false)
		case "parts":
			if seenParts || !sc.Consume('[') {
				sc.Fail() // given twice, or not a list: for the general reader
				break
			}
			seenParts = true
			for first := true; sc.Elem(first); first = false {
				msgs = appendGeminiPartJSON(msgs, &msg, &responses, sc, depth+2)
			}
		default:
			sc.Raw(depth + 1)
		}
	}
	if sc.Failed() || !roleField.isStr() || requireParts && !seenParts {
		sc.Fail()
		return msgs
	}
	msg.Role = geminiRole(roleField.str, role)
	if responses > 0 && len(msg.Parts) == 0 && len(msg.ToolCalls) == 0 {
		return msgs // the content held function responses only
	}
	return append(msgs, msg)
}

// callMember is a part member that describes a call or a result (Gemini's function_call and
// function_response, Bedrock's toolUse and toolResult): its id, name and value (the arguments
// or the result), when the member is an object.
type callMember struct {
	seen, isObject  bool
	id, name, value jsonField
}

// read reads the member's value, at depth; idKey and valueKey name its id and value members.
// Strings are kept as written (Scanner.Text): the id and name are decoded where used.
func (c *callMember) read(sc *anyjson.Scanner, depth int, idKey, valueKey string) {
	if c.seen {
		sc.Fail() // a key given twice
		return
	}
	c.seen = true
	if !sc.Consume('{') {
		sc.Raw(depth) // not an object: not a call, as for geminiField
		return
	}
	c.isObject = true
	keys := [...]string{idKey, "name", valueKey}
	readFields(sc, depth+1, true, keys[:], &c.id, &c.name, &c.value)
}

// either returns snake when it is an object, else camel: geminiField's precedence.
func either(snake, camel *callMember) *callMember {
	if snake.isObject {
		return snake
	}
	return camel
}

// appendGeminiPartJSON reads one part, at depth, into msg, or, for a function response, into a
// tool message of its own appended to msgs.
func appendGeminiPartJSON(msgs []Message, msg *Message, responses *int, sc *anyjson.Scanner, depth int) []Message {
	start := sc.Mark()
	if !sc.Consume('{') {
		sc.Raw(depth)
		msg.Parts = append(msg.Parts, opaquePart(sc, start))
		return msgs
	}
	var call, callCamel, resp, respCamel callMember
	var text, thought jsonField
	for first := true; ; first = false {
		k, ok := sc.Key(first)
		if !ok {
			break
		}
		switch k {
		case "function_call":
			call.read(sc, depth+1, "id", "args")
		case "functionCall":
			callCamel.read(sc, depth+1, "id", "args")
		case "function_response":
			resp.read(sc, depth+1, "id", "response")
		case "functionResponse":
			respCamel.read(sc, depth+1, "id", "response")
		case "text":
			readMember(sc, depth+1, &text, true)
		case "thought":
			readMember(sc, depth+1, &thought, false)
		default:
			sc.Raw(depth + 1)
		}
	}
	if sc.Failed() {
		return msgs
	}
	if c := either(&call, &callCamel); c.isObject {
		if !c.id.isStr() || !c.name.isStr() {
			sc.Fail()
			return msgs
		}
		msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: c.id.decoded(), Name: c.name.decoded(), Arguments: c.value.value()})
		return msgs
	}
	if r := either(&resp, &respCamel); r.isObject {
		if !r.id.isStr() || !r.name.isStr() {
			sc.Fail()
			return msgs
		}
		*responses++
		return append(msgs, Message{Role: "tool", Name: r.name.decoded(), ToolCallID: r.id.decoded(), Parts: r.value.resultParts()})
	}
	if text.set && text.isStr() && thought.raw != "true" {
		msg.Parts = append(msg.Parts, text.part())
		return msgs
	}
	msg.Parts = append(msg.Parts, opaquePart(sc, start))
	return msgs
}

// resultParts returns a function response as resultParts reads it: text as a text part, null
// or absent as none, any other value as it is.
func (f *jsonField) resultParts() []Part {
	switch {
	case !f.set || f.raw == "null":
		return nil
	case f.isStr():
		return []Part{f.part()}
	}
	return []Part{{Value: f.json()}}
}
