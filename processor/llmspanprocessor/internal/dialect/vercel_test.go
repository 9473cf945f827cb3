package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestVercelJSONItems(t *testing.T) {
	tests := []struct {
		name string
		in   func(v pcommon.Value)
		want any
	}{
		{"JSON texts decoded", func(v pcommon.Value) {
			s := v.SetEmptySlice()
			s.AppendEmpty().SetStr(`"hello"`)
			s.AppendEmpty().SetStr(`[0.1,0.2]`)
		}, []any{"hello", []any{0.1, 0.2}}},
		{"an item that is no JSON: kept", func(v pcommon.Value) {
			s := v.SetEmptySlice()
			s.AppendEmpty().SetStr(`"hello"`)
			s.AppendEmpty().SetStr(`hello`)
		}, []any{`"hello"`, "hello"}},
		{"an item that is no string: kept", func(v pcommon.Value) {
			s := v.SetEmptySlice()
			s.AppendEmpty().SetStr(`1`)
			s.AppendEmpty().SetInt(2)
		}, []any{"1", int64(2)}},
		{"a string: kept", func(v pcommon.Value) { v.SetStr(`"hello"`) }, `"hello"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := pcommon.NewValueEmpty()
			tt.in(v)
			got := vercelJSONItems(Some(v))
			assert.True(t, got.Set)
			assert.Equal(t, tt.want, got.AsRaw())
		})
	}
	assert.False(t, vercelJSONItems(Any{}).Set)
}

// AI SDK 7's invoke_agent writes one output message with every part of the run: the tool
// results are dropped from it, the answer and the calls kept, and its usage is not written.
func TestVercelAgentOutput(t *testing.T) {
	span := ptrace.NewSpan()
	attrs := span.Attributes()
	attrs.PutStr("gen_ai.operation.name", "invoke_agent")
	attrs.PutStr("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"Weather?"}]}]`)
	attrs.PutStr("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"Sunny."},`+
		`{"type":"tool_call","id":"c1","name":"get_weather","arguments":{"city":"Paris"}},`+
		`{"type":"tool_call_response","id":"c1","response":{"sky":"sunny"}}],"finish_reason":"stop"}]`)
	attrs.PutInt("gen_ai.usage.input_tokens", 47)
	attrs.PutStr("ai.settings.context.sessionId", "s-1")
	var rec Record
	readVercelAI(span, &rec)
	assert.Equal(t, "AGENT", rec.SpanType)
	assert.Equal(t, []string{"assistant"}, roles(rec.Output.Messages))
	assert.Len(t, rec.Output.Messages[0].ToolCalls, 1)
	assert.Equal(t, "stop", rec.Output.Messages[0].FinishReason)
	assert.False(t, rec.Usage.Input.Set)
	assert.Equal(t, "s-1", rec.SessionID)
}

// A legacy tool-calling step writes ai.response.text "": the message has no content.
func TestVercelToolCallsWithoutText(t *testing.T) {
	for _, text := range []string{"", "Let me check."} {
		span := ptrace.NewSpan()
		attrs := span.Attributes()
		attrs.PutStr("ai.operationId", "ai.generateText.doGenerate")
		attrs.PutStr("ai.response.text", text)
		attrs.PutStr("ai.response.toolCalls", `[{"toolCallId":"c1","toolName":"get_weather","input":{"city":"Paris"}}]`)
		var rec Record
		readVercelAI(span, &rec)
		assert.Len(t, rec.Output.Messages, 1)
		assert.Equal(t, text != "", len(rec.Output.Messages[0].Parts) == 1, text)
		assert.Len(t, rec.Output.Messages[0].ToolCalls, 1)
	}
}

// AI SDK 6 reports cache writes only in its input details.
func TestVercelCacheDetails(t *testing.T) {
	span := ptrace.NewSpan()
	attrs := span.Attributes()
	attrs.PutStr("ai.operationId", "ai.generateText.doGenerate")
	attrs.PutInt("ai.usage.inputTokens", 4512)
	attrs.PutInt("ai.usage.outputTokens", 80)
	attrs.PutInt("ai.usage.inputTokenDetails.cacheReadTokens", 4000)
	attrs.PutInt("ai.usage.inputTokenDetails.cacheWriteTokens", 500)
	var rec Record
	readVercelAI(span, &rec)
	assert.Equal(t, Count{N: 4000, Set: true}, rec.Usage.CacheRead)
	assert.Equal(t, Count{N: 500, Set: true}, rec.Usage.CacheCreation)
}

// The AI SDK's Prompt.system is text, a system message or a list of them.
func TestVercelPromptSystem(t *testing.T) {
	for _, system := range []string{
		`"You are terse."`,
		`{"role":"system","content":"You are terse."}`,
		`[{"role":"system","content":"You are terse."}]`,
	} {
		span := ptrace.NewSpan()
		span.Attributes().PutStr("ai.operationId", "ai.generateText")
		span.Attributes().PutStr("ai.prompt", `{"system":`+system+`,"prompt":"Capital of France?"}`)
		var rec Record
		readVercelAI(span, &rec)
		if assert.Equal(t, []string{"system", "user"}, roles(rec.Input.Messages), system) {
			assert.Equal(t, "You are terse.", rec.Input.Messages[0].Parts[0].Text, system)
		}
	}
}

// AI SDK 5's Google provider reports Gemini's candidate count as the output, the thinking
// tokens apart (ai.usage.reasoningTokens) and in the total, which stream spans carry
// (@ai-sdk/google 2.0.108, ai 5.0.277): the output gets them. OpenAI's output already holds
// its reasoning tokens, as AI SDK 6's does.
func TestVercelReasoningTokens(t *testing.T) {
	for _, tc := range []struct {
		name                     string
		output, total, reasoning int64
		wantOutput               int64
	}{
		{"Gemini: thinking apart from the output", 8, 140, 12, 20},
		{"OpenAI: reasoning in the output", 20, 140, 12, 20},
		{"no reasoning", 20, 140, 0, 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			span := ptrace.NewSpan()
			attrs := span.Attributes()
			attrs.PutStr("ai.operationId", "ai.streamText.doStream")
			attrs.PutInt("ai.usage.inputTokens", 120)
			attrs.PutInt("ai.usage.outputTokens", tc.output)
			attrs.PutInt("ai.usage.totalTokens", tc.total)
			attrs.PutInt("ai.usage.reasoningTokens", tc.reasoning)
			attrs.PutInt("gen_ai.usage.output_tokens", tc.output)
			var rec Record
			readVercelAI(span, &rec)
			assert.Equal(t, Count{N: tc.wantOutput, Set: true}, rec.Usage.Output)
			assert.Equal(t, Count{N: 140, Set: true}, rec.Usage.Total)
		})
	}
}
