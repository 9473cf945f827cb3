package llmtraceprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor"

import (
	"encoding/json"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// Trace totals on the root span, as numbers. The mlflow.* values are JSON text, which the stock
// tail_sampling processor cannot compare, and its policies look at one span at a time; these
// give it whole-trace usage: numeric_attribute on llm.trace.total_tokens, an OTTL condition on
// llm.trace.cost_usd.
const (
	AttrTraceTotalTokens = "llm.trace.total_tokens"
	AttrTraceCostUSD     = "llm.trace.cost_usd"
)

// writeTotals sums the trace's usage and cost the way MLflow sums its trace totals: a span
// counts when no ancestor of it already counts (a parent's usage includes its children's), and
// a duplicate marked by dedupe counts nothing (its usage is empty).
func writeTotals(v *traceView) {
	if v.root < 0 {
		return
	}
	root := v.spans[v.root].Attributes()
	if _, ok := root.Get(AttrTraceTotalTokens); ok {
		return // already finished
	}
	// Read each span's usage once; the ancestor walk below only looks these up.
	usages := make([]tokenUsage, len(v.spans))
	counts := make([]bool, len(v.spans))
	for i, span := range v.spans {
		usages[i], counts[i] = usageOf(span)
	}
	var tokens int64
	var cost float64
	for i, span := range v.spans {
		if !counts[i] || hasCountingAncestor(v, counts, i) {
			continue
		}
		tokens += usages[i].total
		cost += totalCost(span.Attributes())
	}
	if tokens > 0 {
		root.PutInt(AttrTraceTotalTokens, tokens)
	}
	if cost > 0 {
		root.PutDouble(AttrTraceCostUSD, cost)
	}
}

// hasCountingAncestor reports whether an ancestor of span i carries token usage.
func hasCountingAncestor(v *traceView, counts []bool, i int) bool {
	for p, hops := v.parent[i], 0; p >= 0 && hops < maxHops; p, hops = v.parent[p], hops+1 {
		if counts[p] {
			return true
		}
	}
	return false
}

// totalCost reads total_cost from mlflow.llm.cost (JSON text, or a map); 0 when absent.
func totalCost(attrs pcommon.Map) float64 {
	v, ok := attrs.Get(mlflow.AttrLLMCost)
	if !ok {
		return 0
	}
	var c struct {
		Total float64 `json:"total_cost"`
	}
	switch v.Type() {
	case pcommon.ValueTypeStr:
		_ = json.Unmarshal([]byte(v.Str()), &c)
	case pcommon.ValueTypeMap:
		if t, ok := v.Map().Get(mlflow.CostTotal); ok {
			c.Total = t.Double()
		}
	}
	return c.Total
}
