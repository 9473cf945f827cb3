package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// experimentRef names an experiment by id or, when id is empty, by name.
type experimentRef struct {
	id, name string
}

func (r experimentRef) String() string {
	if r.id != "" {
		return "id " + r.id
	}
	return "name " + r.name
}

// batch is the part of the data bound for one experiment.
type batch struct {
	experiment experimentRef
	traces     ptrace.Traces
}

// route splits td by experiment. A span goes to the experiment named by, in order:
//  1. its resource's mlflow.experimentId, or else mlflow.experimentName;
//  2. its own mlflow.experimentId, or else mlflow.experimentName;
//  3. another span of the same trace in td, by rule 2, so a trace's unmarked spans follow it;
//  4. table, by the value its trace has for the table's attribute;
//  5. def.
//
// When every span goes to one experiment, td itself is returned, uncopied.
func route(td ptrace.Traces, def experimentRef, table *routingTable) []batch {
	resourceRefs, traceRefs := markedExperiments(td)
	tableRefs := table.traceRefs(td)
	if len(resourceRefs) == 0 && len(traceRefs) == 0 && len(tableRefs) == 0 {
		return []batch{{experiment: def, traces: td}}
	}

	refOf := func(rs ptrace.ResourceSpans, span ptrace.Span) experimentRef {
		if ref, ok := resourceRefs[rs]; ok {
			return ref
		}
		if ref, ok := experimentOf(span.Attributes()); ok {
			return ref
		}
		if ref, ok := traceRefs[span.TraceID()]; ok {
			return ref
		}
		if ref, ok := tableRefs[span.TraceID()]; ok {
			return ref
		}
		return def
	}

	refs, parts := split(td, refOf)
	if len(parts) == 1 {
		return []batch{{experiment: refs[0], traces: td}}
	}
	batches := make([]batch, len(parts))
	for i := range parts {
		batches[i] = batch{experiment: refs[i], traces: parts[i]}
	}
	return batches
}

// markedExperiments finds the resources that name an experiment, and for the other resources
// the experiment of each trace, from the first of its spans that names one.
func markedExperiments(td ptrace.Traces) (map[ptrace.ResourceSpans]experimentRef, map[pcommon.TraceID]experimentRef) {
	var resourceRefs map[ptrace.ResourceSpans]experimentRef
	var traceRefs map[pcommon.TraceID]experimentRef
	for _, rs := range td.ResourceSpans().All() {
		if ref, ok := experimentOf(rs.Resource().Attributes()); ok {
			if resourceRefs == nil {
				resourceRefs = map[ptrace.ResourceSpans]experimentRef{}
			}
			resourceRefs[rs] = ref
			continue
		}
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				ref, ok := experimentOf(span.Attributes())
				if !ok {
					continue
				}
				if traceRefs == nil {
					traceRefs = map[pcommon.TraceID]experimentRef{}
				}
				if _, seen := traceRefs[span.TraceID()]; !seen {
					traceRefs[span.TraceID()] = ref
				}
			}
		}
	}
	return resourceRefs, traceRefs
}

// routingTable maps the values of an attribute to experiments.
type routingTable struct {
	attribute string
	refs      map[string]experimentRef // by value
}

// traceRefs returns the experiment of each trace in td whose value is in the table. A trace's
// value is its root span's, else that of the first span that has one; a span's value is its
// resource's attribute, else its own. All the spans of a trace in td thus go together, even
// when they come from resources with different values.
func (t *routingTable) traceRefs(td ptrace.Traces) map[pcommon.TraceID]experimentRef {
	if t == nil {
		return nil
	}
	type found struct {
		value string
		root  bool
	}
	values := map[pcommon.TraceID]found{}
	for _, rs := range td.ResourceSpans().All() {
		resourceValue, inResource := rs.Resource().Attributes().Get(t.attribute)
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				v, ok := resourceValue, inResource
				if !ok {
					v, ok = span.Attributes().Get(t.attribute)
				}
				if !ok {
					continue
				}
				root := span.ParentSpanID().IsEmpty()
				if prev, seen := values[span.TraceID()]; !seen || (root && !prev.root) {
					values[span.TraceID()] = found{value: attrText(v), root: root}
				}
			}
		}
	}
	var out map[pcommon.TraceID]experimentRef
	for id, f := range values {
		if ref, ok := t.refs[f.value]; ok {
			if out == nil {
				out = map[pcommon.TraceID]experimentRef{}
			}
			out[id] = ref
		}
	}
	return out
}

// experimentOf reads the experiment attrs name, id first; ok is false if they name none.
func experimentOf(attrs pcommon.Map) (experimentRef, bool) {
	if v, ok := attrs.Get(mlflow.AttrExperimentID); ok {
		if id := attrText(v); id != "" {
			return experimentRef{id: id}, true
		}
	}
	if v, ok := attrs.Get(mlflow.AttrExperimentName); ok {
		if name := attrText(v); name != "" {
			return experimentRef{name: name}, true
		}
	}
	return experimentRef{}, false
}

// pin names ref on every resource of td, so that route sends all of td to ref (rule 1).
func pin(td ptrace.Traces, ref experimentRef) {
	for _, rs := range td.ResourceSpans().All() {
		attrs := rs.Resource().Attributes()
		if ref.id != "" {
			attrs.PutStr(mlflow.AttrExperimentID, ref.id)
		} else {
			attrs.PutStr(mlflow.AttrExperimentName, ref.name)
		}
	}
}

// attrText returns an attribute's value as text. A string holding a JSON string, the way
// MLflow's SDK and the llmspan processor write mlflow.* values ("\"12\""), is unquoted.
func attrText(v pcommon.Value) string {
	return strings.TrimSpace(mlflow.ValueText(v))
}
