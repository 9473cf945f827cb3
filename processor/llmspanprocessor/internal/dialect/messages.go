package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

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
// then returned unchanged. The streaming reader keeps parts and tool calls in a (when not nil).
func appendGenAIMessages(msgs []Message, v pcommon.Value, a *arena) (_ []Message, ok bool) {
	if v.Type() == pcommon.ValueTypeStr {
		// The common case, read straight from the JSON text; anything unusual is left to the
		// general reader below.
		if out, ok := appendGenAIMessagesJSON(msgs, v.Str(), a); ok {
			return out, true
		}
	}
	list, ok := mapList(v)
	if !ok {
		return msgs, false
	}
	for _, item := range list.All() {
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
			text := str(pm, "content")
			if text == "" {
				text = str(pm, "text") // an OpenAI part, as LiteLLM copies list content into GenAI parts
			}
			msg.Parts = append(msg.Parts, Part{Text: text})
		case partToolCall:
			msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: str(pm, "id"), Name: str(pm, "name"), Arguments: get(pm, "arguments")})
		case partToolCallResponse:
			responses++
			resp := get(pm, "response")
			if !resp.Set {
				resp = get(pm, "result") // Pydantic AI's spelling
			}
			msgs = append(msgs, Message{Role: "tool", ToolCallID: str(pm, "id"), Parts: contentParts(resp)})
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

// jsonContentParts is contentParts(Some(anyjson.Value(v))): content that may be a string holding
// a JSON list of parts.
func jsonContentParts(v pcommon.Value) []Part {
	if v.Type() == pcommon.ValueTypeStr {
		if parts, ok := contentPartsJSON(v.Str(), nil); ok {
			return parts
		}
	}
	return contentParts(Some(anyjson.Value(v)))
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
	if v.Type() == pcommon.ValueTypeStr {
		if calls, ok := toolCallsJSON(v.Str(), nil); ok {
			return calls
		}
	}
	return openAIToolCallsGeneral(v)
}

// openAIToolCallsGeneral is openAIToolCalls on parsed values.
func openAIToolCallsGeneral(v pcommon.Value) []ToolCall {
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
		args := get(fn, "arguments")
		if !args.Set {
			args = get(call, "args") // LangChain's {name, args, id, type: "tool_call"}
		}
		calls = append(calls, ToolCall{ID: str(call, "id"), Name: str(fn, "name"), Arguments: args})
	}
	return calls
}

// appendToolDefinitions reads tool definitions, GenAI [{type, name, description, parameters}]
// or OpenAI [{type, function: {name, description, parameters}}].
func appendToolDefinitions(tools []Tool, v pcommon.Value) []Tool {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		if out, ok := appendToolDefinitionsJSON(tools, v.Str()); ok {
			return out
		}
	case pcommon.ValueTypeSlice:
		for _, item := range v.Slice().All() {
			tools = appendToolDefinition(tools, item)
		}
		return tools
	}
	return appendToolDefinitionsGeneral(tools, v)
}

// appendToolDefinition is appendToolDefinitionGeneral, reading a definition held as JSON text
// with the streaming scanner when it can.
func appendToolDefinition(tools []Tool, item pcommon.Value) []Tool {
	if item.Type() == pcommon.ValueTypeStr {
		if out, ok := appendToolDefinitionObjectJSON(tools, item.Str()); ok {
			return out
		}
	}
	return appendToolDefinitionGeneral(tools, item)
}

// appendToolDefinitionsGeneral is appendToolDefinitions on parsed values.
func appendToolDefinitionsGeneral(tools []Tool, v pcommon.Value) []Tool {
	v = anyjson.Value(v)
	if v.Type() != pcommon.ValueTypeSlice {
		return tools
	}
	for _, item := range v.Slice().All() {
		tools = appendToolDefinitionGeneral(tools, item)
	}
	return tools
}

// appendToolDefinitionGeneral appends the definition item holds, parsed when it is JSON text
// (the AI SDK writes each definition as a JSON string); an item that is not a named definition
// adds nothing.
func appendToolDefinitionGeneral(tools []Tool, item pcommon.Value) []Tool {
	item = anyjson.Value(item)
	if item.Type() != pcommon.ValueTypeMap {
		return tools
	}
	def := item.Map()
	if f, ok := def.Get("function"); ok && f.Type() == pcommon.ValueTypeMap {
		def = f.Map()
	}
	name := str(def, "name")
	if name == "" {
		return tools
	}
	return append(tools, Tool{Name: name, Description: str(def, "description"), Parameters: toolSchema(def)})
}

