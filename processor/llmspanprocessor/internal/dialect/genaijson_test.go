package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// genAIMessagesGeneral reads v the general way, as appendGenAIMessages did before its JSON fast
// path.
func genAIMessagesGeneral(v pcommon.Value) ([]Message, bool) {
	list, ok := mapList(v)
	if !ok {
		return nil, false
	}
	var msgs []Message
	for _, item := range list.All() {
		msgs = appendGenAIMessage(msgs, item.Map())
	}
	return msgs, true
}

var genAIJSONSeeds = []string{
	`[{"role":"user","parts":[{"type":"text","content":"hi \"there\"\n\u00e9\ud83d\ude00 caf\u00e9"}]}]`,
	`[{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"f","arguments":{"a":[1,2.5,-3e2,true,null]}}],"finish_reason":"tool_call"}]`,
	`[{"role":"tool","parts":[{"type":"tool_call_response","id":"c1","response":{"x":1}}]},{"role":"tool","parts":[{"type":"tool_call_response","id":"c2","result":"ok"}]}]`,
	`[{"role":"user","parts":[{"type":"image","url":"u","extra":{"k":[1]}},{"type":"text","content":"t"}],"name":"n"}]`,
	` [ { "parts" : [ ] , "role" : "system" } ] `,
	`[]`,
	`[{"role":"user","content":"openai style"}]`,
	`[{"role":"assistant","content":null,"finish_reason":"tool_calls","tool_calls":[{"id":"c","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":[{"type":"text","text":"r"}]}]`,
	`[{"role":"user","parts":null,"content":"x"}]`, `[{"role":"user","finish_reason":1,"content":"x"}]`,
	`[{"role":"user","parts":"[{\"type\":\"text\",\"content\":\"nested\"}]"}]`,
	`[{"role":"user","role":"assistant","parts":[]}]`,
	`[{"role":1,"parts":[]}]`,
	`[{"role":"user","parts":[{"type":"text","content":null}]}]`,
	`[{"role":"user","parts":[{"type":"text","content":["a"]}]}]`,
	`[{"role":"user","parts":["plain"]}]`,
	`[{"role":"user","parts":[{"type":"text","content":"a","content":"b"}]}]`,
	`[{"role":"user","parts":[{"type":"tool_call","arguments":"{\"q\":1}","id":null}]}]`,
	`[{"role":"user","parts":[]},]`,
	`[{"role":"user","parts":[]}] x`,
	`[{"role":"user","parts":[{"type":"text","content":"bad \ud800 surrogate"}]}]`,
	`[{"role":"user","parts":[{"type":"text","content":"bad \x escape"}]}]`,
	`[{"role":"user","parts":[{"type":"x","n":01}]}]`,
	`[{"role":"user","parts":[{"type":"x","n":1.}]}]`,
	`[{"role":"user","parts":[{"type":"x","n":1e999}]}]`,
	"[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"bad\xffutf8\"}]}]",
	"[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"tab\tinside\"}]}]",
	`[{"role":"user","parts":[{"type":"x","deep":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]}]`,
	`{"role":"user","parts":[]}`,
	`[{"role":"user","parts":[{"type":"text","content":"x"}]}`,
}

// listReader is a streaming message list reader, given the arena of the Record it reads into.
type listReader func([]Message, string, *arena) ([]Message, bool)

// arenaless is the listReader of a reader that keeps no arena.
func arenaless(read func([]Message, string) ([]Message, bool)) listReader {
	return func(msgs []Message, s string, _ *arena) ([]Message, bool) { return read(msgs, s) }
}

// messagesReader is the fastReader of a streaming message list reader and the general reader
// it stands in for.
func messagesReader(seeds []string, fast listReader,
	general func([]Message, pcommon.Value) ([]Message, bool), minFast int) fastReader {
	return fastReader{
		seeds: seeds,
		fast: func(in string) (any, bool) {
			got, ok := readInRecord(fast, in)
			return dump(got), ok
		},
		general: func(in string) any {
			want, ok := general(nil, pcommon.NewValueStr(in))
			if !ok {
				return "<not messages>"
			}
			return dump(want)
		},
		minFast: minFast,
	}
}

