package llmtraceprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor"

import (
	"regexp"
	"strings"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// AttrTraceName on a root span sets the trace's name: the server turns the root span's
// mlflow.traceTag.<key> attributes into trace tags, and the mlflow.traceName tag is the name
// the UI and the API show.
const AttrTraceName = mlflow.AttrTraceTagPrefix + mlflow.TagTraceName

// httpMethodName matches the names HTTP instrumentations give spans: "POST", "GET /chat".
var httpMethodName = regexp.MustCompile(`^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|CONNECT|TRACE)( |$)`)

// finisher applies the trace-level changes to a released trace.
type finisher struct {
	cfg *Config
}

func newFinisher(cfg *Config) finisher {
	return finisher{cfg: cfg}
}

// finish changes td, the spans of one trace, and returns how many spans it marked as
// duplicates. It only adds what is missing, so finishing a trace again changes nothing.
func (f finisher) finish(td ptrace.Traces) int {
	v := newTraceView(td)
	var c *calls
	if f.cfg.Deduplicate || f.cfg.Totals {
		c = newCalls(v)
	}
	marked := 0
	if f.cfg.Deduplicate {
		marked = dedupe(c)
	}
	if v.root < 0 {
		return marked // what follows is written on the root span
	}
	root := v.spans[v.root].Attributes()
	if f.cfg.TraceName && !has(root, AttrTraceName) && f.isGeneric(v.spans[v.root]) {
		if i := v.uppermost(func(i int) bool { return i != v.root && isNamer(v.spans[i]) }, false); i >= 0 {
			root.PutStr(AttrTraceName, mlflow.JSONText(v.spans[i].Name()))
		}
	}
	if f.cfg.Session {
		copyUp(v, mlflow.AttrSessionID, false)
		copyUp(v, mlflow.AttrUserID, false)
	}
	if f.cfg.Previews {
		// The request is the first one made, the response the last one given.
		copyUp(v, mlflow.AttrSpanInputs, false)
		copyUp(v, mlflow.AttrSpanOutputs, true)
	}
	if f.cfg.Totals {
		writeTotals(c)
	}
	return marked
}

// isNamer reports whether a span's name is a good trace name: an agent's or a model call's.
func isNamer(span ptrace.Span) bool {
	return spanType(span) == mlflow.SpanTypeAgent || isLLM(span)
}

// isGeneric reports whether a root span is a transport span whose name says nothing about the
// trace: an HTTP or RPC server or client span, or a span named like an HTTP request. A span
// with an MLflow span type is never generic.
func (f finisher) isGeneric(span ptrace.Span) bool {
	if t := spanType(span); t != "" && t != mlflow.SpanTypeUnknown {
		return false
	}
	if httpMethodName.MatchString(span.Name()) {
		return true
	}
	if k := span.Kind(); k != ptrace.SpanKindServer && k != ptrace.SpanKindClient {
		return false
	}
	for key := range span.Attributes().All() {
		for _, prefix := range f.cfg.GenericRootAttributePrefixes {
			if strings.HasPrefix(key, prefix) {
				return true
			}
		}
	}
	return false
}

// copyUp copies key to the root span, when it has none, from the uppermost span that has it.
func copyUp(v *traceView, key string, last bool) {
	root := v.spans[v.root].Attributes()
	if _, ok := root.Get(key); ok {
		return
	}
	i := v.uppermost(func(i int) bool { return i != v.root && has(v.spans[i].Attributes(), key) }, last)
	if i < 0 {
		return
	}
	src, _ := v.spans[i].Attributes().Get(key)
	src.CopyTo(root.PutEmpty(key))
}