// toolSchemaKeys name a tool's parameter schema in the shapes seen: OpenAI and GenAI
// "parameters", AI SDK and Strands "inputSchema", Pydantic AI "parameters_json_schema",
// Anthropic "input_schema", the Gemini JS SDK "parametersJsonSchema".
var toolSchemaKeys = [...]string{"parameters", "inputSchema", "parameters_json_schema", "input_schema", "parametersJsonSchema"}

// toolSchema returns the parameter schema of a tool definition; a Bedrock-style {"json": schema}
// wrapper is removed.
func toolSchema(def pcommon.Map) Any {
	for _, k := range toolSchemaKeys {
		if p, ok := def.Get(k); ok {
			p = anyjson.Value(p)
			if p.Type() == pcommon.ValueTypeMap && p.Map().Len() == 1 {
				if inner, ok := p.Map().Get("json"); ok {
					p = anyjson.Value(inner)
				}
			}
			return Some(p)
		}
	}
	return Any{}
}

// appendOpenAIMessages appends the messages of a list of OpenAI chat messages (maps that each
// have a role). ok is false, and msgs unchanged, when v is not such a list. The streaming
// reader keeps parts and tool calls in a (when not nil).
func appendOpenAIMessages(msgs []Message, v pcommon.Value, a *arena) (_ []Message, ok bool) {
	if v.Type() == pcommon.ValueTypeStr {
		if out, ok := appendOpenAIMessagesJSON(msgs, v.Str(), a); ok {
			return out, true
		}
	}
	return appendOpenAIMessagesGeneral(msgs, v)
}

// appendOpenAIMessagesGeneral is appendOpenAIMessages on parsed values.
func appendOpenAIMessagesGeneral(msgs []Message, v pcommon.Value) (_ []Message, ok bool) {
	return appendMapList(msgs, v,
		func(m pcommon.Map) bool { return str(m, "role") != "" },
		func(msgs []Message, m pcommon.Map) []Message { return append(msgs, openAIMessage(m, "")) })
}

// appendMapList appends what each map of the non-empty list v holds (appendOne), when every
// map is one (isOne); ok is false, and msgs unchanged, otherwise.
func appendMapList(msgs []Message, v pcommon.Value, isOne func(pcommon.Map) bool, appendOne func([]Message, pcommon.Map) []Message) (_ []Message, ok bool) {
	list, ok := mapList(v)
	if !ok || list.Len() == 0 {
		return msgs, false
	}
	for _, item := range list.All() {
		if !isOne(item.Map()) {
			return msgs, false
		}
	}
	for _, item := range list.All() {
		msgs = appendOne(msgs, item.Map())
	}
	return msgs, true
}

// appendGeminiContents appends Gemini contents, [{role, parts: [{text} | {function_call} |
// {function_response} | ...]}], in the Python (snake_case) or JS (camelCase) spelling. Role
// "model" becomes "assistant"; each function response becomes a tool message. ok is false,
// and msgs unchanged, when v is not such a list.
func appendGeminiContents(msgs []Message, v pcommon.Value) (_ []Message, ok bool) {
	if v.Type() == pcommon.ValueTypeStr {
		if out, ok := appendGeminiContentsJSON(msgs, v.Str()); ok {
			return out, true
		}
	}
	return appendGeminiContentsGeneral(msgs, v)
}

// appendGeminiContentsGeneral is appendGeminiContents on parsed values.
func appendGeminiContentsGeneral(msgs []Message, v pcommon.Value) (_ []Message, ok bool) {
	return appendMapList(msgs, v,
		func(m pcommon.Map) bool {
			p, ok := m.Get("parts")
			return ok && p.Type() == pcommon.ValueTypeSlice
		},
		func(msgs []Message, m pcommon.Map) []Message { return appendGeminiContent(msgs, m, "") })
}

