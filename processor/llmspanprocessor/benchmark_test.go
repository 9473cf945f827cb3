package llmspanprocessor

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"
)

// chatSpan builds a chat span with about 3 KB of messages.
func chatSpan(span ptrace.Span) {
	long := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 30)
	a := span.Attributes()
	a.PutStr("gen_ai.operation.name", "chat")
	a.PutStr("gen_ai.provider.name", "openai")
	a.PutStr("gen_ai.request.model", "gpt-4o")
	a.PutStr("gen_ai.response.model", "gpt-4o-2024-08-06")
	a.PutInt("gen_ai.usage.input_tokens", 812)
	a.PutInt("gen_ai.usage.output_tokens", 96)
	a.PutStr("gen_ai.system_instructions", `[{"type":"text","content":"You are a helpful assistant."}]`)
	a.PutStr("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"`+long+`"}]},`+
		`{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"search","arguments":{"q":"fox"}}]},`+
		`{"role":"tool","parts":[{"type":"tool_call_response","id":"call_1","response":"`+long+`"}]}]`)
	a.PutStr("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"`+long+`"}],"finish_reason":"stop"}]`)
	a.PutStr("gen_ai.tool.definitions", `[{"type":"function","name":"search","description":"Web search.","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}]`)
}

// noContentSpan is what instrumentations emit with content capture off.
func noContentSpan(span ptrace.Span) {
	a := span.Attributes()
	a.PutStr("gen_ai.operation.name", "chat")
	a.PutStr("gen_ai.provider.name", "openai")
	a.PutStr("gen_ai.request.model", "gpt-4o")
	a.PutInt("gen_ai.usage.input_tokens", 812)
	a.PutInt("gen_ai.usage.output_tokens", 96)
	a.PutStr("server.address", "api.openai.com")
}

func BenchmarkProcessChatSpan(b *testing.B)      { benchmarkProcess(b, chatSpan) }
func BenchmarkProcessNoContentSpan(b *testing.B) { benchmarkProcess(b, noContentSpan) }

func benchmarkProcess(b *testing.B, build func(ptrace.Span)) {
	p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(typ), &Config{}, consumertest.NewNop())
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		// A fresh span each time, built off the clock: a processed span is left alone.
		b.StopTimer()
		td := ptrace.NewTraces()
		build(td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty())
		b.StartTimer()
		require.NoError(b, p.ConsumeTraces(context.Background(), td))
	}
}
