package llmspanprocessor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

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
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/cost"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/metadatatest"
)

func pricedChatSpan(spans ptrace.SpanSlice, model string, input, output, cacheRead int64) ptrace.Span {
	span := spans.AppendEmpty()
	a := span.Attributes()
	a.PutStr("gen_ai.operation.name", "chat")
	a.PutStr("gen_ai.provider.name", "openai")
	a.PutStr("gen_ai.request.model", model)
	a.PutInt("gen_ai.usage.input_tokens", input)
	a.PutInt("gen_ai.usage.output_tokens", output)
	if cacheRead > 0 {
		a.PutInt("gen_ai.usage.cache_read.input_tokens", cacheRead)
	}
	return span
}

func costOf(t testing.TB, span ptrace.Span) map[string]float64 {
	t.Helper()
	v, ok := span.Attributes().Get(mlflow.AttrLLMCost)
	if !ok {
		return nil
	}
	var c map[string]float64
	require.NoError(t, json.Unmarshal([]byte(v.Str()), &c))
	return c
}

func defaultConfig() *Config { return NewFactory().CreateDefaultConfig().(*Config) }

func TestCost(t *testing.T) {
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	pricedChatSpan(spans, "gpt-4o-mini-2024-08-06", 10000, 1000, 4000)
	pricedChatSpan(spans, "no-such-model", 10, 10, 0)
	pricedChatSpan(spans, "gpt-4o-mini", 10, 10, 0).Attributes().PutStr(mlflow.AttrLLMCost, `{"total_cost":1}`)
	pricedChatSpan(spans, "gpt-4o-mini", 10, 10, 0).Attributes().PutDouble("gen_ai.usage.cost", 0.25) // OpenLIT
	pricedChatSpan(spans, "gpt-4o-mini", 10, 10, 0).Attributes().PutDouble("gen_ai.usage.cost", 0)    // OpenLIT without a price

	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	p, err := NewFactory().CreateTraces(context.Background(), metadatatest.NewSettings(tel), defaultConfig(), consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	require.NoError(t, p.Shutdown(context.Background()))

	got := costOf(t, spans.At(0))
	assert.InDelta(t, (6000*0.15+4000*0.075)/1e6, got["input_cost"], 1e-12)
	assert.InDelta(t, 1000*0.6/1e6, got["output_cost"], 1e-12)
	assert.InDelta(t, got["input_cost"]+got["output_cost"], got["total_cost"], 1e-12)
	assert.Nil(t, costOf(t, spans.At(1)), "unknown model: no cost")
	assert.Equal(t, map[string]float64{"total_cost": 1}, costOf(t, spans.At(2)), "never overwritten")
	assert.Equal(t, map[string]float64{"input_cost": 0, "output_cost": 0, "total_cost": 0.25}, costOf(t, spans.At(3)))
	assert.InDelta(t, (10*0.15+10*0.6)/1e6, costOf(t, spans.At(4))["total_cost"], 1e-12, "OpenLIT's 0 is no price: the table prices it")

	metadatatest.AssertEqualProcessorLlmspanSpansPriced(t, tel, []metricdata.DataPoint[int64]{
		{Value: 2, Attributes: attribute.NewSet(attribute.String("source", "table"))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("source", "span"))},
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorLlmspanCostUnknownModel(t, tel, []metricdata.DataPoint[int64]{
		{Value: 1, Attributes: attribute.NewSet(attribute.String("model", "no-such-model"))},
	}, metricdatatest.IgnoreTimestamp())

	again := process(t, defaultConfig(), cloneTraces(td))
	assert.Equal(t, costOf(t, spans.At(0)), costOf(t, again.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)), "idempotent")
}

// TestCostUnknownModelsBounded checks that a batch reports at most maxUnknownModelsPerBatch
// distinct unknown models, and that the models it reports are counted for all their spans.
func TestCostUnknownModelsBounded(t *testing.T) {
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for i := range maxUnknownModelsPerBatch + 1 {
		pricedChatSpan(spans, fmt.Sprintf("no-such-model-%d", i), 10, 10, 0)
	}
	pricedChatSpan(spans, "no-such-model-0", 10, 10, 0) // a model already counted, after the bound

	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	p, err := NewFactory().CreateTraces(context.Background(), metadatatest.NewSettings(tel), defaultConfig(), consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	require.NoError(t, p.Shutdown(context.Background()))

	want := []metricdata.DataPoint[int64]{{Value: 2, Attributes: attribute.NewSet(attribute.String("model", "no-such-model-0"))}}
	for i := 1; i < maxUnknownModelsPerBatch; i++ {
		want = append(want, metricdata.DataPoint[int64]{Value: 1, Attributes: attribute.NewSet(attribute.String("model", fmt.Sprintf("no-such-model-%d", i)))})
	}
	metadatatest.AssertEqualProcessorLlmspanCostUnknownModel(t, tel, want, metricdatatest.IgnoreTimestamp())
}

func TestCostDisabledAndPricesFile(t *testing.T) {
	newTrace := func() ptrace.Traces {
		td := ptrace.NewTraces()
		pricedChatSpan(td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans(), "in-house-llm", 1_000_000, 0, 0)
		return td
	}
	first := func(td ptrace.Traces) ptrace.Span { return td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0) }

	cfg := defaultConfig()
	cfg.Cost.Enabled = false
	assert.Nil(t, costOf(t, first(process(t, cfg, newTrace()))))
	// Without the table, a cost the span reports is still passed on: it is normalized, not priced.
	reported := newTrace()
	first(reported).Attributes().PutDouble("llm.cost.total", 0.25)
	assert.Equal(t, 0.25, costOf(t, first(process(t, cfg, reported)))["total_cost"])

	cfg = defaultConfig()
	cfg.Cost.PricesFile = "testdata/prices.yaml"
	assert.Equal(t, 100.0, costOf(t, first(process(t, cfg, newTrace())))["total_cost"])
	cfg.Cost.Prices = []cost.Entry{{Model: "in-house-llm", Input: 7}}
	assert.Equal(t, 7.0, costOf(t, first(process(t, cfg, newTrace())))["total_cost"], "inline entries outrank the file")

	cfg.Cost.PricesFile = "testdata/missing.yaml"
	_, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(typ), cfg, consumertest.NewNop())
	assert.ErrorContains(t, err, "prices_file")
}

