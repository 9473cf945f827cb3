package llmspanprocessor

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/metadatatest"
)

// Run with -update to rewrite the expected files, then review the diff: they are the spec.
var update = flag.Bool("update", false, "rewrite testdata/<dialect>/<case>/expected.yaml")

// TestGolden runs every testdata/<dialect>/<case>/input.{yaml,json} through the processor and
// compares with expected.yaml next to it.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*/*/input.*")
	require.NoError(t, err)
	require.NotEmpty(t, inputs)
	for _, input := range inputs {
		dir := filepath.Dir(input)
		t.Run(strings.TrimPrefix(dir, "testdata/"), func(t *testing.T) {
			in, err := golden.ReadTraces(input)
			require.NoError(t, err)
			got := process(t, &Config{}, cloneTraces(in))

			expectedFile := filepath.Join(dir, "expected.yaml")
			if *update {
				require.NoError(t, golden.WriteTraces(t, expectedFile, got))
			}
			want, err := golden.ReadTraces(expectedFile)
			require.NoError(t, err)
			require.NoError(t, ptracetest.CompareTraces(want, got))

			assertNothingLost(t, in, got)
			assertMLflowValuesAreJSON(t, got)
			again := process(t, &Config{}, cloneTraces(got))
			require.NoError(t, ptracetest.CompareTraces(got, again), "a second pass must change nothing")
		})
	}
}

func process(t testing.TB, cfg *Config, td ptrace.Traces) ptrace.Traces {
	sink := new(consumertest.TracesSink)
	p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(typ), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	require.NoError(t, p.Shutdown(context.Background()))
	return sink.AllTraces()[0]
}

func cloneTraces(td ptrace.Traces) ptrace.Traces {
	out := ptrace.NewTraces()
	td.CopyTo(out)
	return out
}

func forEachSpan(td ptrace.Traces, fn func(ptrace.Span)) {
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				fn(span)
			}
		}
	}
}

// assertNothingLost checks that every original attribute survives unchanged.
func assertNothingLost(t testing.TB, in, out ptrace.Traces) {
	var outSpans []ptrace.Span
	forEachSpan(out, func(s ptrace.Span) { outSpans = append(outSpans, s) })
	i := 0
	forEachSpan(in, func(s ptrace.Span) {
		require.Less(t, i, len(outSpans), "a span was dropped")
		got := outSpans[i].Attributes()
		for k, v := range s.Attributes().All() {
			gv, ok := got.Get(k)
			if assert.True(t, ok, "attribute %q lost", k) {
				assert.True(t, v.Equal(gv), "attribute %q changed", k)
			}
		}
		i++
	})
	require.Len(t, outSpans, i)
}

// assertMLflowValuesAreJSON checks the encoding rule: every mlflow.* value is a string holding
// valid JSON text.
func assertMLflowValuesAreJSON(t testing.TB, td ptrace.Traces) {
	forEachSpan(td, func(s ptrace.Span) {
		for k, v := range s.Attributes().All() {
			if !strings.HasPrefix(k, mlflow.AttrPrefix) {
				continue
			}
			if assert.Equal(t, pcommon.ValueTypeStr, v.Type(), k) {
				assert.True(t, json.Valid([]byte(v.Str())), "%s is not JSON text: %s", k, v.Str())
				assert.True(t, utf8.ValidString(v.Str()), k)
			}
		}
	})
}

