package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

func TestSemanticKernelSpanType(t *testing.T) {
	tests := []struct {
		name, spanName, op, want string
	}{
		{"Python chat", "chat gpt-4o-mini", "chat", mlflow.SpanTypeChatModel},
		{"Python text completion", "text_completions gpt-3.5-turbo-instruct", "text_completions", mlflow.SpanTypeLLM},
		{"older chat completion", "chat.completions gpt-4o", "chat.completions", mlflow.SpanTypeChatModel},
		{"older text completion", "text.completions gpt-3.5-turbo-instruct", "text.completions", mlflow.SpanTypeLLM},
		{"tool", "execute_tool WeatherPlugin-get_weather", "execute_tool", mlflow.SpanTypeTool},
		{"function calling loop", semanticKernelLoop, "", mlflow.SpanTypeChain},
		{"other spans stay untyped", "something", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			span := ptrace.NewSpan()
			span.SetName(tt.spanName)
			if tt.op != "" {
				span.Attributes().PutStr("gen_ai.operation.name", tt.op)
			}
			var rec Record
			readSemanticKernel(span, &rec)
			assert.Equal(t, tt.want, rec.SpanType)
		})
	}
}

func TestSemanticKernelPythonScopes(t *testing.T) {
	d := NewDetector(All)
	for _, scope := range []string{
		"semantic_kernel.utils.telemetry.model_diagnostics.decorators",
		"semantic_kernel.utils.telemetry.agent_diagnostics.decorators",
		"semantic_kernel.functions.kernel_function",
		"semantic_kernel.connectors.ai.chat_completion_client_base",
		"Microsoft.SemanticKernel.Diagnostics",
	} {
		i, ok := First(d.ScopeMask(scope))
		assert.True(t, ok, scope)
		assert.Equal(t, "semantic_kernel", All[i].Name, scope)
	}
}

// The .NET SDK's current events hold each message as JSON in gen_ai.event.content, as
// ModelDiagnostics.ToGenAIConventionsFormat and ToGenAIConventionsChoiceFormat write it.
func TestSemanticKernelEventContent(t *testing.T) {
	span := ptrace.NewSpan()
	span.SetName("chat.completions gpt-4o-mini")
	span.Attributes().PutStr("gen_ai.operation.name", "chat.completions")
	span.Attributes().PutStr("gen_ai.request.model", "gpt-4o-mini")
	span.Attributes().PutStr("gen_ai.response.finish_reason", `["Stop","N/A"]`)
	event := func(name, content string) {
		ev := span.Events().AppendEmpty()
		ev.SetName(name)
		ev.Attributes().PutStr("gen_ai.event.content", content)
		ev.Attributes().PutStr("gen_ai.system", "openai")
	}
	event("gen_ai.system.message", `{"role": "system", "content": "You are a poet."}`)
	event("gen_ai.user.message", `{"role": "user", "content": "Write a haiku."}`)
	event("gen_ai.choice", `{"index": 0, "message": {"role": "assistant", "content": "Autumn moonlight..."}, "tool_calls": []}`)
	event("gen_ai.choice", `{"index": 1, "message": {"role": "assistant", "content": null, "tool_calls": [`+
		`{"id": "c1", "function": {"arguments": {"city": "Paris"}, "name": "get_weather"}, "type": "function"}]}, "tool_calls": [], "finish_reason": "ToolCalls"}`)
	var rec Record
	readSemanticKernel(span, &rec)
	assert.Equal(t, mlflow.SpanTypeChatModel, rec.SpanType)
	assert.Equal(t, []string{"system", "user"}, roles(rec.Input.Messages))
	assert.Equal(t, "Write a haiku.", rec.Input.Messages[1].Parts[0].Text)
	if assert.Len(t, rec.Output.Messages, 2) {
		assert.Equal(t, "Autumn moonlight...", rec.Output.Messages[0].Parts[0].Text)
		assert.Equal(t, "Stop", rec.Output.Messages[0].FinishReason, "from gen_ai.response.finish_reason")
		assert.Equal(t, "get_weather", rec.Output.Messages[1].ToolCalls[0].Name)
		assert.Equal(t, "ToolCalls", rec.Output.Messages[1].FinishReason, "the choice's own")
	}

	// A text completion's user message holds the prompt itself.
	text := ptrace.NewSpan()
	ev := text.Events().AppendEmpty()
	ev.SetName("gen_ai.user.message")
	ev.Attributes().PutStr("gen_ai.event.content", "Write a haiku.")
	rec = Record{}
	readSemanticKernel(text, &rec)
	assert.Equal(t, "Write a haiku.", rec.Input.Messages[0].Parts[0].Text)
}

// A side that a messages attribute gave stays as that attribute says, even when the events
// hold messages in gen_ai.event.content too: the events are read once, into the side they fill.
func TestSemanticKernelEventContentKeepsMessagesAttribute(t *testing.T) {
	span := ptrace.NewSpan()
	span.Attributes().PutStr("gen_ai.operation.name", "chat.completions")
	span.Attributes().PutStr("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"From the attribute."}]}]`)
	ev := span.Events().AppendEmpty()
	ev.SetName("gen_ai.user.message")
	ev.Attributes().PutStr("gen_ai.event.content", `{"role": "user", "content": "From the event."}`)
	ev = span.Events().AppendEmpty()
	ev.SetName("gen_ai.choice")
	ev.Attributes().PutStr("gen_ai.event.content", `{"index": 0, "message": {"role": "assistant", "content": "Reply."}, "tool_calls": []}`)
	var rec Record
	readSemanticKernel(span, &rec)
	if assert.Len(t, rec.Input.Messages, 1) && assert.Len(t, rec.Input.Messages[0].Parts, 1) {
		assert.Equal(t, "From the attribute.", rec.Input.Messages[0].Parts[0].decoded())
	}
	if assert.Len(t, rec.Output.Messages, 1) && assert.Len(t, rec.Output.Messages[0].Parts, 1) {
		assert.Equal(t, "Reply.", rec.Output.Messages[0].Parts[0].decoded())
	}
}

func BenchmarkSemanticKernelEventContent(b *testing.B) {
	span := ptrace.NewSpan()
	span.Attributes().PutStr("gen_ai.operation.name", "chat.completions")
	span.Attributes().PutStr("gen_ai.request.model", "gpt-4o-mini")
	for _, c := range []string{`{"role": "system", "content": "You are a poet."}`, `{"role": "user", "content": "Write a haiku."}`} {
		ev := span.Events().AppendEmpty()
		ev.SetName("gen_ai.user.message")
		ev.Attributes().PutStr("gen_ai.event.content", c)
	}
	ev := span.Events().AppendEmpty()
	ev.SetName("gen_ai.choice")
	ev.Attributes().PutStr("gen_ai.event.content", `{"index": 0, "message": {"role": "assistant", "content": "Autumn moonlight..."}, "tool_calls": []}`)
	var rec Record
	b.ReportAllocs()
	for b.Loop() {
		rec.Reset()
		readSemanticKernel(span, &rec)
	}
}