// appendGeminiContent appends one Gemini content; role is used when it has none.
func appendGeminiContent(msgs []Message, c pcommon.Map, role string) []Message {
	msg := Message{Role: geminiRole(str(c, "role"), role)}
	parts, ok := c.Get("parts")
	if ok {
		parts = anyjson.Value(parts)
	}
	if !ok || parts.Type() != pcommon.ValueTypeSlice {
		return append(msgs, msg)
	}
	var responses int
	for _, p := range parts.Slice().All() {
		if p.Type() != pcommon.ValueTypeMap {
			msg.Parts = append(msg.Parts, Part{Value: Some(p)})
			continue
		}
		pm := p.Map()
		if call, ok := geminiField(pm, "function_call", "functionCall"); ok {
			msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: str(call, "id"), Name: str(call, "name"), Arguments: get(call, "args")})
		} else if resp, ok := geminiField(pm, "function_response", "functionResponse"); ok {
			responses++
			msgs = append(msgs, Message{Role: "tool", Name: str(resp, "name"), ToolCallID: str(resp, "id"), Parts: resultParts(get(resp, "response"))})
		} else if text, ok := pm.Get("text"); ok && text.Type() == pcommon.ValueTypeStr && !isTrue(pm, "thought") {
			msg.Parts = append(msg.Parts, Part{Text: text.Str()})
		} else {
			msg.Parts = append(msg.Parts, Part{Value: Some(p)})
		}
	}
	if responses > 0 && len(msg.Parts) == 0 && len(msg.ToolCalls) == 0 {
		return msgs
	}
	return append(msgs, msg)
}

func geminiField(m pcommon.Map, snake, camel string) (pcommon.Map, bool) {
	for _, k := range [2]string{snake, camel} {
		if v, ok := m.Get(k); ok && v.Type() == pcommon.ValueTypeMap {
			return v.Map(), true
		}
	}
	return pcommon.Map{}, false
}

// geminiRole maps Gemini's "model" role to "assistant"; def is used for an empty role.
func geminiRole(role, def string) string {
	switch role {
	case "":
		return def
	case "model":
		return "assistant"
	}
	return role
}