// readInRecord reads in with fast into the Input of a Record, twice, as for two spans, so that
// the readers that keep parts and tool calls in the Record's arena reuse it the second time.
func readInRecord(fast listReader, in string) (msgs []Message, ok bool) {
	var rec Record
	for range 2 {
		rec.Reset()
		msgs, ok = fast(rec.Input.Messages, in, &rec.arena)
		rec.Input.Messages = msgs
	}
	return msgs, ok
}

// fastReader is a streaming reader of JSON text and the general reader it must agree with:
// both answer in a comparable form (dump), and the fast one may decline (ok false).
type fastReader struct {
	seeds   []string
	fast    func(in string) (_ any, ok bool)
	general func(in string) any
	minFast int // seeds the fast reader must answer
}

// check compares the readers on in and reports whether the fast one answered.
func (r fastReader) check(t *testing.T, in string) bool {
	got, ok := r.fast(in)
	if ok {
		require.Equal(t, r.general(in), got, "fast reader differs on %q", in)
	}
	return ok
}

// test checks every seed, and that the plain shapes among them take the fast path.
func (r fastReader) test(t *testing.T) {
	fast := 0
	for _, in := range r.seeds {
		if r.check(t, in) {
			fast++
		}
	}
	assert.GreaterOrEqual(t, fast, r.minFast, "the plain shapes take the fast path")
}

func (r fastReader) fuzz(f *testing.F) {
	for _, s := range r.seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) { r.check(t, in) })
}

var genAIMessagesReader = fastReader{
	seeds: genAIJSONSeeds,
	fast: func(in string) (any, bool) {
		got, ok := readInRecord(appendGenAIMessagesJSON, in)
		return dump(got), ok
	},
	general: func(in string) any {
		want, ok := genAIMessagesGeneral(pcommon.NewValueStr(in))
		if !ok {
			return "<not messages>"
		}
		return dump(want)
	},
	minFast: 8,
}

// TestGenAIMessagesJSON checks that the fast path reads every value as the general reader does,
// whenever it reads it at all.
func TestGenAIMessagesJSON(t *testing.T)   { genAIMessagesReader.test(t) }
func FuzzGenAIMessagesJSON(f *testing.F)   { genAIMessagesReader.fuzz(f) }
func TestContentPartsJSON(t *testing.T)    { contentPartsReader.test(t) }
func FuzzContentPartsJSON(f *testing.F)    { contentPartsReader.fuzz(f) }
func TestToolDefinitionsJSON(t *testing.T) { toolDefinitionsReader.test(t) }
func FuzzToolDefinitionsJSON(f *testing.F) { toolDefinitionsReader.fuzz(f) }

// dump makes messages comparable: pcommon values by their raw form (JSON text parsed), texts
// decoded.
func dump(msgs []Message) []any {
	out := make([]any, 0, len(msgs))
	for _, m := range msgs {
		var parts, calls []any
		for _, p := range m.Parts {
			parts = append(parts, []any{p.decoded(), raw(p.Value)})
		}
		for _, c := range m.ToolCalls {
			calls = append(calls, []any{c.ID, c.Name, raw(c.Arguments)})
		}
		out = append(out, []any{m.Role, m.Name, m.ToolCallID, m.FinishReason, parts, calls})
	}
	return out
}

// raw makes a value comparable: its raw form, JSON text parsed.
func raw(a Any) any {
	if !a.Set {
		return "<unset>"
	}
	if a.JSON != "" {
		v, ok := anyjson.Parse(a.JSON)
		if !ok {
			return "<invalid JSON>"
		}
		return v.AsRaw()
	}
	return a.AsRaw()
}

var contentPartsSeeds = []string{
	`[{"type":"text","content":"You are terse.\nBe kind."}]`,
	`[{"type":"text","text":"a"},{"type":"image","url":"u"},"s",1,null,{"type":"text","text":1,"content":"c"}]`,
	`[{"type":"text"},{"content":"x"},{"type":"text","content":"a","content":"b"}]`,
	`{"type":"text","content":"one object"}`, `plain text`, `[1,`, `[]`, `"quoted"`, ` [ {"type" : "text" , "text":"\u00e9"} ] `,
}

