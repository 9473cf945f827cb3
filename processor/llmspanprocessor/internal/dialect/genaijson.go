package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// appendGenAIMessagesJSON is appendGenAIMessages for a list held as JSON text, read with a
// streaming scanner instead of parsing the whole list into pdata values: text, roles and ids
// are substrings of the attribute, and only values passed on as they are (tool call
// arguments, non-text parts, structured tool results) are parsed, each on its own. It reads
// the plain shape only: on anything else (a key given twice, a non-string role, parts that are
// not a list, a part that is not an object, malformed JSON) it reports false and the caller
// reads the value the general way, which decides. It never reads a value differently. Parts
// and tool calls are kept in a (when not nil).
func appendGenAIMessagesJSON(msgs []Message, s string, a *arena) (_ []Message, ok bool) {
	return appendMessagesJSON(msgs, s, genAIShape, a)
}

// appendMessagesMember appends the messages of a member value given as its JSON text raw, as
// general reads the parsed value, trying fast, the streaming reader of the list's shape, first.
// isList is general's ok. ok is false for a string, which general would parse once more (a
// string of JSON): the caller then reads the whole value the general way.
func appendMessagesMember(msgs []Message, raw string, fast func([]Message, string) ([]Message, bool),
	general func([]Message, pcommon.Value) ([]Message, bool)) (_ []Message, isList, ok bool) {
	switch raw[0] {
	case '[':
		if out, ok := fast(msgs, raw); ok {
			return out, true, true
		}
		if v, ok := anyjson.Parse(raw); ok {
			out, isList := general(msgs, v)
			return out, isList, true
		}
	case '"':
		return msgs, false, false
	}
	return msgs, false, true
}

// messageShape names the message readers of appendMessagesJSON.
type messageShape uint8

const (
	genAIShape  messageShape = iota // appendGenAIMessageJSON
	openAIShape                     // appendOpenAIMessageJSON
	geminiShape                     // appendGeminiContentJSON
	genkitShape                     // appendContentMessageJSON with appendGenkitPartJSON
	vercelShape                     // appendContentMessageJSON with appendVercelPartJSON
)