func isTrue(m pcommon.Map, k string) bool {
	v, ok := m.Get(k)
	return ok && v.Type() == pcommon.ValueTypeBool && v.Bool()
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

// openAIPayload reads a value that may hold a list of OpenAI chat messages, as framework keys
// and the deprecated gen_ai.content.* events' gen_ai.prompt and gen_ai.completion often do:
// the messages when it does, else the value as it is. Messages are appended to buf, their parts
// and tool calls kept in a.
func openAIPayload(buf []Message, v pcommon.Value, a *arena) Payload {
	if msgs, ok := appendOpenAIMessages(buf, v, a); ok {
		return Payload{Messages: msgs}
	}
	return Payload{Messages: buf, Value: Some(v)}
}

// legacyContentEvents returns the gen_ai.prompt and gen_ai.completion attributes of a span's
// gen_ai.content.prompt and gen_ai.content.completion events.
func legacyContentEvents(span ptrace.Span) (prompt, completion Any) {
	for _, ev := range span.Events().All() {
		switch ev.Name() {
		case "gen_ai.content.prompt":
			prompt = get(ev.Attributes(), "gen_ai.prompt")
		case "gen_ai.content.completion":
			completion = get(ev.Attributes(), "gen_ai.completion")
		}
	}
	return prompt, completion
}

// resultParts holds a tool result: text as a text part, any other value as it is.
func resultParts(result Any) []Part {
	switch {
	case !result.Set || result.Type() == pcommon.ValueTypeEmpty:
		return nil
	case result.Type() == pcommon.ValueTypeStr:
		return []Part{{Text: result.Str()}}
	}
	return []Part{{Value: result}}
}

// writtenValue is Some(anyjson.Value(v)) for a value that is only written, never read further:
// a string holding a JSON object or list that the Scanner reads stays that text, checked,
// which the writer transcodes (or copies, when canonical) without building pdata values.
func writtenValue(v pcommon.Value) Any {
	if v.Type() == pcommon.ValueTypeStr {
		sc := anyjson.NewScanner(v.Str())
		if c := sc.Peek(); c == '{' || c == '[' {
			if text, canonical := sc.RawCanonical(0); sc.End() {
				return someCheckedJSON(text, canonical)
			}
		}
	}
	return Some(anyjson.Value(v))
}

// jsonMap returns a's map, parsed when a is a string holding a JSON object; an empty map when a
// is absent or holds something else.
func jsonMap(a Any) pcommon.Map {
	if a.Set {
		if v := anyjson.Value(a.Value); v.Type() == pcommon.ValueTypeMap {
			return v.Map()
		}
	}
	return pcommon.NewMap()
}

// jsonMembers is jsonMap(a) reduced to the members named keys (at most maxMembers of them).
// For an object held as JSON text only those are parsed and the others skipped, which spares
// building pdata values for what a reader does not look at: the request a Genkit response
// echoes, the call details around a Gemini CLI tool's arguments.
func jsonMembers(a Any, keys ...string) pcommon.Map {
	if a.Set && a.Type() == pcommon.ValueTypeStr {
		if m, ok := jsonMembersJSON(a.Str(), keys); ok {
			return m
		}
	}
	return jsonMembersGeneral(a, keys)
}

// jsonMembersGeneral is jsonMembers on parsed values.
func jsonMembersGeneral(a Any, keys []string) pcommon.Map {
	m := pcommon.NewMap()
	for k, v := range jsonMap(a).All() {
		if slices.Contains(keys, k) {
			v.CopyTo(m.PutEmpty(k))
		}
	}
	return m
}

// maxMembers is the most keys jsonMembers takes.
const maxMembers = 4

// jsonMembersJSON parses the members named keys of an object held as JSON text; ok is false
// for anything but a well-formed object with each of them at most once.
func jsonMembersJSON(s string, keys []string) (_ pcommon.Map, ok bool) {
	var fields [maxMembers]jsonField
	var ptrs [maxMembers]*jsonField
	for i := range ptrs {
		ptrs[i] = &fields[i]
	}
	sc := anyjson.NewScanner(s)
	if !sc.Consume('{') || !readFields(&sc, 1, false, keys, ptrs[:len(keys)]...) || !sc.End() {
		return pcommon.Map{}, false
	}
	m := pcommon.NewMap()
	for i, f := range fields[:len(keys)] {
		if !f.set {
			continue
		}
		v, ok := anyjson.Parse(f.raw)
		if !ok {
			return pcommon.Map{}, false
		}
		v.MoveTo(m.PutEmpty(keys[i]))
	}
	return m, true
}

// indexedTools collects flattened tool definitions, N.name, N.description, N.parameters (or
// N.input_schema), as OpenLLMetry and LiteLLM write them under llm.request.functions.
type indexedTools struct {
	tools []Tool
}

func (x *indexedTools) put(key string, v pcommon.Value) {
	if n, field, ok := cutIndex(key); ok {
		x.set(n, field, v)
	}
}

// set sets a field of the nth definition.
func (x *indexedTools) set(n int, field string, v pcommon.Value) {
	for len(x.tools) <= n {
		x.tools = append(x.tools, Tool{})
	}
	switch field {
	case "name":
		x.tools[n].Name = scalarString(v)
	case "description":
		x.tools[n].Description = scalarString(v)
	case "parameters", "input_schema": // input_schema: OpenLLMetry's Anthropic instrumentation
		x.tools[n].Parameters = Some(v)
	}
}

// appendTo appends the named definitions, in index order, parsing JSON parameters.
func (x *indexedTools) appendTo(tools []Tool) []Tool {
	for _, t := range x.tools {
		if t.Name == "" {
			continue
		}
		if t.Parameters.Set {
			t.Parameters = writtenValue(t.Parameters.Value)
		}
		tools = append(tools, t)
	}
	return tools
}

// holdsList reports whether s, after whitespace, starts a JSON list.
func holdsList(s string) bool {
	sc := anyjson.NewScanner(s)
	return sc.Peek() == '['
}

// mapList returns v, parsed when it is a string holding JSON, as a list when every item of it
// is a map: the shape of every message list.
func mapList(v pcommon.Value) (pcommon.Slice, bool) {
	if v.Type() == pcommon.ValueTypeStr && !holdsList(v.Str()) {
		return pcommon.Slice{}, false // not worth parsing to find out
	}
	v = anyjson.Value(v)
	if v.Type() != pcommon.ValueTypeSlice {
		return pcommon.Slice{}, false
	}
	for _, item := range v.Slice().All() {
		if item.Type() != pcommon.ValueTypeMap {
			return pcommon.Slice{}, false
		}
	}
	return v.Slice(), true
}
