package dialect

import (
	"testing"

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
