package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// withRepairs returns a copy of td with every value repaired that makes MLflow refuse a request
// (text that is not valid UTF-8, see utf8.go; values nested too deep, see nesting.go; and the
// span attributes of attrRules, see attrrules.go), and what it repaired. When nothing needs repair, td itself is returned. td is
// not changed.
//
// It walks every text of the data, so it is for a trace the server refused, not for every
// batch.
func withRepairs(td ptrace.Traces) (ptrace.Traces, repairs) {
	out := ptrace.NewTraces()
	td.CopyTo(out)
	p := repairPass{done: repairs{}}
	for _, rs := range out.ResourceSpans().All() {
		p.text(rs.SchemaUrl, rs.SetSchemaUrl)
		p.attributes(rs.Resource().Attributes(), resourceValueLevel)
		for _, ss := range rs.ScopeSpans().All() {
			p.text(ss.SchemaUrl, ss.SetSchemaUrl)
			scope := ss.Scope()
			p.text(scope.Name, scope.SetName)
			p.text(scope.Version, scope.SetVersion)
			p.attributes(scope.Attributes(), scopeValueLevel)
			for _, span := range ss.Spans().All() {
				p.span(span)
			}
		}
	}
	if p.done.total() == 0 {
		return td, p.done
	}
	return out, p.done
}

// repairs counts the values a repair pass changed, by what it did to them (didUTF8 or an
// attrRule's did).
type repairs map[string]int

func (r repairs) total() int {
	n := 0
	for _, c := range r {
		n += c
	}
	return n
}

// each calls f for every kind of repair done, in the order of the rules: what was done, its
// name in otelcol_exporter_mlflow_values_repaired's repair attribute, and how many values.
func (r repairs) each(f func(did, metric string, n int)) {
	if n := r[didUTF8]; n > 0 {
		f(didUTF8, metricUTF8, n)
	}
	if n := r[didNesting]; n > 0 {
		f(didNesting, metricNesting, n)
	}
	for _, rule := range attrRules {
		if n := r[rule.did]; n > 0 {
			f(rule.did, rule.metric, n)
		}
	}
}

// list names what was done, for logs and errors.
func (r repairs) list() []string {
	var out []string
	r.each(func(did, _ string, _ int) { out = append(out, did) })
	return out
}

// byMetric counts the values repaired by the metric's repair attribute.
func (r repairs) byMetric() map[string]int {
	out := map[string]int{}
	r.each(func(_, metric string, n int) { out[metric] += n })
	return out
}

// repairPass walks the data, repairing as it goes.
type repairPass struct {
	done repairs
}

func (p *repairPass) span(span ptrace.Span) {
	p.text(span.Name, span.SetName)
	p.traceState(span.TraceState())
	p.attributes(span.Attributes(), spanValueLevel)
	status := span.Status()
	p.text(status.Message, status.SetMessage)
	for _, event := range span.Events().All() {
		p.text(event.Name, event.SetName)
		p.attributes(event.Attributes(), eventValueLevel)
	}
	for _, link := range span.Links().All() {
		p.traceState(link.TraceState())
		p.attributes(link.Attributes(), eventValueLevel)
	}
	// After the UTF-8 repair, so that the rules read valid text.
	root := span.ParentSpanID().IsEmpty()
	attrs := span.Attributes()
	for _, rule := range attrRules {
		if rule.rootOnly && !root {
			continue
		}
		if v, ok := attrs.Get(rule.key); ok && rule.repair(attrs, v) {
			p.done[rule.did]++
		}
	}
}

// moveValue moves the value under key in m to the key to, replacing what to held.
func moveValue(m pcommon.Map, key, to string) {
	v, _ := m.Get(key)
	moved := pcommon.NewValueEmpty()
	v.CopyTo(moved)
	m.Remove(key)
	moved.CopyTo(m.PutEmpty(to))
}
