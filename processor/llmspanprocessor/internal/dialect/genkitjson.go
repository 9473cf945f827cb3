package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// genkitRequestJSON reads a GenerateRequest held as JSON text, {messages, config, tools}, as
// readGenkit does with jsonMap(input): the messages appended to msgs and the tool definitions to
// tools, with the streaming readers. ok is false for anything it does not read the same way
// (a key given twice, a member held as a string of JSON, malformed input); the caller then
// reads the request the general way. hasMessages tells that msgs holds the request's messages.
func genkitRequestJSON(s string, msgs []Message, tools []Tool) (_ []Message, hasMessages bool, _ []Tool, ok bool) {
	sc := anyjson.NewScanner(s)
	if !sc.Consume('{') {
		return nil, false, nil, false
	}
	var messages, defs jsonField
	if !readFields(&sc, 1, false, genkitRequestKeys[:], &messages, &defs) || !sc.End() {
		return nil, false, nil, false
	}
	if messages.set {
		if msgs, hasMessages, ok = appendMessagesMember(msgs, messages.raw, appendGenkitMessagesJSON, appendGenkitMessagesGeneral); !ok {
			return nil, false, nil, false
		}
	}
	if defs.set {
		if tools, ok = appendToolDefinitionsRaw(tools, defs.raw); !ok {
			return nil, false, nil, false
		}
	}
	return msgs, hasMessages, tools, true
}

// genkitRequestKeys are the members of a GenerateRequest that readGenkit reads.
var genkitRequestKeys = [...]string{"messages", "tools"}

// appendToolDefinitionsRaw appends the definitions in the JSON text raw of a member value as
// appendToolDefinitions reads the value; ok is false for a string of JSON.
func appendToolDefinitionsRaw(tools []Tool, raw string) (_ []Tool, ok bool) {
	switch raw[0] {
	case '[':
		if out, ok := appendToolDefinitionsJSON(tools, raw); ok {
			return out, true
		}
		if v, ok := anyjson.Parse(raw); ok {
			return appendToolDefinitionsGeneral(tools, v), true
		}
	case '"':
		return tools, false
	}
	return tools, true
}

// appendGenkitMessagesJSON is appendGenkitMessages for a list held as JSON text.
func appendGenkitMessagesJSON(msgs []Message, s string) (_ []Message, ok bool) {
	return appendMessagesJSON(msgs, s, genkitShape)
}

// appendContentMessageJSON reads one message {role, content} whose content is a list of parts
// or any other value, as appendGenkitMessages (shape genkitShape) and appendVercelMessages
// (vercelShape) do: the parts are read by the shape's part reader.
func appendContentMessageJSON(msgs []Message, sc *anyjson.Scanner, shape messageShape) []Message {
	if !sc.Consume('{') {
		sc.Fail()
		return msgs
	}
	var msg Message
	var role, content jsonField
	isList, responses := false, 0
	for first := true; ; first = false {
		k, ok := sc.Key(first)
		if !ok {
			break
		}
		switch k {
		case "role":
			readMember(sc, 2, &role, false)
		case "content":
			if content.set || isList {
				sc.Fail() // a key given twice
				break
			}
			if sc.Consume('[') {
				isList = true
				for first := true; sc.Elem(first); first = false {
					if shape == vercelShape {
						msgs = appendVercelPartJSON(msgs, &msg, &responses, sc)
					} else {
						msgs = appendGenkitPartJSON(msgs, &msg, &responses, sc)
					}
				}
			} else {
				content.read(sc, 2, true)
			}
		default:
			sc.Raw(2)
		}
	}
	if sc.Failed() || !role.isStr() {
		sc.Fail()
		return msgs
	}
	msg.Role = role.str
	if shape == genkitShape {
		msg.Role = geminiRole(role.str, "")
	}
	if !isList {
		msg.Parts = content.parts(sc)
		return append(msgs, msg)
	}
	if responses == 0 || len(msg.Parts) > 0 || len(msg.ToolCalls) > 0 {
		msgs = append(msgs, msg)
	}
	return msgs
}

// appendGenkitPartJSON reads one content part into msg, or, for a tool response, into a tool
// message of its own appended to msgs.
func appendGenkitPartJSON(msgs []Message, msg *Message, responses *int, sc *anyjson.Scanner) []Message {
	start := sc.Mark()
	if !sc.Consume('{') {
		sc.Raw(3)
		msg.Parts = append(msg.Parts, opaquePart(sc, start))
		return msgs
	}
	var request, response callMember
	var text jsonField
	for first := true; ; first = false {
		k, ok := sc.Key(first)
		if !ok {
			break
		}
		switch k {
		case "toolRequest":
			request.read(sc, 4, "ref", "input")
		case "toolResponse":
			response.read(sc, 4, "ref", "output")
		case "text":
			readMember(sc, 4, &text, true)
		default:
			sc.Raw(4)
		}
	}
	switch {
	case sc.Failed():
	case request.isObject:
		if !request.id.isStr() || !request.name.isStr() {
			sc.Fail()
			break
		}
		msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: request.id.decoded(), Name: request.name.decoded(), Arguments: request.value.value()})
	case response.isObject:
		if !response.id.isStr() || !response.name.isStr() {
			sc.Fail()
			break
		}
		*responses++
		msgs = append(msgs, Message{Role: "tool", Name: response.name.decoded(), ToolCallID: response.id.decoded(), Parts: response.value.resultParts()})
	case text.set && text.isStr():
		msg.Parts = append(msg.Parts, text.part())
	default:
		msg.Parts = append(msg.Parts, opaquePart(sc, start))
	}
	return msgs
}
