package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// appendGenAIMessagesJSON is appendGenAIMessages for a list held as JSON text, read with a
// streaming scanner instead of parsing the whole list into pdata values: text, roles and ids
// are substrings of the attribute, and only values passed on as they are (tool call
// arguments, non-text parts, structured tool results) are parsed, each on its own. It reads
// the plain shape only: on anything else (a key given twice, a non-string role, a message
// without a parts list, a part that is not an object, malformed JSON) it reports false and the
// caller reads the value the general way, which decides. It never reads a value differently.
func appendGenAIMessagesJSON(msgs []Message, s string) (_ []Message, ok bool) {
	sc := anyjson.NewScanner(s)
	if !sc.Consume('[') {
		return msgs, false
	}
	n := len(msgs)
	for first := true; sc.Elem(first); first = false {
		msgs = appendGenAIMessageJSON(msgs, &sc)
	}
	if !sc.End() {
		return msgs[:n], false
	}
	return msgs, true
}

// Depths in a GenAI message list, as anyjson counts them: the list is 0.
const (
	depthMessageValue = 2 // a message's member values
	depthPartValue    = 4 // a part's member values
)

// appendGenAIMessageJSON reads one message as appendGenAIMessage does.
func appendGenAIMessageJSON(msgs []Message, sc *anyjson.Scanner) []Message {
	if !sc.Consume('{') {
		sc.Fail()
		return msgs
	}
	var msg Message
	var seen uint8
	const seenRole, seenName, seenFinish, seenParts = 1, 2, 4, 8
	responses := 0
	once := func(bit uint8) bool {
		if seen&bit != 0 {
			sc.Fail()
			return false
		}
		seen |= bit
		return true
	}
	for first := true; ; first = false {
		k, ok := sc.Key(first)
		if !ok {
			break
		}
		switch k {
		case "role":
			if once(seenRole) {
				msg.Role, _ = sc.Str()
			}
		case "name":
			if once(seenName) {
				msg.Name, _ = sc.Str()
			}
		case "finish_reason":
			if once(seenFinish) {
				msg.FinishReason, _ = sc.Str()
			}
		case "parts":
			if !once(seenParts) || !sc.Consume('[') {
				sc.Fail()
				break
			}
			for first := true; sc.Elem(first); first = false {
				msgs = appendGenAIPartJSON(msgs, &msg, &responses, sc)
			}
		default:
			sc.Raw(depthMessageValue)
		}
	}
	if sc.Failed() || seen&seenParts == 0 {
		sc.Fail() // without parts: an OpenAI-style message, for the general reader
		return msgs
	}
	if responses > 0 && len(msg.Parts) == 0 && len(msg.ToolCalls) == 0 {
		return msgs // the message held tool results only
	}
	return append(msgs, msg)
}

// appendGenAIPartJSON reads one part into msg, or, for a tool result, into a tool message of
// its own appended to msgs.
func appendGenAIPartJSON(msgs []Message, msg *Message, responses *int, sc *anyjson.Scanner) []Message {
	start := sc.Mark() // the part's text, kept for part types passed on as they are
	if !sc.Consume('{') {
		sc.Fail() // a part that is not an object
		return msgs
	}
	// Strings are decoded as they are met, other values kept as JSON text; a key given twice
	// is left to the general reader.
	var typ, content, id, name, args, response, result jsonField
	for first := true; ; first = false {
		k, ok := sc.Key(first)
		if !ok {
			break
		}
		var f *jsonField
		switch k {
		case "type":
			f = &typ
		case "content":
			f = &content
		case "id":
			f = &id
		case "name":
			f = &name
		case "arguments":
			f = &args
		case "response":
			f = &response
		case "result":
			f = &result
		default:
			sc.Raw(depthPartValue)
			continue
		}
		if f.set {
			sc.Fail()
			break
		}
		f.read(sc)
	}
	// type and id and name must be strings, and a text part's content too: other values
	// follow the general reader's rules.
	if sc.Failed() || !typ.isStr() || !id.isStr() || !name.isStr() {
		sc.Fail()
		return msgs
	}
	switch typ.str {
	case partText:
		if !content.isStr() {
			sc.Fail()
			return msgs
		}
		msg.Parts = append(msg.Parts, Part{Text: content.str})
	case partToolCall:
		msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: id.str, Name: name.str, Arguments: args.value(sc)})
	case partToolCallResponse:
		*responses++
		resp := response
		if !resp.set {
			resp = result // Pydantic AI's spelling
		}
		msgs = append(msgs, Message{Role: "tool", ToolCallID: id.str, Parts: contentParts(resp.value(sc))})
	default:
		msg.Parts = append(msg.Parts, Part{Value: jsonField{set: true, raw: sc.Since(start)}.value(sc)})
	}
	return msgs
}

// jsonField is one member value: a decoded string, or the JSON text of another value.
type jsonField struct {
	set bool
	str string // when raw is ""
	raw string
}

func (f *jsonField) read(sc *anyjson.Scanner) {
	f.set = true
	if sc.Peek() == '"' {
		f.str, _ = sc.Str()
	} else {
		f.raw = sc.Raw(depthPartValue)
	}
}

// isStr reports whether the field is absent (read as "") or a string.
func (f *jsonField) isStr() bool { return f.raw == "" }

// value returns the field as the general reader has it: absent, a string, or parsed.
func (f jsonField) value(sc *anyjson.Scanner) Any {
	switch {
	case !f.set:
		return Any{}
	case f.raw == "":
		return Some(pcommon.NewValueStr(f.str))
	}
	v, ok := anyjson.Parse(f.raw)
	if !ok {
		sc.Fail()
		return Any{}
	}
	return Some(v)
}
