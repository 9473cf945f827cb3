package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// genkitRequest is what genkitRequestJSON read: the messages appended to the caller's, whether
// the request had messages, the tool definitions appended to the caller's, and the model.
type genkitRequest struct {
	msgs        []Message
	hasMessages bool
	tools       []Tool
	model       string
}

// genkitRequestJSON reads a GenerateRequest held as JSON text, {messages, config, tools}, or,
// when generate is true, GenerateActionOptions, {model, messages, tools, config}, whose tools
// it skips, as readGenkitRequest does with jsonMap(input): the messages appended to msgs and
// the tool definitions to tools, with the streaming readers. ok is false for anything it does
// not read the same way (a key given twice, a member held as a string of JSON, a model that is
// not a string, malformed input); the caller then reads the request the general way.
func genkitRequestJSON(s string, msgs []Message, tools []Tool, generate bool) (r genkitRequest, ok bool) {
	sc := anyjson.NewScanner(s)
	if !sc.Consume('{') {
		return r, false
	}
	var messages, defs, model jsonField
	keys, second := genkitRequestKeys[:], &defs
	if generate {
		keys, second = genkitGenerateKeys[:], &model
	}
	if !readFields(&sc, 1, false, keys, &messages, second) || !sc.End() || !model.isStr() {
		return r, false
	}
	r.msgs, r.tools, r.model = msgs, tools, model.str
	if messages.set {
		if r.msgs, r.hasMessages, ok = appendMessagesMember(msgs, messages.raw, appendGenkitMessagesJSON, appendGenkitMessagesGeneral); !ok {
			return genkitRequest{}, false
		}
	}
	if defs.set {
		if r.tools, ok = appendToolDefinitionsRaw(tools, defs.raw); !ok {
			return genkitRequest{}, false
		}
	}
	return r, true
}

// genkitRequestKeys and genkitGenerateKeys are the members that readGenkitRequest reads of a
// GenerateRequest and of GenerateActionOptions.
var (
	genkitRequestKeys  = [...]string{"messages", "tools"}
	genkitGenerateKeys = [...]string{"messages", "model"}
)

// genkitVectorsJSON returns the vectors of an EmbedResponse held as JSON text, {embeddings:
// [{embedding, metadata}]}, as the JSON text of their list, copied rather than parsed, for they
// are long; ok is false for any other shape.
func genkitVectorsJSON(s string) (string, bool) {
	sc := anyjson.NewScanner(s)
	var list jsonField
	if !sc.Consume('{') || !readFields(&sc, 1, false, genkitEmbedResponseKeys[:1], &list) || !sc.End() ||
		!list.set || list.raw[0] != '[' {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(list.raw))
	b.WriteByte('[')
	sc = anyjson.NewScanner(list.raw)
	sc.Consume('[')
	for first := true; sc.Elem(first); first = false {
		var vector jsonField
		if !sc.Consume('{') || !readFields(&sc, 3, false, genkitEmbedResponseKeys[1:], &vector) ||
			!vector.set || vector.raw[0] != '[' {
			return "", false
		}
		if !first {
			b.WriteByte(',')
		}
		b.WriteString(vector.raw)
	}
	if !sc.End() {
		return "", false
	}
	b.WriteByte(']')
	return b.String(), true
}

// genkitEmbedResponseKeys are the members of an EmbedResponse and of its embeddings that
// genkitVectorsJSON reads.
var genkitEmbedResponseKeys = [...]string{"embeddings", "embedding"}

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
	return appendMessagesJSON(msgs, s, genkitShape, nil)
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
