package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// Streaming readers of Strands' values held as JSON text, in the manner of
// appendGenAIMessagesJSON: they read the plain shape only, report false on anything else,
// and the caller then reads the value the general way, which decides.

// strandsPartJSON is strandsPart for GenAI messages held as JSON text: the list is scanned, and
// only the one member value returned is parsed (strandsResult reads it as a pdata value).
func strandsPartJSON(s, key string) (_ Any, ok bool) {
	sc := anyjson.NewScanner(s)
	if !sc.Consume('[') {
		return Any{}, false
	}
	var parts jsonField
	isMap := false
	for first := true; sc.Elem(first); first = false {
		switch {
		case !first:
			sc.Raw(1)
		case sc.Consume('{'):
			isMap = readFields(&sc, 2, false, strandsMessageKeys[:], &parts)
		default:
			sc.Raw(1)
		}
	}
	if !sc.End() {
		return Any{}, false
	}
	if !isMap || !parts.set || parts.raw[0] != '[' {
		return Any{}, true // strandsPart finds no such part either
	}
	// The first part, when it is an object, and its member key.
	psc := anyjson.NewScanner(parts.raw)
	psc.Consume('[')
	var value jsonField
	if psc.Elem(true) && psc.Consume('{') && !readFields(&psc, 2, false, []string{key}, &value) {
		return Any{}, false
	}
	if psc.Failed() {
		return Any{}, false
	}
	return value.parsed()
}

// strandsMessageKeys are the members of a GenAI message that strandsPartJSON reads.
var strandsMessageKeys = [...]string{"parts"}

// appendStrandsMessageJSON is appendStrandsMessage for content blocks held as a JSON list.
func appendStrandsMessageJSON(msgs []Message, role, s string) (_ []Message, ok bool) {
	sc := anyjson.NewScanner(s)
	if !sc.Consume('[') {
		return msgs, false
	}
	n := len(msgs)
	msg := Message{Role: role}
	results, items := 0, 0
	for first := true; sc.Elem(first); first = false {
		msgs = appendStrandsBlockJSON(msgs, &msg, &results, &sc)
		items++
	}
	if !sc.End() || items == 0 { // an empty list is text (strandsBlockList)
		return msgs[:n], false
	}
	if results > 0 && len(msg.Parts) == 0 && len(msg.ToolCalls) == 0 {
		return msgs, true
	}
	if msg.Role == "tool" && results > 0 {
		msg.Role = "user" // the rest of a tool result message, as Bedrock sends it
	}
	return append(msgs, msg), true
}

// appendStrandsBlockJSON reads one content block into msg, or, for a toolResult, into a tool
// message of its own appended to msgs. An item that is no content block fails the scan: the
// list is then text (appendStrandsMessageGeneral).
func appendStrandsBlockJSON(msgs []Message, msg *Message, results *int, sc *anyjson.Scanner) []Message {
	start := sc.Mark()
	if !sc.Consume('{') {
		sc.Fail()
		return msgs
	}
	var text jsonField
	var use, result callMember
	block := false
	for first := true; ; first = false {
		k, ok := sc.Key(first)
		if !ok {
			break
		}
		block = block || strandsBlockKeys[k]
		switch k {
		case "text":
			readMember(sc, 2, &text, true)
		case "toolUse":
			use.read(sc, 2, "toolUseId", "input")
		case "toolResult":
			result.read(sc, 2, "toolUseId", "content")
		default:
			sc.Raw(2)
		}
	}
	switch {
	case sc.Failed():
	case !block:
		sc.Fail()
	case text.set && text.isStr():
		msg.Parts = append(msg.Parts, text.part())
	case use.isObject:
		if !use.id.isStr() || !use.name.isStr() {
			sc.Fail()
			break
		}
		msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: use.id.decoded(), Name: use.name.decoded(), Arguments: use.value.value()})
	case result.isObject:
		content, ok := result.value.parsed()
		if !result.id.isStr() || !ok {
			sc.Fail()
			break
		}
		*results++
		msgs = append(msgs, Message{Role: "tool", ToolCallID: result.id.decoded(), Parts: resultParts(strandsResult(content))})
	default:
		msg.Parts = append(msg.Parts, opaquePart(sc, start))
	}
	return msgs
}

// parsed returns the field as get returns a member: absent, or a pdata value (a string's text
// decoded, any other value parsed from its JSON text), for readers that inspect it further.
func (f *jsonField) parsed() (Any, bool) {
	switch {
	case !f.set:
		return Any{}, true
	case f.isStr():
		return Some(pcommon.NewValueStr(f.decoded())), true
	}
	v, ok := anyjson.Parse(f.raw)
	return Some(v), ok
}
