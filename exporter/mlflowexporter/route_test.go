package mlflowexporter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

func TestRouteSingleExperimentIsNotCopied(t *testing.T) {
	def := experimentRef{id: "0"}
	for name, r := range map[string]resource{
		"unmarked": {spans: []span{{name: "a", trace: 1}}},
		"marked":   {attrs: map[string]string{mlflow.AttrExperimentID: "3"}, spans: []span{{name: "a", trace: 1}}},
	} {
		t.Run(name, func(t *testing.T) {
			td := newTraces(r, r)
			batches := route(td, def)
			require.Len(t, batches, 1)
			assert.True(t, batches[0].traces == td, "td itself, not a copy")
		})
	}
}

func TestRouteKeepsResourceAndScope(t *testing.T) {
	td := newTraces(resource{spans: []span{
		{name: "a", trace: 1, attrs: map[string]string{mlflow.AttrExperimentName: "agents"}},
		{name: "b", trace: 2},
	}})
	td.ResourceSpans().At(0).SetSchemaUrl("https://schema")

	batches := route(td, experimentRef{id: "0"})

	require.Len(t, batches, 2)
	assert.Equal(t, experimentRef{name: "agents"}, batches[0].experiment)
	assert.Equal(t, experimentRef{id: "0"}, batches[1].experiment)
	for _, b := range batches {
		rs := b.traces.ResourceSpans().At(0)
		assert.Equal(t, "https://schema", rs.SchemaUrl())
		assert.Equal(t, map[string]any{"service.name": "test"}, rs.Resource().Attributes().AsRaw())
		assert.Equal(t, "mlflowexporter-test", rs.ScopeSpans().At(0).Scope().Name())
	}
}

func TestAttrText(t *testing.T) {
	tests := []struct {
		value pcommon.Value
		want  string
	}{
		{pcommon.NewValueStr("12"), "12"},
		{pcommon.NewValueStr(`"12"`), "12"},
		{pcommon.NewValueStr(`"support agent"`), "support agent"},
		{pcommon.NewValueStr(`"unterminated`), `"unterminated`},
		{pcommon.NewValueStr(" 12 "), "12"},
		{pcommon.NewValueInt(12), "12"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, attrText(tt.value), tt.value.AsString())
	}
}
