package llmtraceprocessor

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor/internal/metadatatest"
)

func TestTelemetry(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	cfg := defaultConfig()
	cfg.RootGracePeriod = 0
	p, err := newProcessor(metadatatest.NewSettings(tel), cfg, consumertest.NewErr(errors.New("refused")))
	require.NoError(t, err)

	// Trace 1 completes, with a duplicated call; trace 2 waits until shutdown.
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1,
		root(1, "root", nil), llmSpan(2, 1, "a", "gpt-4o", 1, 1), llmSpan(3, 2, "b", "gpt-4o", 1, 1))))
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(2, llmSpan(2, 1, "a", "gpt-4o", 1, 1))))
	// Retries: of trace 1's root, after the trace left, and of trace 2's span, while it is held.
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(1, root(1, "root", nil))))
	require.NoError(t, p.ConsumeTraces(t.Context(), newTrace(2, llmSpan(2, 1, "a", "gpt-4o", 1, 1))))
	metadatatest.AssertEqualProcessorLlmtraceTracesBuffered(t, tel, []metricdata.DataPoint[int64]{{Value: 1}}, metricdatatest.IgnoreTimestamp())
	require.NoError(t, p.Shutdown(t.Context()))

	metadatatest.AssertEqualProcessorLlmtraceTracesBuffered(t, tel, []metricdata.DataPoint[int64]{{Value: 0}}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorLlmtraceBytesBuffered(t, tel, []metricdata.DataPoint[int64]{{Value: 0}}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorLlmtraceTracesReleased(t, tel, []metricdata.DataPoint[int64]{
		{Value: 1, Attributes: attribute.NewSet(attribute.String("reason", reasonComplete))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("reason", reasonShutdown))},
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorLlmtraceSpansDuplicateMarked(t, tel, []metricdata.DataPoint[int64]{{Value: 1}}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorLlmtraceSpansDropped(t, tel, []metricdata.DataPoint[int64]{{Value: 4}}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorLlmtraceSpansCopiesDropped(t, tel, []metricdata.DataPoint[int64]{{Value: 2}}, metricdatatest.IgnoreTimestamp())
}
