package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// springAIChatSpan builds a chat model span as Spring AI 1.1 writes it, with the given
// spring.ai.model.request.tool.names and, when defs is not empty, gen_ai.tool.definitions.
func springAIChatSpan(names, defs string) ptrace.Span {
	span := ptrace.NewSpan()
	attrs := span.Attributes()
	attrs.PutStr("gen_ai.operation.name", "chat")
	attrs.PutStr("gen_ai.system", "openai")
	attrs.PutStr("gen_ai.request.model", "gpt-4o-mini")
	attrs.PutStr("spring.ai.model.request.tool.names", names)
	if defs != "" {
		attrs.PutStr("gen_ai.tool.definitions", defs)
	}
	return span
}

// The tools offered to the chat model are named only: each becomes a definition of its name.
func TestSpringAIToolNames(t *testing.T) {
	for names, want := range map[string][]Tool{
		`["get_weather"]`:             {{Name: "get_weather"}},
		`["get_weather", "get_time"]`: {{Name: "get_weather"}, {Name: "get_time"}},
		`[]`:                          nil,
		`get_weather`:                 nil, // not a list
		`[""]`:                        nil,
	} {
		var rec Record
		readSpringAI(springAIChatSpan(names, ""), &rec)
		assert.Equal(t, want, rec.Tools, names)
		assert.Equal(t, "CHAT_MODEL", rec.SpanType, names)
		assert.Equal(t, "openai", rec.Provider, names)
	}
}

// Definitions, where a span has them, win over the names.
func TestSpringAIToolDefinitionsWin(t *testing.T) {
	var rec Record
	readSpringAI(springAIChatSpan(`["other"]`,
		`[{"type":"function","name":"get_weather","description":"Current weather for a city."}]`), &rec)
	assert.Equal(t, []Tool{{Name: "get_weather", Description: "Current weather for a city."}}, rec.Tools)
}

// ChatClient and advisor spans: CHAIN, without "spring_ai" as the provider.
func TestSpringAIKinds(t *testing.T) {
	for kind, want := range map[string]string{
		"chat_client": "CHAIN", "advisor": "CHAIN", "tool_call": "TOOL", "vector_store": "RETRIEVER",
	} {
		span := ptrace.NewSpan()
		span.Attributes().PutStr("gen_ai.operation.name", "framework")
		span.Attributes().PutStr("gen_ai.system", "spring_ai")
		span.Attributes().PutStr("spring.ai.kind", kind)
		var rec Record
		readSpringAI(span, &rec)
		assert.Equal(t, want, rec.SpanType, kind)
		assert.Empty(t, rec.Provider, kind)
	}
}
