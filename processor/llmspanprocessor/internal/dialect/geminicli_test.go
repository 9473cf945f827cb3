package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

func geminiCLISpan(op string, attrs map[string]string) ptrace.Span {
	span := spanWithStrings(attrs)
	span.Attributes().PutStr("gen_ai.operation.name", op)
	span.Attributes().PutStr("gen_ai.agent.name", "gemini-cli")
	return span
}

// The system instruction in each form safeJsonStringify writes it; [] is none.
func TestGeminiCLISystemInstruction(t *testing.T) {
	for _, tc := range []struct{ name, sys, want string }{
		{"string", `"Be terse."`, "Be terse."},
		{"content", `{"role":"user","parts":[{"text":"Be terse."}]}`, "Be terse."},
		{"parts", `[{"text":"Be terse."}]`, "Be terse."},
		{"none", `[]`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rec Record
			readGeminiCLI(geminiCLISpan("llm_call", map[string]string{
				"gen_ai.system_instructions": tc.sys,
				"gen_ai.input.messages":      `[{"role":"user","parts":[{"text":"hi"}]}]`,
			}), &rec)
			if tc.want == "" {
				assert.Equal(t, []string{"user"}, roles(rec.Input.Messages))
				return
			}
			require.Equal(t, []string{"system", "user"}, roles(rec.Input.Messages))
			assert.Equal(t, tc.want, rec.Input.Messages[0].Parts[0].decoded())
		})
	}
}

// A non-streamed call's output is one content; streamed chunks without content (null, or no
// parts) are skipped; JSON cut at the CLI's limit is passed on as it is.
func TestGeminiCLIOutput(t *testing.T) {
	for _, tc := range []struct{ name, out, want string }{
		{"one content", `{"role":"model","parts":[{"text":"It is sunny."}]}`, "It is sunny."},
		{"chunks with gaps", `[{"role":"model","parts":[{"text":"It is "}]},null,{"role":"model"},{"role":"model","parts":[{"text":"sunny."}]}]`, "It is sunny."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rec Record
			readGeminiCLI(geminiCLISpan("llm_call", map[string]string{"gen_ai.output.messages": tc.out}), &rec)
			require.Len(t, rec.Output.Messages, 1)
			assert.Equal(t, "assistant", rec.Output.Messages[0].Role)
			assert.Equal(t, tc.want, rec.Output.Messages[0].Parts[0].decoded())
		})
	}
	var rec Record
	cut := `[{"role":"user","parts":[{"text":"long...[TRUNCATED: original length 20000]`
	readGeminiCLI(geminiCLISpan("llm_call", map[string]string{"gen_ai.input.messages": cut}), &rec)
	assert.Empty(t, rec.Input.Messages)
	assert.Equal(t, cut, rec.Input.Value.Str())
}

// Tool declarations name their schema parametersJsonSchema (the JS SDK) or parameters.
func TestGeminiCLITools(t *testing.T) {
	var rec Record
	readGeminiCLI(geminiCLISpan("llm_call", map[string]string{
		"gen_ai.tool.definitions": `[{"functionDeclarations":[` +
			`{"name":"read_file","description":"Reads a file.","parametersJsonSchema":{"type":"object"}},` +
			`{"name":"glob","parameters":{"type":"OBJECT"}}]}]`,
	}), &rec)
	require.Len(t, rec.Tools, 2)
	assert.Equal(t, "read_file", rec.Tools[0].Name)
	assert.Equal(t, "Reads a file.", rec.Tools[0].Description)
	schema := func(s string) Any { v, _ := anyjson.Parse(s); return Some(v) }
	assert.Equal(t, toolDump([]Tool{
		{Name: "read_file", Description: "Reads a file.", Parameters: schema(`{"type":"object"}`)},
		{Name: "glob", Parameters: schema(`{"type":"OBJECT"}`)},
	}), toolDump(rec.Tools))
	assert.Equal(t, mlflow.SpanTypeLLM, rec.SpanType)
	assert.Equal(t, "gcp.gen_ai", rec.Provider)
}

