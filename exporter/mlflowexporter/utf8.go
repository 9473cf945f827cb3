package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// didUTF8 is what the repair pass does to text that is not valid UTF-8. MLflow parses OTLP
// strictly: a protobuf string that is not UTF-8, in any field, makes it refuse the request.
const (
	didUTF8    = "invalid UTF-8 replaced by U+FFFD"
	metricUTF8 = "invalid_utf8"
)

// text repairs the text get returns, through set: each run of invalid bytes becomes U+FFFD.
func (p *repairPass) text(get func() string, set func(string)) {
	if s := get(); !utf8.ValidString(s) {
		set(strings.ToValidUTF8(s, "\uFFFD"))
		p.done[didUTF8]++
	}
}

func (p *repairPass) traceState(ts pcommon.TraceState) {
	p.text(ts.AsRaw, ts.FromRaw)
}

// attributes repairs the keys and values of an attribute map whose values are at level (see
// nesting.go): text, also nested in maps and slices, then nesting.
func (p *repairPass) attributes(m pcommon.Map, level int) {
	p.utf8Attributes(m)
	p.nesting(m, level)
}

// utf8Attributes repairs the text of keys and values, also those nested in maps and slices.
func (p *repairPass) utf8Attributes(m pcommon.Map) {
	var badKeys []string
	for k, v := range m.All() {
		if !utf8.ValidString(k) {
			badKeys = append(badKeys, k)
		}
		p.value(v)
	}
	// A key cannot be renamed in place: its value moves to the repaired key. Should that key
	// exist too, the moved value replaces it: the map can hold only one of them.
	for _, k := range badKeys {
		moveValue(m, k, strings.ToValidUTF8(k, "\uFFFD"))
		p.done[didUTF8]++
	}
}

func (p *repairPass) value(v pcommon.Value) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		p.text(v.Str, v.SetStr)
	case pcommon.ValueTypeMap:
		p.utf8Attributes(v.Map())
	case pcommon.ValueTypeSlice:
		for _, item := range v.Slice().All() {
			p.value(item)
		}
	}
}