func TestTelemetry(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	p, err := NewFactory().CreateTraces(context.Background(), metadatatest.NewSettings(tel), &Config{}, consumertest.NewNop())
	require.NoError(t, err)

	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	spans.AppendEmpty().Attributes().PutStr("gen_ai.operation.name", "chat")
	spans.AppendEmpty().Attributes().PutStr("http.method", "GET")
	spans.AppendEmpty().Attributes().PutStr(mlflow.AttrSpanType, `"LLM"`)
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	require.NoError(t, p.Shutdown(context.Background()))

	metadatatest.AssertEqualProcessorLlmspanSpansNormalized(t, tel, []metricdata.DataPoint[int64]{
		{Value: 1, Attributes: attribute.NewSet(attribute.String("dialect", "genai"))},
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorLlmspanSpansUnrecognized(t, tel, []metricdata.DataPoint[int64]{{Value: 1}}, metricdatatest.IgnoreTimestamp())
}

func TestHugeValuesPassThrough(t *testing.T) {
	huge := strings.Repeat("x", 8<<20)
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	td := ptrace.NewTraces()
	attrs := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().Attributes()
	attrs.PutStr("gen_ai.operation.name", "chat")
	attrs.PutStr("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"`+huge+`"}]}]`)
	attrs.PutStr("gen_ai.output.messages", deep)
	in := cloneTraces(td)

	got := process(t, &Config{}, td)
	assertNothingLost(t, in, got)
	out := got.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
	inputs, ok := out.Get(mlflow.AttrSpanInputs)
	require.True(t, ok)
	assert.Greater(t, len(inputs.Str()), len(huge))
	outputs, ok := out.Get(mlflow.AttrSpanOutputs)
	require.True(t, ok, "too deep to read as messages: passed on as a string")
	assert.Equal(t, pcommon.ValueTypeStr, outputs.Type())

	capped := process(t, &Config{MaxValueSize: 1 << 20}, cloneTraces(in))
	assertNothingLost(t, in, capped)
	assertMLflowValuesAreJSON(t, capped)
	inputs, ok = capped.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().Get(mlflow.AttrSpanInputs)
	require.True(t, ok, "over max_value_size: truncated")
	assert.LessOrEqual(t, len(inputs.Str()), 1<<20)
	assert.Contains(t, inputs.Str(), "…[truncated ")
}

// writtenMLflow returns the mlflow.* attributes of the first span of td, processed.
func writtenMLflow(t *testing.T, td ptrace.Traces) map[string]any {
	out := map[string]any{}
	for k, v := range firstSpan(process(t, &Config{}, td)).Attributes().All() {
		if strings.HasPrefix(k, mlflow.AttrPrefix) {
			out[k] = v.AsRaw()
		}
	}
	return out
}

// Langfuse's SDKs copy their trace-level keys onto every span of a trace: an OpenInference
// span that carries them is still OpenInference's.
func TestReviewLangfusePropagatedOnOpenInference(t *testing.T) {
	attrs := map[string]any{
		"openinference.span.kind": "LLM", "llm.model_name": "gpt-4o",
		"llm.input_messages.0.message.role": "user", "llm.input_messages.0.message.content": "Hi",
		"llm.output_messages.0.message.role": "assistant", "llm.output_messages.0.message.content": "Hello",
		"llm.token_count.prompt": int64(10), "llm.token_count.completion": int64(2), "session.id": "s-1",
	}
	plain := firstSpan(process(t, &Config{}, oneSpan("openinference.instrumentation.openai", attrs))).Attributes()
	attrs["langfuse.trace.name"] = "my-trace"
	attrs["langfuse.trace.tags"] = []any{"prod"}
	attrs["langfuse.trace.metadata.tenant"] = "acme"
	attrs["langfuse.version"] = "1.2"
	attrs["langfuse.environment"] = "production"
	attrs["langfuse.observation.prompt.name"] = "greeting"
	got := firstSpan(process(t, &Config{}, oneSpan("openinference.instrumentation.openai", attrs))).Attributes()
	for _, k := range []string{"mlflow.spanType", "mlflow.spanInputs", "mlflow.spanOutputs", "mlflow.chat.tokenUsage", "mlflow.llm.model"} {
		want, _ := plain.Get(k)
		v, ok := got.Get(k)
		if assert.True(t, ok, "%s missing (plain OpenInference writes %s)", k, want.AsString()) {
			assert.Equal(t, want.AsString(), v.AsString(), k)
		}
	}

	// A Langfuse observation is Langfuse's, whatever instrumentation scope it has.
	td := oneSpan("my.app", map[string]any{
		"langfuse.observation.type": "generation", "langfuse.observation.model.name": "m",
		"gen_ai.request.model": "other",
	})
	out := firstSpan(process(t, &Config{}, td)).Attributes().AsRaw()
	assert.Equal(t, `"m"`, out[mlflow.AttrLLMModel])
}

// LiteLLM's arize, arize_phoenix and langfuse_otel callbacks write OpenInference under the
// litellm tracer.
func TestLiteLLMOpenInferenceCallbacks(t *testing.T) {
	attrs := map[string]any{
		"openinference.span.kind": "LLM", "llm.model_name": "gpt-4o-mini", "llm.provider": "openai",
		"input.value":                           "Hi",
		"llm.input_messages.0.message.role":     "user",
		"llm.input_messages.0.message.content":  "Hi",
		"output.value":                          "Hello",
		"llm.output_messages.0.message.role":    "assistant",
		"llm.output_messages.0.message.content": "Hello",
		"llm.token_count.prompt":                int64(9), "llm.token_count.completion": int64(2), "llm.token_count.total": int64(11),
	}
	want := writtenMLflow(t, oneSpan("openinference.instrumentation.litellm", attrs))
	require.Contains(t, want, mlflow.AttrSpanInputs)
	assert.Equal(t, want, writtenMLflow(t, oneSpan("litellm", attrs)))
}

// AI SDK 7's @ai-sdk/otel writes GenAI's provider names, dots and all.
func TestVercelGenAIProviderNames(t *testing.T) {
	for _, name := range []string{"aws.bedrock", "gcp.vertex_ai", "gcp.gemini", "azure.ai.openai"} {
		attrs := map[string]any{
			"gen_ai.operation.name": "chat", "gen_ai.provider.name": name, "gen_ai.request.model": "m",
		}
		want := writtenMLflow(t, oneSpan("some.genai.lib", attrs))
		assert.Equal(t, `"`+name+`"`, want[mlflow.AttrLLMProvider])
		assert.Equal(t, want[mlflow.AttrLLMProvider], writtenMLflow(t, oneSpan("gen_ai", attrs))[mlflow.AttrLLMProvider], name)
	}
	// The AI SDK's own provider ids name the API too.
	got := writtenMLflow(t, oneSpan("ai", map[string]any{
		"ai.operationId": "ai.generateText.doGenerate", "ai.model.provider": "openai.chat", "ai.model.id": "gpt-4o",
	}))
	assert.Equal(t, `"openai"`, got[mlflow.AttrLLMProvider])
}

// TestIndexedToolCallAmplification: flattened indices are bounded per level, and the second
// level's slots per list of messages too, so that 1,024 keys of ~40 bytes cannot make 1,024
// messages of 1,024 tool calls each (45 MB of mlflow.spanInputs before the bound).
func TestIndexedToolCallAmplification(t *testing.T) {
	for name, key := range map[string]string{
		"genai":         "gen_ai.prompt.%d.tool_calls.1023.id",
		"openinference": "llm.input_messages.%d.message.tool_calls.1023.tool_call.id",
		"contents":      "llm.input_messages.%d.message.contents.1023.message_content.text",
	} {
		attrs := map[string]any{"gen_ai.operation.name": "chat", "gen_ai.request.model": "m", "openinference.span.kind": "LLM"}
		if name == "genai" {
			delete(attrs, "openinference.span.kind")
		}
		in := 0
		for n := range 1024 {
			k := fmt.Sprintf(key, n)
			attrs[k] = "x"
			in += len(k) + 1
		}
		got := firstSpan(process(t, &Config{}, oneSpan("", attrs))).Attributes()
		v, _ := got.Get(mlflow.AttrSpanInputs)
		assert.Less(t, len(v.Str()), 100*in, "%s: %d bytes of attributes made %d", name, in, len(v.Str()))
	}
}