// A tool call's output is its one function response; with more response parts (a file read
// as text and media) the completed call is passed on as it is.
func TestGeminiCLIToolCall(t *testing.T) {
	var rec Record
	readGeminiCLI(geminiCLISpan("tool_call", map[string]string{
		"gen_ai.tool.name":       "read_file",
		"gen_ai.input.messages":  `{"callId":"c1","name":"read_file","args":{"file_path":"a.txt"}}`,
		"gen_ai.output.messages": `{"status":"success","response":{"callId":"c1","responseParts":[{"functionResponse":{"id":"c1","name":"read_file","response":{"output":"text"}}}]}}`,
	}), &rec)
	assert.Equal(t, mlflow.SpanTypeTool, rec.SpanType)
	assert.Equal(t, map[string]any{"file_path": "a.txt"}, rec.Input.Value.AsRaw())
	assert.Equal(t, map[string]any{"output": "text"}, rec.Output.Value.AsRaw())

	rec = Record{}
	out := `{"status":"success","response":{"responseParts":[{"functionResponse":{"name":"read_file","response":{}}},{"inlineData":{}}]}}`
	readGeminiCLI(geminiCLISpan("tool_call", map[string]string{"gen_ai.output.messages": out}), &rec)
	assert.Equal(t, out, rec.Output.Value.Str())
}

// Other operations pass the CLI's values on; a prompt string is the user's message.
func TestGeminiCLIOtherOperations(t *testing.T) {
	var rec Record
	calls := `[{"callId":"c1","name":"read_file","args":{}}]`
	readGeminiCLI(geminiCLISpan("schedule_tool_calls", map[string]string{"gen_ai.input.messages": calls}), &rec)
	assert.Equal(t, mlflow.SpanTypeChain, rec.SpanType)
	assert.Empty(t, rec.Input.Messages)
	assert.Equal(t, calls, rec.Input.Value.Str())

	rec = Record{}
	readGeminiCLI(geminiCLISpan("user_prompt", nil), &rec)
	assert.Equal(t, mlflow.SpanTypeAgent, rec.SpanType) // from gen_ai.agent.name

	for _, prompt := range []string{`"List the files"`, `List the files`} {
		rec = Record{}
		readGeminiCLI(geminiCLISpan("agent_call", map[string]string{"gen_ai.input.messages": prompt}), &rec)
		assert.Equal(t, mlflow.SpanTypeAgent, rec.SpanType)
		require.Equal(t, []string{"user"}, roles(rec.Input.Messages))
		assert.Equal(t, "List the files", rec.Input.Messages[0].Parts[0].decoded())
	}
}

// geminiToolsReader checks the streaming reader of Gemini tool lists against the general one.
var geminiToolsReader = fastReader{
	seeds: []string{
		`[{"functionDeclarations":[{"name":"f","description":"d","parametersJsonSchema":{"type":"object"}}]}]`,
		`[{"function_declarations":[{"name":"f","parameters":{"type":"OBJECT"}}],"functionDeclarations":[{"name":"g"}]}]`,
		`[{"googleSearch":{}},{"functionDeclarations":[]}]`, `[1,"x",{"functionDeclarations":{}}]`,
		`[{"functionDeclarations":"[]"}]`, `[{"functionDeclarations":[{"name":"f"}]}] x`, `{}`, `[]`,
	},
	fast: func(in string) (any, bool) {
		got, ok := appendGeminiToolsJSON(nil, in)
		return toolDump(got), ok
	},
	general: func(in string) any { return toolDump(appendGeminiToolsGeneral(nil, pcommon.NewValueStr(in))) },
	minFast: 5,
}

func TestGeminiToolsJSON(t *testing.T) { geminiToolsReader.test(t) }
func FuzzGeminiToolsJSON(f *testing.F) { geminiToolsReader.fuzz(f) }
