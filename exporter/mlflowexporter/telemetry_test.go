package mlflowexporter

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter/internal/metadatatest"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

func TestTelemetry(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { assert.NoError(t, tel.Shutdown(context.Background())) })
	fake := newFakeMLflow(t)
	fake.respond = func(w http.ResponseWriter, id string) {
		if id == "7" {
			w.WriteHeader(http.StatusBadRequest)
		}
	}
	exp := newTestExporterWithSettings(t, metadatatest.NewSettings(tel), fake.URL, nil)
	td := newTraces(
		resource{attrs: map[string]string{mlflow.AttrExperimentName: "agents"}, spans: []span{{name: "a", trace: 1}, {name: "b", trace: 1}}},
		resource{attrs: map[string]string{mlflow.AttrExperimentID: "7"}, spans: []span{{name: "c", trace: 2}}},
	)

	require.Error(t, exp.ConsumeTraces(t.Context(), td))

	point := func(id, outcome string, n int64) metricdata.DataPoint[int64] {
		return metricdata.DataPoint[int64]{
			Attributes: attribute.NewSet(attribute.String("experiment_id", id), attribute.String("outcome", outcome)),
			Value:      n,
		}
	}
	metadatatest.AssertEqualExporterMlflowRequests(t, tel,
		[]metricdata.DataPoint[int64]{point("100", "success", 1), point("7", "failure", 1)},
		metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
	metadatatest.AssertEqualExporterMlflowSpans(t, tel,
		[]metricdata.DataPoint[int64]{point("100", "success", 2), point("7", "failure", 1)},
		metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
	metadatatest.AssertEqualExporterMlflowExperimentsCreated(t, tel,
		[]metricdata.DataPoint[int64]{{Value: 1}},
		metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

func TestTelemetryOfRepairsAndUnstorableSpans(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { assert.NoError(t, tel.Shutdown(context.Background())) })
	fake := newFakeMLflow(t)
	posts := 0
	fake.respond = func(w http.ResponseWriter, _ string) {
		if posts++; posts == 1 { // as MLflow refuses text that is not UTF-8
			w.WriteHeader(http.StatusBadRequest)
		}
	}
	exp := newTestExporterWithSettings(t, metadatatest.NewSettings(tel), fake.URL, nil)
	td := newTraces(resource{spans: []span{
		{name: "caf\xe9", trace: 1},
		{name: "no id", trace: 1, parent: true},
	}})
	td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(1).SetSpanID(pcommon.SpanID{})

	err := exp.ConsumeTraces(t.Context(), td)

	assert.ErrorContains(t, err, "has an all-zero id", "the span without id is dropped")
	assert.Equal(t, 2, posts, "refused, then sent again repaired")
	metadatatest.AssertEqualExporterMlflowValuesRepaired(t, tel,
		[]metricdata.DataPoint[int64]{{Attributes: attribute.NewSet(attribute.String("repair", "invalid_utf8")), Value: 1}},
		metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
	metadatatest.AssertEqualExporterMlflowSpansUnstorable(t, tel,
		[]metricdata.DataPoint[int64]{{Attributes: attribute.NewSet(attribute.String("reason", "zero_id")), Value: 1}},
		metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}
