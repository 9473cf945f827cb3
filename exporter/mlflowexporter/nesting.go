package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import "go.opentelemetry.io/collector/pdata/pcommon"

// MLflow parses OTLP protobuf with Python's protobuf, whose recursion limit (100) refuses a
// request nesting messages deeper than maxMessageLevel, counting the request itself as level 1:
// a map value 33 levels deep in a span attribute is enough ("Invalid OpenTelemetry format").
const maxMessageLevel = 101

// The levels of the attribute values (AnyValue messages) of each part of a request.
const (
	resourceValueLevel = 5 // request, ResourceSpans, Resource, KeyValue, AnyValue
	scopeValueLevel    = 6 // ... ScopeSpans, InstrumentationScope, KeyValue, AnyValue
	spanValueLevel     = 6 // ... ScopeSpans, Span, KeyValue, AnyValue
	eventValueLevel    = 7 // ... Span, Event (or Link), KeyValue, AnyValue
)

const (
	didNesting    = "values nested too deep replaced by their JSON text"
	metricNesting = "nesting_flattened"
)

// nesting replaces each map or slice of m whose contents would sit deeper than maxMessageLevel,
// its values being at level, by its JSON text (as pcommon.Value.AsString writes it): the data
// stays in its place, as text.
func (p *repairPass) nesting(m pcommon.Map, level int) {
	for _, v := range m.All() {
		p.nestedValue(v, level)
	}
}

func (p *repairPass) nestedValue(v pcommon.Value, level int) {
	var childLevel, n int
	switch v.Type() {
	case pcommon.ValueTypeMap: // AnyValue, KeyValueList, KeyValue, AnyValue
		childLevel, n = level+3, v.Map().Len()
	case pcommon.ValueTypeSlice: // AnyValue, ArrayValue, AnyValue
		childLevel, n = level+2, v.Slice().Len()
	default:
		return
	}
	// The list message itself is one level down, its entries' messages below it.
	deepest := level + 1
	if n > 0 {
		deepest = childLevel
	}
	if deepest > maxMessageLevel {
		v.SetStr(v.AsString())
		p.done[didNesting]++
		return
	}
	switch v.Type() {
	case pcommon.ValueTypeMap:
		p.nesting(v.Map(), childLevel)
	case pcommon.ValueTypeSlice:
		for _, item := range v.Slice().All() {
			p.nestedValue(item, childLevel)
		}
	}
}
