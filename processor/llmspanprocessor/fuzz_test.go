package llmspanprocessor

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"
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

		assertProcessInvariants(t, td)
	})
}

// assertProcessInvariants processes td and checks what must hold for any input: every original
// attribute kept, every mlflow.* value valid JSON text, a second pass changing nothing, and a
// span's result not depending on the spans processed before it.
func assertProcessInvariants(t *testing.T, td ptrace.Traces) {
	in := cloneTraces(td)
	got := process(t, &Config{}, td)
	assertNothingLost(t, in, got)
	assertMLflowValuesAreJSON(t, got)
	again := process(t, &Config{}, cloneTraces(got))
	assertNothingLost(t, got, again)
	if got.SpanCount() != again.SpanCount() {
		t.Fatal("span count changed")
	}
	if in.SpanCount() > 1 {
		// The processor reuses its buffers from span to span: in reverse order every span
		// follows other spans, and must come out the same.
		reversed := process(t, &Config{}, reverseSpans(in))
		require.Equal(t, tracesJSON(t, got), tracesJSON(t, reverseSpans(reversed)))
	}
}

// reverseSpans returns td's spans in reverse order, each scope's spans and the scopes of each
// resource reversed.
func reverseSpans(td ptrace.Traces) ptrace.Traces {
	out := ptrace.NewTraces()
	for _, rs := range td.ResourceSpans().All() {
		ors := out.ResourceSpans().AppendEmpty()
		rs.Resource().CopyTo(ors.Resource())
		for i := rs.ScopeSpans().Len() - 1; i >= 0; i-- {
			ss, oss := rs.ScopeSpans().At(i), ors.ScopeSpans().AppendEmpty()
			ss.Scope().CopyTo(oss.Scope())
			for j := ss.Spans().Len() - 1; j >= 0; j-- {
				ss.Spans().At(j).CopyTo(oss.Spans().AppendEmpty())
			}
		}
	}
	return out
}

func tracesJSON(t *testing.T, td ptrace.Traces) string {
	b, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	return string(b)
}

// FuzzProcessDialects is FuzzProcess for every dialect: one span per dialect, in the scope that
// identifies it, with arbitrary text in every attribute and event the dialect reads (the keys
// its consumption table lists: content keys get content, the others other), and checks the
// same invariants.
func FuzzProcessDialects(f *testing.F) {
	f.Add(`[{"role":"user","content":"hi","parts":[{"text":"t"}]}]`, `{"model":"m","contents":[{"role":"user"}],"config":{"system_instruction":{"role":"x"}}}`, uint64(0))
	f.Add(`{"messages":[{"role":"user","content":[{"text":"x"},{"toolRequest":{"name":"f"}}]}]}`, `[{"role":"assistant","content":[{"type":"tool-call"}]}]`, uint64(0))
	f.Add(`[{"role":"user"},{"content":null},{"parts":[{"function_response":{}}]}]`, `{"content":{"role":"model"},"usage_metadata":{"prompt_token_count":"x"}}`, uint64(0))
	f.Add(`[{"kind":"request","parts":[{"part_kind":"tool-return","content":{"a":1}}]}]`, "12", uint64(0))
	f.Add("not json \xff", "", uint64(0))
	f.Add("", `[{"role":"user"}]`, ^uint64(0)) // events without content, no other keys
	f.Add(`{"model":"m"}`, `{"model":"m"}`, uint64(0))
	// AI SDK 4 and 5 provider metadata (bits 16 and 26 leave out vercel_ai's
	// ai.usage.inputTokenDetails.noCacheTokens and gen_ai.provider.name), and Mistral's
	// ChatCompletionResponse (bit 21 leaves out openinference's llm.finish_reason).
	f.Add(`{"anthropic":{"cacheCreationInputTokens":200,"cacheReadInputTokens":null},"bedrock":{"usage":[]}}`, "anthropic.messages", uint64(1<<16|1<<26))
	f.Add(`{"bedrock":{"usage":{"cacheWriteInputTokens":2.5,"cacheReadInputTokens":"3"}}}`, "amazon-bedrock", uint64(1<<16|1<<26))
	f.Add(`{"choices":[{"finish_reason":"stop","message":{"tool_calls":[{"id":"a","function":{"name":"f"}}]}}]}`, "mistralai", uint64(1<<21))
	f.Fuzz(func(t *testing.T, content, other string, omit uint64) {
		td := ptrace.NewTraces()
		rs := td.ResourceSpans().AppendEmpty()
		for _, d := range dialect.All {
			ss := rs.ScopeSpans().AppendEmpty()
			switch {
			case len(d.Scopes) > 0:
				ss.Scope().SetName(d.Scopes[0])
			case len(d.ScopePrefixes) > 0:
				ss.Scope().SetName(d.ScopePrefixes[0] + "x")
			}
			fillDialectSpan(ss.Spans().AppendEmpty(), d.Name, content, other, omit)
		}
		assertProcessInvariants(t, td)
	})
}

// fillDialectSpan puts content in every content key and event the dialect reads, and other in
// its other keys and in the events' other attributes; a key prefix ("x.*") gets "x.0.content".
// Bit i%64 of omit leaves the i-th other key out, so that the paths that depend on which keys
// a span has (a tool span or a chat span, say) are all taken; empty content is left out of the
// events.
func fillDialectSpan(span ptrace.Span, name, content, other string, omit uint64) {
	keysContent, keysOther, events := dialect.ConsumptionOf(name).Describe()
	key := func(k string) string {
		if p, ok := strings.CutSuffix(k, "*"); ok {
			return p + "0.content"
		}
		return k
	}
	attrs := span.Attributes()
	for i, k := range keysOther {
		if omit&(1<<(i%64)) == 0 {
			attrs.PutStr(key(k), other)
		}
	}
	// Kept keys hold JSON payloads read for a detail (llm.invocation_parameters,
	// ai.response.providerMetadata), as content keys do.
	for _, k := range append(keysContent, dialect.ConsumptionOf(name).Kept()...) {
		attrs.PutStr(key(k), content)
	}
	for _, e := range events {
		ev := span.Events().AppendEmpty()
		ev.SetName(strings.Fields(e)[0]) // "name (content keys only)"
		if content != "" {
			ev.Attributes().PutStr("content", content)
		}
		ev.Attributes().PutStr("message", content)
		ev.Attributes().PutStr("tool_calls", other)
		ev.Attributes().PutStr("role", other)
		ev.Attributes().PutStr("gen_ai.input.messages", content)
	}
}
