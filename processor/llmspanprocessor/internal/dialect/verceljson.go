package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// appendVercelMessagesJSON is appendVercelMessages for a list held as JSON text, read with the
// streaming scanner in the manner of appendGenAIMessagesJSON.
func appendVercelMessagesJSON(msgs []Message, s string) (_ []Message, ok bool) {
	return appendMessagesJSON(msgs, s, vercelShape, nil)
}

// vercelPartKeys are the members of an AI SDK content part that appendVercelMessages reads.
var vercelPartKeys = [...]string{"type", "text", "toolCallId", "toolName", "input", "args", "output", "result"}

// appendVercelPartJSON reads one content part into msg, or, for a tool result, into a tool
// message of its own appended to msgs.
func appendVercelPartJSON(msgs []Message, msg *Message, results *int, sc *anyjson.Scanner) []Message {
	start := sc.Mark()
	if !sc.Consume('{') {
		sc.Raw(3)
		msg.Parts = append(msg.Parts, opaquePart(sc, start))
		return msgs
	}
	var typ, text, id, name, input, args, output, result jsonField
	if !readFields(sc, 4, true, vercelPartKeys[:], &typ, &text, &id, &name, &input, &args, &output, &result) {
		return msgs
	}
	if !typ.isStr() || !text.isStr() || !id.isStr() || !name.isStr() {
		sc.Fail() // a scalar where str reads a number or bool as text: for the general reader
		return msgs
	}
	switch typ.decoded() {
	case "text":
		msg.Parts = append(msg.Parts, text.part())
	case "tool-call":
		if !input.set {
			input = args
		}
		msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: id.decoded(), Name: name.decoded(), Arguments: input.value()})
	case "tool-result":
		out, ok := vercelToolOutputJSON(output, result)
		if !ok {
			sc.Fail()
			return msgs
		}
		*results++
		msgs = append(msgs, Message{Role: "tool", Name: name.decoded(), ToolCallID: id.decoded(), Parts: out.resultParts()})
	default:
		msg.Parts = append(msg.Parts, opaquePart(sc, start))
	}
	return msgs
}

// vercelToolOutputJSON is vercelToolOutput on a part's output and result members: AI SDK 5's
// {type, value} output unwrapped. ok is false for an output whose type is not a string.
func vercelToolOutputJSON(output, result jsonField) (_ jsonField, ok bool) {
	if !output.set {
		return result, true
	}
	if output.raw[0] != '{' {
		return output, true
	}
	sc := anyjson.NewScanner(output.raw)
	sc.Consume('{')
	var typ, value jsonField
	if !readFields(&sc, 1, true, vercelOutputKeys[:], &typ, &value) || !typ.isStr() {
		return jsonField{}, false
	}
	if typ.set && typ.str != "" && value.set {
		return value, true
	}
	return output, true
}

// vercelOutputKeys are the members of an AI SDK 5 tool output.
var vercelOutputKeys = [...]string{"type", "value"}
