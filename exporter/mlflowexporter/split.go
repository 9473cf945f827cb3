package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// split divides td by key, in order of first appearance: parts[i] holds the spans whose key is
// keys[i], each under a copy of its resource and scope. td itself is not changed.
func split[K comparable](td ptrace.Traces, key func(ptrace.ResourceSpans, ptrace.Span) K) (keys []K, parts []ptrace.Traces) {
	index := map[K]int{}
	for _, rs := range td.ResourceSpans().All() {
		resources := map[K]ptrace.ResourceSpans{}
		for _, ss := range rs.ScopeSpans().All() {
			scopes := map[K]ptrace.SpanSlice{}
			for _, span := range ss.Spans().All() {
				k := key(rs, span)
				spans, ok := scopes[k]
				if !ok {
					resource, ok := resources[k]
					if !ok {
						i, ok := index[k]
						if !ok {
							i = len(parts)
							index[k] = i
							keys = append(keys, k)
							parts = append(parts, ptrace.NewTraces())
						}
						resource = appendResource(parts[i], rs)
						resources[k] = resource
					}
					spans = appendScope(resource, ss).Spans()
					scopes[k] = spans
				}
				span.CopyTo(spans.AppendEmpty())
			}
		}
	}
	return keys, parts
}

// appendResource appends to td an empty copy of rs: its resource, without its spans.
func appendResource(td ptrace.Traces, rs ptrace.ResourceSpans) ptrace.ResourceSpans {
	out := td.ResourceSpans().AppendEmpty()
	rs.Resource().CopyTo(out.Resource())
	out.SetSchemaUrl(rs.SchemaUrl())
	return out
}

// appendScope appends to rs an empty copy of ss: its scope, without its spans.
func appendScope(rs ptrace.ResourceSpans, ss ptrace.ScopeSpans) ptrace.ScopeSpans {
	out := rs.ScopeSpans().AppendEmpty()
	ss.Scope().CopyTo(out.Scope())
	out.SetSchemaUrl(ss.SchemaUrl())
	return out
}
