package mlflowexporter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

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
			batches := route(td, def, nil)
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

	batches := route(td, experimentRef{id: "0"}, nil)

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

func TestRouteByTable(t *testing.T) {
	table := &routingTable{attribute: "app.name", refs: map[string]experimentRef{
		"checkout-agent": {name: "checkout"},
		"support-bot":    {id: "12"},
		"7":              {id: "7"},
	}}
	def := experimentRef{name: "other"}
	app := func(name string) map[string]string { return map[string]string{"app.name": name} }
	tests := []struct {
		name string
		td   ptrace.Traces
		want map[experimentRef][]string
	}{
		{
			name: "by resource",
			td: newTraces(
				resource{attrs: app("checkout-agent"), spans: []span{{name: "a", trace: 1}}},
				resource{attrs: app("support-bot"), spans: []span{{name: "b", trace: 2}}},
				resource{attrs: app("unknown"), spans: []span{{name: "c", trace: 3}}},
				resource{spans: []span{{name: "d", trace: 4}}},
			),
			want: map[experimentRef][]string{{name: "checkout"}: {"a"}, {id: "12"}: {"b"}, def: {"c", "d"}},
		},
		{
			name: "by span, trace follows its root",
			td: newTraces(resource{spans: []span{
				{name: "child", trace: 1, parent: true, attrs: app("support-bot")},
				{name: "root", trace: 1, attrs: app("checkout-agent")},
				{name: "other child", trace: 1, parent: true},
			}}),
			want: map[experimentRef][]string{{name: "checkout"}: {"child", "root", "other child"}},
		},
		{
			name: "a trace across resources stays together",
			td: newTraces(
				resource{attrs: app("support-bot"), spans: []span{{name: "gateway", trace: 1}}},
				resource{attrs: app("checkout-agent"), spans: []span{{name: "agent", trace: 1, parent: true}}},
			),
			want: map[experimentRef][]string{{id: "12"}: {"gateway", "agent"}},
		},
		{
			name: "mlflow attributes win",
			td: newTraces(resource{attrs: app("support-bot"), spans: []span{
				{name: "a", trace: 1, attrs: map[string]string{mlflow.AttrExperimentName: "explicit"}},
				{name: "b", trace: 1, parent: true},
			}}),
			want: map[experimentRef][]string{{name: "explicit"}: {"a", "b"}},
		},
		{
			name: "JSON text value",
			td:   newTraces(resource{spans: []span{{name: "a", trace: 1, attrs: app(`"7"`)}}}),
			want: map[experimentRef][]string{{id: "7"}: {"a"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[experimentRef][]string{}
			for _, b := range route(tt.td, def, table) {
				_, dup := got[b.experiment]
				assert.False(t, dup, "two batches for %s", b.experiment)
				got[b.experiment] = spanNames(b.traces)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRouteByTableSingleExperimentIsNotCopied(t *testing.T) {
	// newTraces names every resource's service "test".
	table := &routingTable{attribute: "service.name", refs: map[string]experimentRef{"test": {id: "5"}}}
	td := newTraces(resource{spans: []span{{name: "a", trace: 1}, {name: "b", trace: 2}}})
	batches := route(td, experimentRef{id: "0"}, table)
	require.Len(t, batches, 1)
	assert.Equal(t, experimentRef{id: "5"}, batches[0].experiment)
	assert.True(t, batches[0].traces == td)
}
