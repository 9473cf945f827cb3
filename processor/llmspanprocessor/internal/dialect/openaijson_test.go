package dialect

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

var openAIMessagesSeeds = []string{
	`[{"role":"system","content":"You are terse.\nBe kind."},{"role":"user","content":"caf\u00e9 \"q\""}]`,
	`[{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"q\":1}"}}]},{"role":"tool","tool_call_id":"c1","content":"sunny"}]`,
	`[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"u"}}],"name":"n"}]`,
	`[{"role":"assistant","tool_calls":[{"id":"c2","name":"flat","arguments":{"a":[1,2.5,true,null]}},"skipped",{"function":"x","name":"n"}]}]`,
	` [ { "content" : {"k":1} , "role" : "user" , "extra" : [1] } ] `,
	`[{"role":"assistant","content":1,"tool_calls":null}]`,
	`[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"a","arguments":"x"},"name":"outer","arguments":"y"}]}]`,
	`[]`, `[{"content":"no role"}]`, `[{"role":""}]`, `[{"role":1}]`, `["x"]`, `{"role":"user"}`,
	`[{"role":"user","role":"assistant"}]`, `[{"role":"user","tool_calls":"[{\"id\":\"c\"}]"}]`,
	`[{"role":"user","content":"a","content":"b"}]`, `[{"role":"user","name":null}]`,
	`[{"role":"assistant","tool_calls":[{"id":1,"function":{"name":"f"}}]}]`,
	`[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","name":"g"}}]}]`,
	`[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f"},"function":{}}]}]`,
	`[{"role":"user","content":"x"}] x`, `[{"role":"user","content":"x"},]`,
	"[{\"role\":\"user\",\"content\":\"bad\xffutf8\"}]", `[{"role":"user","content":"bad \ud800"}]`,
}

// openAIMessagesReader checks the streaming reader of OpenAI messages against the general one.
var openAIMessagesReader = messagesReader(openAIMessagesSeeds, appendOpenAIMessagesJSON, appendOpenAIMessagesGeneral, 7)

var toolCallsSeeds = []string{
	`[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"q\":1}"}}]`,
	`[{"id":"c2","name":"flat","arguments":{"a":1}},1,null,{"function":[],"name":"n","arguments":null}]`,
	`[{"id":"c","function":{"name":"a"},"name":"outer","arguments":"y"}]`, `[]`, ` [ ] `,
	`[{"id":{"x":1}}]`, `[{"id":"a","id":"b"}]`, `[{"function":{"arguments":1,"arguments":2}}]`, `{"id":"c"}`, `[1,`,
	`[{"name":"get_weather","args":{"city":"Paris"},"id":"call_1","type":"tool_call"}]`, // LangChain's
	`[{"id":"c","name":"f","args":{"a":1},"arguments":"{\"b\":2}"}]`,
}

// toolCallsReader checks the streaming reader of tool calls against the general one.
var toolCallsReader = fastReader{
	seeds: toolCallsSeeds,
	fast: func(in string) (any, bool) {
		got, ok := toolCallsJSON(in, nil)
		return dump([]Message{{ToolCalls: got}}), ok
	},
	general: func(in string) any {
		return dump([]Message{{ToolCalls: openAIToolCallsGeneral(pcommon.NewValueStr(in))}})
	},
	minFast: 5,
}

func TestOpenAIMessagesJSON(t *testing.T) { openAIMessagesReader.test(t) }
func FuzzOpenAIMessagesJSON(f *testing.F) { openAIMessagesReader.fuzz(f) }
func TestToolCallsJSON(t *testing.T)      { toolCallsReader.test(t) }

func TestLangChainToolCallArgs(t *testing.T) {
	in := `[{"name":"get_weather","args":{"city":"Paris"},"id":"call_1","type":"tool_call"}]`
	for name, calls := range map[string][]ToolCall{
		"streaming": func() []ToolCall { c, _ := toolCallsJSON(in, nil); return c }(),
		"general":   openAIToolCallsGeneral(pcommon.NewValueStr(in)),
	} {
		if len(calls) != 1 || calls[0].Name != "get_weather" || !calls[0].Arguments.Set {
			t.Fatalf("%s: got %+v, want get_weather with its args", name, calls)
		}
	}
}
func FuzzToolCallsJSON(f *testing.F) { toolCallsReader.fuzz(f) }

var openAIMessageSeeds = []string{
	`{"role":"assistant","content":"It is sunny.","tool_calls":[{"id":"c1","function":{"name":"f","arguments":"{}"}}]}`,
	` {"content":[{"type":"text","text":"a"}],"name":"n"} `, `{}`, `{"role":1}`, `{"role":"a","role":"b"}`, `{"tool_calls":"[]"}`,
	`{"role":"user"} x`, `[]`, `"text"`,
}

// openAIMessageReader checks the streaming reader of one OpenAI message against openAIMessage.
var openAIMessageReader = fastReader{
	seeds: openAIMessageSeeds,
	fast: func(in string) (any, bool) {
		got, ok := openAIMessageJSON(in, "assistant")
		return dump([]Message{got}), ok
	},
	general: func(in string) any {
		v := anyjson.Value(pcommon.NewValueStr(in))
		if v.Type() != pcommon.ValueTypeMap {
			return "<not a message>"
		}
		return dump([]Message{openAIMessage(v.Map(), "assistant")})
	},
	minFast: 3,
}

func TestOpenAIMessageJSON(t *testing.T) { openAIMessageReader.test(t) }
func FuzzOpenAIMessageJSON(f *testing.F) { openAIMessageReader.fuzz(f) }
