package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// withValidUTF8 returns a copy of td in which every text that is not valid UTF-8 has each run
// of invalid bytes replaced by U+FFFD, and how many texts it repaired. MLflow parses OTLP
// strictly: a protobuf string that is not UTF-8, in any field, makes it refuse the request.
// When nothing needs repair, td itself is returned. td is not changed.
//
// It walks every text of the data, so it is for a request the server refused, not for every
// batch.
func withValidUTF8(td ptrace.Traces) (ptrace.Traces, int) {
	out := ptrace.NewTraces()
	td.CopyTo(out)
	var r utf8Repair
	for _, rs := range out.ResourceSpans().All() {
		r.text(rs.SchemaUrl, rs.SetSchemaUrl)
		r.attributes(rs.Resource().Attributes())
		for _, ss := range rs.ScopeSpans().All() {
			r.text(ss.SchemaUrl, ss.SetSchemaUrl)
			scope := ss.Scope()
			r.text(scope.Name, scope.SetName)
			r.text(scope.Version, scope.SetVersion)
			r.attributes(scope.Attributes())
			for _, span := range ss.Spans().All() {
				r.span(span)
			}
		}
	}
	if r.repaired == 0 {
		return td, 0
	}
	return out, r.repaired
}

// utf8Repair counts the texts it repairs.
type utf8Repair struct {
	repaired int
}

func (r *utf8Repair) span(span ptrace.Span) {
	r.text(span.Name, span.SetName)
	r.traceState(span.TraceState())
	r.attributes(span.Attributes())
	status := span.Status()
	r.text(status.Message, status.SetMessage)
	for _, event := range span.Events().All() {
		r.text(event.Name, event.SetName)
		r.attributes(event.Attributes())
	}
	for _, link := range span.Links().All() {
		r.traceState(link.TraceState())
		r.attributes(link.Attributes())
	}
}

// text repairs the text get returns, through set.
func (r *utf8Repair) text(get func() string, set func(string)) {
	if s := get(); !utf8.ValidString(s) {
		set(strings.ToValidUTF8(s, "\uFFFD"))
		r.repaired++
	}
}

func (r *utf8Repair) traceState(ts pcommon.TraceState) {
	r.text(ts.AsRaw, ts.FromRaw)
}

// attributes repairs keys and values, also those nested in maps and slices.
func (r *utf8Repair) attributes(m pcommon.Map) {
	var badKeys []string
	for k, v := range m.All() {
		if !utf8.ValidString(k) {
			badKeys = append(badKeys, k)
		}
		r.value(v)
	}
	// A key cannot be renamed in place: its value moves to the repaired key. Should that key
	// exist too, the moved value replaces it: the map can hold only one of them.
	for _, k := range badKeys {
		v, _ := m.Get(k)
		moved := pcommon.NewValueEmpty()
		v.CopyTo(moved)
		m.Remove(k)
		moved.CopyTo(m.PutEmpty(strings.ToValidUTF8(k, "\uFFFD")))
		r.repaired++
	}
}

func (r *utf8Repair) value(v pcommon.Value) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		r.text(v.Str, v.SetStr)
	case pcommon.ValueTypeMap:
		r.attributes(v.Map())
	case pcommon.ValueTypeSlice:
		for _, item := range v.Slice().All() {
			r.value(item)
		}
	}
}
