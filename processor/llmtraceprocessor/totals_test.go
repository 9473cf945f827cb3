package llmtraceprocessor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

func TestTotals(t *testing.T) {
	priced := func(s sp, cost string) sp {
		s.attrs[mlflow.AttrLLMCost] = cost
		return s
	}
	td := newTrace(1,
		root(1, "POST /chat", nil),
		sp{id: 2, parent: 1, name: "agent", start: time.Second / 2, end: 5 * time.Second, attrs: map[string]any{mlflow.AttrSpanType: `"AGENT"`}},
		// A framework span over the SDK span of the same call: counted once.
		priced(llmSpan(3, 2, "ChatOpenAI", "gpt-4o", 10, 5), `{"input_cost":0.001,"output_cost":0.001,"total_cost":0.002}`),
		priced(llmSpan(4, 3, "chat gpt-4o", "gpt-4o", 10, 5), `{"input_cost":0.001,"output_cost":0.001,"total_cost":0.002}`),
		// A second call.
		priced(sp{id: 5, parent: 2, name: "chat gpt-4o", start: 3 * time.Second, end: 4 * time.Second, attrs: llmSpan(0, 0, "", "gpt-4o", 20, 10).attrs}, `{"total_cost":0.004}`),
	)
	finishTwice(t, &Config{Deduplicate: true, Totals: true}, td)
	assert.EqualValues(t, 15+30, attr(t, td, 1, AttrTraceTotalTokens))
	assert.InDelta(t, 0.006, attr(t, td, 1, AttrTraceCostUSD), 1e-12)

	// A trace without usage gets no totals.
	empty := newTrace(2, root(1, "root", nil), sp{id: 2, parent: 1, name: "tool", attrs: map[string]any{mlflow.AttrSpanType: `"TOOL"`}})
	finishTwice(t, &Config{Totals: true}, empty)
	assert.Nil(t, attr(t, empty, 1, AttrTraceTotalTokens))
	assert.Nil(t, attr(t, empty, 1, AttrTraceCostUSD))
}

func TestTotalsDeepTree(t *testing.T) {
	agent := sp{id: 2, parent: 1, name: "agent", start: time.Second / 2, end: 9 * time.Second, attrs: map[string]any{
		mlflow.AttrSpanType: `"AGENT"`, mlflow.AttrChatTokenUsage: usageJSON(100, 50),
	}}
	// MLflow's sum looks at every ancestor, however many levels up.
	spans := append([]sp{root(1, "POST /chat", nil), agent}, nested(3, 20, 2)...)
	td := newTrace(1, append(spans, llmSpan(100, 22, "chat", "gpt-4o", 10, 5))...)
	finishTwice(t, &Config{Deduplicate: true, Totals: true}, td)
	assert.EqualValues(t, 150, attr(t, td, 1, AttrTraceTotalTokens), "the agent's usage includes the nested call")
}

// TestUsageKeysMatchExactly: token usage keys are read as MLflow reads them, case and all.
func TestUsageKeysMatchExactly(t *testing.T) {
	for text, want := range map[string]tokenUsage{
		`{"input_tokens":10,"output_tokens":5,"total_tokens":15}`: {input: 10, output: 5, total: 15},
		`{"INPUT_TOKENS":10,"output_tokens":5}`:                   {output: 5, total: 5},
		`{"input_toKens":10,"output_tokens":5}`:                   {output: 5, total: 5},
		"{\"input_to\u212ans\":10,\"output_tokens\":5}":           {output: 5, total: 5}, // Kelvin sign
		`{"input_tokens":"10","output_tokens":5,"note":"é"}`:      {output: 5, total: 5},
	} {
		td := newTrace(1, sp{id: 1, parent: 1, name: "chat", attrs: map[string]any{"mlflow.chat.tokenUsage": text}})
		got, ok := usageOf(td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0))
		assert.True(t, ok, text)
		assert.Equal(t, want, got, text)
	}
}
