package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

var pydanticAIToolsSeeds = []string{
	`{"function_tools":[{"name":"weather","description":"d","parameters_json_schema":{"type":"object"}}],"output_tools":[{"name":"final_result"}],"allow_text_output":true}`,
	`{}`, `{"function_tools":[]}`, `{"function_tools":"[]"}`, `{"output_tools":{"name":"x"}}`, `{"function_tools":[],"function_tools":[]}`, `[]`, `{"a":1} x`,
}

// pydanticAIToolsReader checks the streaming reader of model_request_parameters' tools against
// the general one.
var pydanticAIToolsReader = fastReader{
	seeds: pydanticAIToolsSeeds,
	fast: func(in string) (any, bool) {
		got, ok := appendPydanticAIToolsJSON(nil, in)
		return toolDump(got), ok
	},
	general: func(in string) any {
		var tools []Tool
		if p := anyjson.Value(pcommon.NewValueStr(in)); p.Type() == pcommon.ValueTypeMap {
			for _, k := range pydanticAIToolKeys {
				if defs, ok := p.Map().Get(k); ok {
					tools = appendToolDefinitions(tools, defs)
				}
			}
		}
		return toolDump(tools)
	},
	minFast: 4,
}

func TestPydanticAIToolsJSON(t *testing.T) { pydanticAIToolsReader.test(t) }
func FuzzPydanticAIToolsJSON(f *testing.F) { pydanticAIToolsReader.fuzz(f) }

func TestPydanticAIAnswer(t *testing.T) {
	history := `[{"role":"user","parts":[{"type":"text","content":"Weather?"}]},` +
		`{"role":"assistant","parts":[{"type":"text","content":"Sunny."}],"finish_reason":"stop"}]`
	rec := readSpan(t, readPydanticAI, map[string]any{"agent_name": "a", "gen_ai.operation.name": "invoke_agent",
		"pydantic_ai.all_messages": history, "final_result": "Sunny."})
	require.Len(t, rec.Input.Messages, 1, "the answer is not on the input too")
	require.Len(t, rec.Output.Messages, 1)
	assert.Equal(t, "stop", rec.Output.Messages[0].FinishReason)
	assert.False(t, rec.Output.Value.Set)

	structured := `[{"role":"user","parts":[{"type":"text","content":"Weather?"}]},` +
		`{"role":"assistant","parts":[{"type":"tool_call","id":"c","name":"final_result","arguments":{"sky":"sunny"}}]}]`
	rec = readSpan(t, readPydanticAI, map[string]any{"agent_name": "a", "gen_ai.operation.name": "invoke_agent",
		"pydantic_ai.all_messages": structured, "final_result": `{"sky":"sunny"}`})
	assert.Len(t, rec.Input.Messages, 2)
	assert.Equal(t, `{"sky":"sunny"}`, rec.Output.Value.AsString(), "a structured result is passed on")
}
