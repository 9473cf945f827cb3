package llmspanprocessor

import (
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// FuzzProcess feeds arbitrary text into the attributes and events the GenAI dialect parses and
// checks the invariants that must hold for any input: no panic, every original attribute kept,
// every mlflow.* value valid JSON text, and a second pass changing nothing.
func FuzzProcess(f *testing.F) {
	f.Add(`[{"role":"user","parts":[{"type":"text","content":"hi"}]}]`, `[{"role":"assistant","parts":[{"type":"tool_call","name":"t","arguments":{"a":1}}]}]`, "12")
	f.Add(`[{"role":"tool","parts":[{"type":"tool_call_response","id":"c","response":[1,{"x":null}]}]}]`, `"text"`, `"7"`)
	f.Add(`[{"type":"function","function":{"name":"f","parameters":"{}"}}]`, "not json \xff", "-3")
	f.Add(`[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]`, `{"role":"user"}`, "1e3")
	f.Add("", "\x00", "")
	f.Fuzz(func(t *testing.T, messages, other, count string) {
		td := ptrace.NewTraces()
		span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
		attrs := span.Attributes()
		attrs.PutStr("gen_ai.operation.name", strings.ToLower(other))
		attrs.PutStr("gen_ai.input.messages", messages)
		attrs.PutStr("gen_ai.output.messages", other)
		attrs.PutStr("gen_ai.system_instructions", other)
		attrs.PutStr("gen_ai.tool.definitions", messages)
		attrs.PutStr("gen_ai.tool.call.arguments", other)
		attrs.PutStr("gen_ai.usage.input_tokens", count)
		attrs.PutStr("gen_ai.prompt."+count+".content", other)
		attrs.PutStr("gen_ai.completion.0.tool_calls."+count+".arguments", messages)
		attrs.PutStr("gen_ai.request.model", other)
		ev := span.Events().AppendEmpty()
		ev.SetName("gen_ai.choice")
		ev.Attributes().PutStr("message", messages)
		ev.Attributes().PutStr("tool_calls", other)

		in := cloneTraces(td)
		got := process(t, &Config{}, td)
		assertNothingLost(t, in, got)
		assertMLflowValuesAreJSON(t, got)
		again := process(t, &Config{}, cloneTraces(got))
		assertNothingLost(t, got, again)
		if got.SpanCount() != again.SpanCount() {
			t.Fatal("span count changed")
		}
	})
}