// contentPartsReader checks the streaming reader of content parts against contentParts on
// parsed values.
var contentPartsReader = fastReader{
	seeds: contentPartsSeeds,
	fast: func(in string) (any, bool) {
		got, ok := contentPartsJSON(in, nil)
		return dump([]Message{{Parts: got}}), ok
	},
	general: func(in string) any {
		return dump([]Message{{Parts: contentParts(Some(anyjson.Value(pcommon.NewValueStr(in))))}})
	},
	minFast: 5,
}

var toolDefinitionSeeds = []string{
	`[{"type":"function","name":"search","description":"Web search.","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}]`,
	`[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"}},"name":"outer"}]`,
	`[{"name":"a","inputSchema":{"json":{"type":"object"}}},{"name":"b","input_schema":{}},{"name":"","parameters":{}},{"name":"c","parameters_json_schema":null,"parameters":1}]`,
	`[{"name":"a","parameters":"{\"type\":\"object\"}"}]`, `["{\"name\":\"x\"}"]`, `[{"name":1}]`, `[{"name":"a","name":"b"}]`,
	`[{"function":"x","name":"n"},{"function":{"name":"m"},"function":{"name":"k"}}]`, `[]`, `{}`,
}

// toolDump makes tool definitions comparable.
func toolDump(tools []Tool) []any {
	var out []any
	for _, tl := range tools {
		out = append(out, []any{tl.Name, tl.Description, dump([]Message{{ToolCalls: []ToolCall{{Arguments: tl.Parameters}}}})})
	}
	return out
}

// toolDefinitionsReader checks the streaming reader of tool definitions against the general
// one.
var toolDefinitionsReader = fastReader{
	seeds: toolDefinitionSeeds,
	fast: func(in string) (any, bool) {
		got, ok := appendToolDefinitionsJSON(nil, in)
		return toolDump(got), ok
	},
	general: func(in string) any { return toolDump(appendToolDefinitionsGeneral(nil, pcommon.NewValueStr(in))) },
	minFast: 3,
}

// toolDefinitionObjectReader checks the streaming reader of one definition held as JSON text
// against the general one.
var toolDefinitionObjectReader = fastReader{
	seeds: []string{
		`{"type":"function","function":{"name":"get_weather","description":"Weather.","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}`,
		` {"name": "search", "description": "Web search.", "parameters": {"type": "object"}} `,
		`{"name":"a","inputSchema":{"json":{"type":"object"}}}`, `{"name":""}`, `{"name":"a","name":"b"}`,
		`[{"name":"x"}]`, `"{\"name\":\"x\"}"`, `{"name":"x"} {}`, `{`, `x`,
	},
	fast: func(in string) (any, bool) {
		got, ok := appendToolDefinitionObjectJSON(nil, in)
		return toolDump(got), ok
	},
	general: func(in string) any { return toolDump(appendToolDefinitionGeneral(nil, pcommon.NewValueStr(in))) },
	minFast: 3,
}

func TestToolDefinitionObjectJSON(t *testing.T) { toolDefinitionObjectReader.test(t) }
func FuzzToolDefinitionObjectJSON(f *testing.F) { toolDefinitionObjectReader.fuzz(f) }

// FuzzWrittenValue: writtenValue holds what Some(anyjson.Value(v)) holds.
func FuzzWrittenValue(f *testing.F) {
	for _, s := range []string{`{"type":"object","properties":{"q":{"type":"string"}}}`, ` [1,{"a":null}]`, `{"a":1,"a":2}`, `{`, `plain`, `"s"`, `12`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		v := pcommon.NewValueStr(in)
		want := dump([]Message{{ToolCalls: []ToolCall{{Arguments: Some(anyjson.Value(v))}}}})
		require.Equal(t, want, dump([]Message{{ToolCalls: []ToolCall{{Arguments: writtenValue(v)}}}}), in)
	})
}
