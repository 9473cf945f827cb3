package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// pydanticAI reads Pydantic AI's instrumentation (also what Logfire shows), data format
// versions 2 and later: model request spans in GenAI, plus the agent run span's
// pydantic_ai.all_messages and final_result, version 2's tool_arguments and tool_response, and
// model_request_parameters' tool definitions. Version 1 (messages as a JSON "events"
// attribute) is not read. The agent run span's usage sums its model requests' and is dropped.
var pydanticAI = Dialect{
	Name:       "pydantic_ai",
	Scopes:     []string{"pydantic-ai"},
	Namespaces: []string{"pydantic_ai"},
	Read:       readPydanticAI,
}

var pydanticAIKeys = withKeys(genAIKeys, Keys{
	"tool_arguments": {FieldToolArguments, 1},
	"tool_response":  {FieldToolResult, 1},
	"agent_name":     {FieldAgentName, 1},
	"model_name":     {FieldModel, 2},
})

type pydanticAISpan struct {
	allMessages, finalResult, requestParameters Any
}

func (s *pydanticAISpan) put(k string, v pcommon.Value) {
	switch k {
	case "pydantic_ai.all_messages":
		s.allMessages = Some(v)
	case "final_result":
		s.finalResult = Some(v)
	case "model_request_parameters":
		s.requestParameters = Some(v)
	}
}

// pydanticAIToolKeys are the members of model_request_parameters that hold tool definitions.
var pydanticAIToolKeys = [...]string{"function_tools", "output_tools"}

// appendPydanticAITools appends the tool definitions of model_request_parameters, streamed
// when it holds JSON text the scanner reads (appendPydanticAIToolsJSON), else parsed.
func appendPydanticAITools(tools []Tool, v pcommon.Value) []Tool {
	if v.Type() == pcommon.ValueTypeStr {
		if out, ok := appendPydanticAIToolsJSON(tools, v.Str()); ok {
			return out
		}
	}
	if p := anyjson.Value(v); p.Type() == pcommon.ValueTypeMap {
		for _, k := range pydanticAIToolKeys {
			if defs, ok := p.Map().Get(k); ok {
				tools = appendToolDefinitions(tools, defs)
			}
		}
	}
	return tools
}

// appendPydanticAIToolsJSON is appendPydanticAITools for an object held as JSON text; ok is
// false for anything it does not read the same way.
func appendPydanticAIToolsJSON(tools []Tool, s string) (_ []Tool, ok bool) {
	sc := anyjson.NewScanner(s)
	if !sc.Consume('{') {
		return tools, false
	}
	var function, output jsonField
	if !readFields(&sc, 1, false, pydanticAIToolKeys[:], &function, &output) || !sc.End() {
		return tools, false
	}
	n := len(tools)
	for _, defs := range [2]*jsonField{&function, &output} {
		if defs.set {
			if tools, ok = appendToolDefinitionsRaw(tools, defs.raw); !ok {
				return tools[:n], false
			}
		}
	}
	return tools, true
}

func readPydanticAI(span ptrace.Span, rec *Record) {
	var (
		f Fields
		s pydanticAISpan
	)
	readGenAIWith(span, rec, &f, pydanticAIKeys, s.put)

	// The agent run's history; a system message from gen_ai.system_instructions stays first.
	if in := rec.Input.Messages; s.allMessages.Set && (len(in) == 0 || len(in) == 1 && in[0].Role == "system") {
		if msgs, ok := appendGenAIMessages(in, s.allMessages.Value, &rec.arena); ok {
			rec.Input = Payload{Messages: msgs}
		}
	}
	if s.finalResult.Set && len(rec.Output.Messages) == 0 && !rec.Output.Value.Set {
		pydanticAIAnswer(rec, s.finalResult)
	}
	if len(rec.Tools) == 0 && s.requestParameters.Set {
		rec.Tools = appendPydanticAITools(rec.Tools, s.requestParameters.Value)
	}
	if rec.SpanType == mlflow.SpanTypeAgent {
		rec.Usage = Usage{} // the run's total over its model requests
	}
}

// pydanticAIAnswer gives an agent run its output. all_messages ends with the answer that
// final_result holds as text: that assistant message is the output, as a chat reply, and the
// history before it the input, so the answer is not shown twice. A structured result (an output
// tool's call, then its return) is passed on as final_result.
func pydanticAIAnswer(rec *Record, finalResult Any) {
	in := rec.Input.Messages
	n := len(in)
	if n < 2 || !isAnswer(in[n-1]) {
		rec.Output.Value = finalResult
		return
	}
	rec.Output.Messages = append(rec.Output.Messages, in[n-1])
	rec.Input.Messages = in[:n-1]
}
