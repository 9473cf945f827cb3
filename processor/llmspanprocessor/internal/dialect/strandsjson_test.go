package dialect

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

var strandsBlocksSeeds = []string{
	`[{"text":"What is the weather in Paris?"},{"toolUse":{"toolUseId":"t1","name":"get_weather","input":{"city":"Paris"}}}]`,
	`[{"toolResult":{"toolUseId":"t1","status":"success","content":[{"text":"sunny"},{"text":"22C"}]}}]`,
	`[{"toolResult":{"toolUseId":"t2","content":[{"json":{"a":1}}]}},{"text":"rest"},{"image":{"format":"png"}}]`,
	`[{"reasoningContent":{"reasoningText":{"text":"hm"}}},{"text":"Sunny."},{"cachePoint":{"type":"default"}}]`,
	`[{"text":"rest"},"s"]`, `[{"unknown":1}]`, "[\"Paris\", \"London\"]\n",
	`[{"toolResult":{"toolUseId":"t3","content":"[{\"text\":\"x\"}]"}},{"toolUse":"not an object","text":1}]`,
	`[]`, ` [ {"text" : "\u00e9"} ] `, `[{"text":"a","text":"b"}]`, `[{"toolUse":{"toolUseId":1}}]`,
	`[{"toolResult":{"toolUseId":"t","content":null}}]`, `"text"`, `{"text":"x"}`, `[{"text":"x"}] x`,
}

// strandsBlocksReader checks the streaming reader of Bedrock content blocks against the general one.
var strandsBlocksReader = fastReader{
	seeds: strandsBlocksSeeds,
	fast: func(in string) (any, bool) {
		got, ok := appendStrandsMessageJSON(nil, "tool", in)
		return dump(got), ok
	},
	general: func(in string) any {
		return dump(appendStrandsMessageGeneral(nil, "tool", pcommon.NewValueStr(in)))
	},
	minFast: 7,
}

var strandsPartSeeds = []string{
	`[{"role":"tool","parts":[{"type":"tool_call","name":"f","arguments":{"city":"Paris"}}]}]`,
	`[{"role":"tool","parts":[{"type":"tool_call_response","response":[{"text":"sunny"}]}]},{"x":1}]`,
	`[{"parts":[{"arguments":"a string"}]}]`, `[{"parts":[{"arguments":null}]}]`, `[{"parts":[]}]`, `[{"parts":["x"]}]`,
	`[]`, `["x"]`, `[{"parts":"[]"}]`, `[{"parts":[{"arguments":1,"arguments":2}]}]`, `[{"parts":[],"parts":[]}]`,
	`[{"parts":[{"arguments":1}]}] x`, `{"parts":[]}`,
}

// strandsPartReader checks the streaming reader of a first message part against the general one.
var strandsPartReader = fastReader{
	seeds: strandsPartSeeds,
	fast: func(in string) (any, bool) {
		got, ok := strandsPartJSON(in, "arguments")
		return dump([]Message{{ToolCalls: []ToolCall{{Arguments: got}}}}), ok
	},
	general: func(in string) any {
		return dump([]Message{{ToolCalls: []ToolCall{{Arguments: strandsPartGeneral(pcommon.NewValueStr(in), "arguments")}}}})
	},
	minFast: 8,
}

func TestStrandsBlocksJSON(t *testing.T) { strandsBlocksReader.test(t) }
func FuzzStrandsBlocksJSON(f *testing.F) { strandsBlocksReader.fuzz(f) }
func TestStrandsPartJSON(t *testing.T)   { strandsPartReader.test(t) }
func FuzzStrandsPartJSON(f *testing.F)   { strandsPartReader.fuzz(f) }