// TestCostAgainstMLflow sends processed spans to a real MLflow server and checks that it keeps
// the processor's mlflow.llm.cost (it recomputes only when the attribute is absent) and sums it
// into the trace's mlflow.trace.cost.
func TestCostAgainstMLflow(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real MLflow server")
	}
	srv := mlflowtest.Start(t)

	// A price LiteLLM would never give, so a recomputed cost would show.
	cfg := defaultConfig()
	cfg.Cost.Prices = []cost.Entry{{Provider: "openai", Model: "gpt-4o-mini", Input: 1000, Output: 2000}}

	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	traceID := pcommon.TraceID{0xc0, 0x57, 15: 1}
	now := time.Now()
	root := spans.AppendEmpty()
	root.SetName("agent")
	root.Attributes().PutStr("gen_ai.operation.name", "invoke_agent")
	root.Attributes().PutStr("gen_ai.agent.name", "a")
	for i, s := range []ptrace.Span{root, pricedChatSpan(spans, "gpt-4o-mini-2024-07-18", 1000, 100, 400), pricedChatSpan(spans, "gpt-4o-mini", 2000, 200, 0)} {
		s.SetTraceID(traceID)
		s.SetSpanID(pcommon.SpanID{7: byte(i + 1)})
		if i > 0 {
			s.SetName("chat")
			s.SetParentSpanID(root.SpanID())
		}
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(now))
		s.SetEndTimestamp(pcommon.NewTimestampFromTime(now.Add(time.Second)))
	}
	td = process(t, cfg, td)

	body, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+mlflow.PathOTLPTraces, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set(mlflow.HeaderExperimentID, mlflow.DefaultExperimentID)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)

	tr := srv.WaitForSpans(t, mlflow.TraceID(traceID), 3)
	want := map[string]float64{}
	for _, s := range tr.Spans {
		if s.Name != "chat" {
			assert.Nil(t, s.Attributes[mlflow.AttrLLMCost], "the agent span carries no usage")
			continue
		}
		got, ok := s.Attributes[mlflow.AttrLLMCost].(map[string]any)
		require.True(t, ok, "%v", s.Attributes)
		usage := s.Attributes[mlflow.AttrChatTokenUsage].(map[string]any)
		in, out := asFloat(usage["input_tokens"]), asFloat(usage["output_tokens"])
		assert.InDelta(t, in*1000/1e6, got["input_cost"], 1e-9, "kept, not recomputed")
		assert.InDelta(t, out*2000/1e6, got["output_cost"], 1e-9)
		for k, v := range got {
			want[k] += asFloat(v)
		}
	}
	var traceCost map[string]float64
	require.NoError(t, json.Unmarshal([]byte(tr.Info.TraceMetadata["mlflow.trace.cost"]), &traceCost), "%v", tr.Info.TraceMetadata)
	for k, v := range want {
		assert.InDelta(t, v, traceCost[k], 1e-9, k)
	}
	assert.InDelta(t, (3000*1000+300*2000)/1e6, traceCost["total_cost"], 1e-9)
}

func asFloat(v any) float64 {
	switch n := v.(type) {
	case int64:
		return float64(n)
	case float64:
		return n
	}
	panic(v)
}

// TestCostTooLargeForMaxValueSize: a cost object cannot be truncated; under a cap too small
// for it, it is not written, and the span does not count as priced.
func TestCostTooLargeForMaxValueSize(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	cfg := defaultConfig()
	cfg.MaxValueSize = 60
	sink := new(consumertest.TracesSink)
	p, err := NewFactory().CreateTraces(context.Background(), metadatatest.NewSettings(tel), cfg, sink)
	require.NoError(t, err)
	td := ptrace.NewTraces()
	pricedChatSpan(td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans(), "gpt-4o", 1234, 567, 0)
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	require.NoError(t, p.Shutdown(context.Background()))

	attrs := firstSpan(sink.AllTraces()[0]).Attributes()
	_, hasType := attrs.Get(mlflow.AttrSpanType)
	require.True(t, hasType)
	assert.Nil(t, costOf(t, firstSpan(sink.AllTraces()[0])), "does not fit in 60 bytes")
	_, err = tel.GetMetric("otelcol_processor_llmspan_spans_priced")
	assert.Error(t, err, "no span counted as priced")
}
