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

// TestGenAIMessagesJSON checks that the fast path reads every value as the general reader does,
// whenever it reads it at all.
func TestGenAIMessagesJSON(t *testing.T) {
	fast := 0
	for _, in := range genAIJSONSeeds {
		got, ok := appendGenAIMessagesJSON(nil, in)
		if !ok {
			continue
		}
		fast++
		want, wantOK := genAIMessagesGeneral(pcommon.NewValueStr(in))
		require.True(t, wantOK, in)
		assert.Equal(t, dump(want), dump(got), in)
	}
	assert.GreaterOrEqual(t, fast, 6, "the plain shapes take the fast path")
}

func FuzzGenAIMessagesJSON(f *testing.F) {
	for _, s := range genAIJSONSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := appendGenAIMessagesJSON(nil, in)
		if !ok {
			return
		}
		want, wantOK := genAIMessagesGeneral(pcommon.NewValueStr(in))
		if !wantOK || !assert.Equal(t, dump(want), dump(got), in) {
			t.Fatalf("fast path differs on %q", in)
		}
	})
}

// dump makes messages comparable: pcommon values by their raw form (JSON text parsed), texts
// decoded.
func dump(msgs []Message) []any {
	out := make([]any, 0, len(msgs))
	raw := func(a Any) any {
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

var contentPartsSeeds = []string{
	`[{"type":"text","content":"You are terse.\nBe kind."}]`,
	`[{"type":"text","text":"a"},{"type":"image","url":"u"},"s",1,null,{"type":"text","text":1,"content":"c"}]`,
	`[{"type":"text"},{"content":"x"},{"type":"text","content":"a","content":"b"}]`,
	`{"type":"text","content":"one object"}`, `plain text`, `[1,`, `[]`, `"quoted"`, ` [ {"type" : "text" , "text":"\u00e9"} ] `,
}

// FuzzContentPartsJSON checks the streaming reader of content parts against contentParts on
// parsed values, whenever it answers.
func FuzzContentPartsJSON(f *testing.F) {
	for _, s := range contentPartsSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := contentPartsJSON(in)
		if !ok {
			return
		}
		want := contentParts(Some(anyjson.Value(pcommon.NewValueStr(in))))
		require.Equal(t, dump([]Message{{Parts: want}}), dump([]Message{{Parts: got}}), in)
	})
}

func TestContentPartsJSON(t *testing.T) {
	fast := 0
	for _, in := range contentPartsSeeds {
		got, ok := contentPartsJSON(in)
		if !ok {
			continue
		}
		fast++
		want := contentParts(Some(anyjson.Value(pcommon.NewValueStr(in))))
		assert.Equal(t, dump([]Message{{Parts: want}}), dump([]Message{{Parts: got}}), in)
	}
	assert.GreaterOrEqual(t, fast, 5)
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

// FuzzToolDefinitionsJSON checks the streaming reader of tool definitions against the general
// one, whenever it answers.
func FuzzToolDefinitionsJSON(f *testing.F) {
	for _, s := range toolDefinitionSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := appendToolDefinitionsJSON(nil, in)
		if !ok {
			return
		}
		want := appendToolDefinitionsGeneral(nil, pcommon.NewValueStr(in))
		require.Equal(t, toolDump(want), toolDump(got), in)
	})
}

func TestToolDefinitionsJSON(t *testing.T) {
	fast := 0
	for _, in := range toolDefinitionSeeds {
		got, ok := appendToolDefinitionsJSON(nil, in)
		if !ok {
			continue
		}
		fast++
		want := appendToolDefinitionsGeneral(nil, pcommon.NewValueStr(in))
		assert.Equal(t, toolDump(want), toolDump(got), in)
	}
	assert.GreaterOrEqual(t, fast, 3)
}
