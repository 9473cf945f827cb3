package llmtraceprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor"

import (
	"encoding/json"
	"slices"

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
func writeTotals(c *calls) {
	v := c.v
	if v.root < 0 {
		return
	}
	root := v.spans[v.root].Attributes()
	if _, ok := root.Get(AttrTraceTotalTokens); ok {
		return // already finished
	}
	usages := make([]tokenUsage, len(v.spans))
	counts := make([]bool, len(v.spans))
	for i := range v.spans {
		usages[i], counts[i] = c.counted(i)
	}
	// covered[i]: an ancestor of span i counts, at any depth. Parents come first, so each span
	// looks at its parent only.
	covered := make([]bool, len(v.spans))
	for _, i := range slices.Backward(v.deepestFirst()) {
		if p := v.parent[i]; p >= 0 {
			covered[i] = counts[p] || covered[p]
		}
	}
	var tokens int64
	var cost float64
	for i, span := range v.spans {
		if !counts[i] || covered[i] {
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
