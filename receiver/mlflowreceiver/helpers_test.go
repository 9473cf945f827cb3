package mlflowreceiver

import (
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

type spanWithResource struct {
	span     ptrace.Span
	resource pcommon.Map
}

// spansByName indexes every span received, by name; a name seen twice keeps both under
// name and name+"#2", so a duplicate shows in the count.
func spansByName(all []ptrace.Traces) map[string]spanWithResource {
	out := map[string]spanWithResource{}
	for _, td := range all {
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, span := range ss.Spans().All() {
					name := span.Name()
					for _, dup := out[name]; dup; _, dup = out[name] {
						name += "#2"
					}
					out[name] = spanWithResource{span: span, resource: rs.Resource().Attributes()}
				}
			}
		}
	}
	return out
}

func names(spans map[string]spanWithResource) []string {
	var out []string
	for n := range spans {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func attr(span ptrace.Span, key string) string {
	v, ok := span.Attributes().Get(key)
	if !ok {
		return ""
	}
	return v.AsString()
}

func attrValue(span ptrace.Span, key string) any {
	v, ok := span.Attributes().Get(key)
	if !ok {
		return nil
	}
	return v.AsRaw()
}