// appendMessagesJSON appends the messages of the JSON list s, each read by the reader of
// shape, which fails the scan on a message it does not read. ok is false, and msgs unchanged,
// on failure. (The readers are called directly, not through a func value, which would move
// the scanner to the heap.) The GenAI and OpenAI readers, the common ones, keep parts and tool
// calls in a (when not nil); the others take nil.
func appendMessagesJSON(msgs []Message, s string, shape messageShape, a *arena) (_ []Message, ok bool) {
	sc := anyjson.NewScanner(s)
	if !sc.Consume('[') {
		return msgs, false
	}
	n := len(msgs)
	for first := true; sc.Elem(first); first = false {
		switch shape {
		case openAIShape:
			msgs = appendOpenAIMessageJSON(msgs, &sc, a)
		case geminiShape:
			msgs = appendGeminiContentJSON(msgs, &sc, 1, "", true)
		case genkitShape, vercelShape:
			msgs = appendContentMessageJSON(msgs, &sc, shape)
		default:
			msgs = appendGenAIMessageJSON(msgs, &sc, a)
		}
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

// appendGenAIMessageJSON reads one message as appendGenAIMessage does, an OpenAI-style message
// without parts too, keeping its parts and tool calls in a (when not nil).
func appendGenAIMessageJSON(msgs []Message, sc *anyjson.Scanner, a *arena) []Message {
	if !sc.Consume('{') {
		sc.Fail()
		return msgs
	}
	var msg Message
	var o openAIFields // role and name, and the members of a message without parts
	var finish jsonField
	seenParts, responses := false, 0
	for first := true; ; first = false {
		k, ok := sc.Key(first)
		if !ok {
			break
		}
		switch k {
		case "finish_reason":
			readMember(sc, depthMessageValue, &finish, false)
		case "parts":
			if seenParts || !sc.Consume('[') {
				sc.Fail() // given twice, or not a list: for the general reader
				break
			}
			seenParts = true
			for first := true; sc.Elem(first); first = false {
				msgs = appendGenAIPartJSON(msgs, &msg, &responses, sc, a)
			}
		default:
			f, text := o.field(k)
			readMember(sc, depthMessageValue, f, text)
		}
	}
	if sc.Failed() || !o.role.isStr() || !o.name.isStr() || !finish.isStr() {
		sc.Fail()
		return msgs
	}
	if !seenParts {
		// Some instrumentations put OpenAI-style messages under the GenAI keys.
		om, ok := o.message(sc, o.role.str, a)
		if !ok {
			sc.Fail()
			return msgs
		}
		om.FinishReason = finish.str
		return append(msgs, om)
	}
	if responses > 0 && len(msg.Parts) == 0 && len(msg.ToolCalls) == 0 {
		return msgs // the message held tool results only
	}
	msg.Role, msg.Name, msg.FinishReason = o.role.str, o.name.str, finish.str
	return append(msgs, msg)
}

// appendGenAIPartJSON reads one part into msg, or, for a tool result, into a tool message of
// its own appended to msgs.
func appendGenAIPartJSON(msgs []Message, msg *Message, responses *int, sc *anyjson.Scanner, a *arena) []Message {
	start := sc.Mark() // the part's text, kept for part types passed on as they are
	if !sc.Consume('{') {
		sc.Fail() // a part that is not an object
		return msgs
	}
	// Texts stay as written (jsonField.encoded), names are decoded.
	var typ, content, id, name, args, response, result jsonField
	for first := true; ; first = false {
		k, ok := sc.Key(first)
		if !ok {
			break
		}
		var f *jsonField
		text := false
		switch k {
		case "type":
			f = &typ
		case "content":
			f, text = &content, true
		case "id":
			f = &id
		case "name":
			f = &name
		case "arguments":
			f = &args
		case "response":
			f, text = &response, true
		case "result":
			f, text = &result, true
		}
		if !readMember(sc, depthPartValue, f, text) {
			break
		}
	}
	// type and id and name must be strings, and a text part's content too: other values
	// follow the general reader's rules.
	if sc.Failed() || !typ.isStr() || !id.isStr() || !name.isStr() {
		sc.Fail()
		return msgs
	}
	switch typ.str {
	case partText:
		if !content.set || !content.isStr() { // no content: maybe an OpenAI part's "text", for the general reader
			sc.Fail()
			return msgs
		}
		msg.Parts = a.addPart(msg.Parts, content.part())
	case partToolCall:
		msg.ToolCalls = a.addCall(msg.ToolCalls, ToolCall{ID: id.str, Name: name.str, Arguments: args.value()})
	case partToolCallResponse:
		*responses++
		resp := response
		if !resp.set {
			resp = result // Pydantic AI's spelling
		}
		msgs = append(msgs, Message{Role: "tool", ToolCallID: id.str, Parts: resp.partsIn(sc, a)})
	default:
		msg.Parts = a.addPart(msg.Parts, opaquePart(sc, start))
	}
	return msgs
}

// readMember reads the value of the member whose key sc just read, at depth, into f (its
// string as written when text is true, see Scanner.Text), or skips it when f is nil. Strings
// are read as they are met, other values kept as JSON text. It reports false, having failed the
// scan, when f was read already: a key given twice is left to the general reader.
func readMember(sc *anyjson.Scanner, depth int, f *jsonField, text bool) bool {
	switch {
	case f == nil:
		sc.Raw(depth)
	case f.set:
		sc.Fail()
		return false
	default:
		f.read(sc, depth, text)
	}
	return true
}

// readFields reads the members of an object whose '{' was consumed, their values at depth: the
// member named keys[i] into fields[i] (strings as written when text, see Scanner.Text), others
// skipped. It reports false on failure and on a key given twice.
func readFields(sc *anyjson.Scanner, depth int, text bool, keys []string, fields ...*jsonField) bool {
	for first := true; ; first = false {
		k, ok := sc.Key(first)
		if !ok {
			return !sc.Failed()
		}
		var f *jsonField
		for i, key := range keys {
			if k == key {
				f = fields[i]
				break
			}
		}
		if !readMember(sc, depth, f, text) {
			return false
		}
	}
}

// jsonField is one member value: its JSON text, and a string's text.
type jsonField struct {
	set       bool
	raw       string // the value's JSON text
	canonical bool   // raw, not a string, is canonical (anyjson.Scanner.RawCanonical)
	// str is a string value's text, decoded, or as written when encoded (see Part.Encoded).
	str     string
	encoded bool
}

// read reads the next value, at depth; text keeps a string as written when it can
// (Scanner.Text).
func (f *jsonField) read(sc *anyjson.Scanner, depth int, text bool) {
	f.set = true
	if sc.Peek() != '"' {
		f.raw, f.canonical = sc.RawCanonical(depth)
		return
	}
	mark := sc.Mark()
	if text {
		f.str, f.encoded, _ = sc.Text()
	} else {
		f.str, _ = sc.Str()
	}
	f.raw = sc.Since(mark)
}

// json returns a field that is not a string as JSON text.
func (f *jsonField) json() Any { return someCheckedJSON(f.raw, f.canonical) }

// opaquePart is the value read from start on as a part passed on as the source wrote it: one
// that is not an object, or of a type the reader does not know.
func opaquePart(sc *anyjson.Scanner, start int) Part { return Part{Value: SomeJSON(sc.Since(start))} }

// isStr reports whether the field is absent (read as "") or a string.
func (f *jsonField) isStr() bool { return !f.set || f.raw != "" && f.raw[0] == '"' }

// part returns a string field as a text part.
func (f *jsonField) part() Part { return Part{Text: f.str, Encoded: f.encoded} }

// value returns the field as the general reader has it: absent, a string, or the JSON text of
// another value.
func (f *jsonField) value() Any {
	switch {
	case !f.set:
		return Any{}
	case f.isStr():
		return Some(pcommon.NewValueStr(f.decoded()))
	}
	return f.json()
}

// decoded returns a string field's text decoded.
func (f *jsonField) decoded() string {
	p := f.part()
	return p.decoded()
}

// parts returns a tool result as contentParts reads it: a string is one text part, null none,
// a list its parts, any other value one part as it is.
func (f *jsonField) parts(sc *anyjson.Scanner) []Part { return f.partsIn(sc, nil) }

// partsIn is parts keeping the parts in a (when not nil).
func (f *jsonField) partsIn(sc *anyjson.Scanner, a *arena) []Part {
	switch {
	case !f.set:
		return nil
	case f.isStr():
		return a.addPart(nil, f.part())
	case f.raw == "null":
		return nil
	case f.raw[0] == '[':
		if parts, ok := contentPartsJSON(f.raw, a); ok {
			return parts
		}
		v, ok := anyjson.Parse(f.raw)
		if !ok {
			sc.Fail()
			return nil
		}
		return contentParts(Some(v))
	}
	return a.addPart(nil, Part{Value: f.json()})
}

// contentPartsJSON is contentParts(Some(anyjson.Value(v))) for a string v, read with the
// streaming scanner: a list of parts (text parts as written, others as JSON text) or one
// object, without parsing either into pdata values. ok is false for anything it does not read
// the same way, which the caller then reads the general way. The parts are kept in a (when not
// nil).
func contentPartsJSON(s string, a *arena) (_ []Part, ok bool) {
	sc := anyjson.NewScanner(s)
	switch sc.Peek() {
	case '{':
		text, canonical := sc.RawCanonical(0)
		if !sc.End() {
			return nil, false
		}
		return a.addPart(nil, Part{Value: someCheckedJSON(text, canonical)}), true
	case '[':
	default:
		return nil, false // plain text, or not JSON: read the general way, as cheaply
	}
	sc.Consume('[')
	var parts []Part
	for first := true; sc.Elem(first); first = false {
		parts = a.addPart(parts, contentPartJSON(&sc))
	}
	if !sc.End() {
		return nil, false
	}
	return parts, true
}

// contentPartJSON reads one list item as contentParts does: a {"type":"text"} object whose
// "text" (else "content") is a string is a text part; anything else is kept as it is.
func contentPartJSON(sc *anyjson.Scanner) Part {
	start := sc.Mark()
	if !sc.Consume('{') {
		sc.Raw(1)
		return opaquePart(sc, start)
	}
	var typ, text, content jsonField
	readFields(sc, 2, true, contentPartKeys[:], &typ, &text, &content) // on failure the caller's scan ends
	if !text.set {
		text = content
	}
	if typ.set && typ.isStr() && typ.decoded() == partText && text.set && text.isStr() {
		return text.part()
	}
	return opaquePart(sc, start)
}

// contentPartKeys are the members of a content part that contentPartJSON reads.
var contentPartKeys = [...]string{"type", "text", "content"}

// toolFields are the members of a tool definition, or of its "function" object, that
// appendToolDefinitions reads; function is the definition's own "function" member.
type toolFields struct {
	name, description, function jsonField
	schema                      [len(toolSchemaKeys)]jsonField
}

// toolDefinitionKeys name toolFields' members in the order read gives them: "function" last.
var toolDefinitionKeys = append(append([]string{"name", "description"}, toolSchemaKeys[:]...), "function")

// read reads the members of an object whose '{' was consumed; withFunction reads its
// "function" member too, as for a definition (not for the function object itself). It reports
// false on failure and on a key given twice.
func (t *toolFields) read(sc *anyjson.Scanner, depth int, withFunction bool) bool {
	var fields [len(toolSchemaKeys) + 3]*jsonField
	fields[0], fields[1], fields[len(fields)-1] = &t.name, &t.description, &t.function
	for i := range t.schema {
		fields[2+i] = &t.schema[i]
	}
	keys := toolDefinitionKeys
	if !withFunction {
		keys = keys[:len(keys)-1]
	}
	return readFields(sc, depth, false, keys, fields[:]...)
}

// tool returns the definition, and false for one the general reader reads differently (a
// name that is not a string, a schema held as a string or wrapped in {"json": ...}).
func (t *toolFields) tool() (Tool, bool) {
	if !t.name.isStr() || !t.description.isStr() {
		return Tool{}, false
	}
	tool := Tool{Name: t.name.str, Description: t.description.str}
	for _, f := range t.schema {
		if !f.set {
			continue
		}
		if f.isStr() || f.raw[0] == '{' && strings.Contains(f.raw, `"json"`) {
			return Tool{}, false
		}
		tool.Parameters = f.json()
		break
	}
	return tool, true
}

// appendToolDefinitionsJSON is appendToolDefinitions for a list of definition objects held as
// JSON text, read with the streaming scanner; schemas stay JSON text. ok is false, and tools
// unchanged, for anything else.
func appendToolDefinitionsJSON(tools []Tool, s string) (_ []Tool, ok bool) {
	sc := anyjson.NewScanner(s)
	if !sc.Consume('[') {
		return tools, false
	}
	n := len(tools)
	for first := true; sc.Elem(first); first = false {
		if tools, ok = appendToolDefinitionJSON(tools, &sc, 2); !ok {
			return tools[:n], false
		}
	}
	if !sc.End() {
		return tools[:n], false
	}
	return tools, true
}

// appendToolDefinitionObjectJSON is appendToolDefinitionGeneral for one definition object held
// as JSON text (OpenInference's llm.tools.N.tool.json_schema, each item of the AI SDK's
// ai.prompt.tools), read with the streaming scanner. ok is false, and tools unchanged, for
// anything else.
func appendToolDefinitionObjectJSON(tools []Tool, s string) (_ []Tool, ok bool) {
	sc := anyjson.NewScanner(s)
	n := len(tools)
	if tools, ok = appendToolDefinitionJSON(tools, &sc, 1); !ok || !sc.End() {
		return tools[:n], false
	}
	return tools, true
}

// appendToolDefinitionJSON reads the definition object at sc, its members at depth.
func appendToolDefinitionJSON(tools []Tool, sc *anyjson.Scanner, depth int) (_ []Tool, ok bool) {
	if !sc.Consume('{') {
		return tools, false // a definition held as a string, or not an object
	}
	var outer, inner toolFields
	if !outer.read(sc, depth, true) {
		return tools, false
	}
	def := &outer
	if fn := outer.function; fn.set && fn.raw[0] == '{' { // else the definition is the outer one
		// Read again from its text, at the cost of a second scan of that object, so that
		// readFields needs no hook for a nested object.
		fsc := anyjson.NewScanner(fn.raw)
		fsc.Consume('{')
		if !inner.read(&fsc, 1, false) {
			return tools, false
		}
		def = &inner
	}
	tool, ok := def.tool()
	if !ok {
		return tools, false
	}
	if tool.Name != "" {
		tools = append(tools, tool)
	}
	return tools, true
}
