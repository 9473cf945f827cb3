package llmspanprocessor

import (
	"context"
	"encoding/json"
	"flag"
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
