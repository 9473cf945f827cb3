//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// TestTailSamplingRecipe: config.yaml + configs/tail-sampling.yaml keeps the traces with an
// error, a slow one, one with many tokens, one that cost much (priced by llmspan), and drops a
// cheap, fast, healthy one (the rest is sampled at 0% here).
func TestTailSamplingRecipe(t *testing.T) {
	srv := mlflowtest.Start(t)
	col := startCollector(t, map[string]string{
		"MLFLOW_TRACKING_URI":         srv.URL,
		"MLFLOW_EXPERIMENT_NAME":      fmt.Sprintf("e2e-tail-%d", time.Now().UnixNano()),
		"TAIL_SAMPLING_DECISION_WAIT": "1s",
		"TAIL_SAMPLING_SLOW_MS":       "5000",
		"TAIL_SAMPLING_MIN_TOKENS":    "50000",
		"TAIL_SAMPLING_MIN_COST_USD":  "0.01",
		"TAIL_SAMPLING_PERCENT":       "0",
	}, "configs/tail-sampling.yaml")

	chat := func(model string, in, out int64) testSpan {
		return testSpan{name: "chat " + model, parent: 0, attrs: map[string]any{
			"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": model,
			"gen_ai.usage.input_tokens": in, "gen_ai.usage.output_tokens": out,
		}}
	}
	agent := testSpan{name: "invoke_agent helper", attrs: map[string]any{"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "helper"}}
	send := func(specs []testSpan, edit func(root ptrace.Span)) string {
		td, id := newTrace("tail-app", specs)
		if edit != nil {
			edit(td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0))
		}
		col.sendOTLP(t, td)
		return id
	}
	kept := map[string]string{
		"error": send([]testSpan{agent, chat("gpt-4o-mini", 10, 5)}, func(root ptrace.Span) {
			root.Status().SetCode(ptrace.StatusCodeError)
		}),
		"slow": send([]testSpan{agent, chat("gpt-4o-mini", 10, 5)}, func(root ptrace.Span) {
			root.SetEndTimestamp(root.StartTimestamp() + 6e9)
		}),
		// 60k tokens of gpt-4o-mini cost under a cent: kept for its tokens.
		"tokens": send([]testSpan{agent, chat("gpt-4o-mini", 60000, 10)}, nil),
		// 10k tokens of gpt-4o cost over a cent: kept for its cost.
		"cost": send([]testSpan{agent, chat("gpt-4o", 10000, 100)}, nil),
	}
	dropped := send([]testSpan{agent, chat("gpt-4o-mini", 10, 5)}, nil)

	for why, id := range kept {
		tr := srv.WaitForSpans(t, id, 2)
		assert.Len(t, tr.Spans, 2, why)
	}
	cost := spansByName(t, srv.WaitForSpans(t, kept["cost"], 2))["invoke_agent helper"][0]
	assert.Greater(t, cost.Attributes["llm.trace.cost_usd"], 0.01, "the root carries the trace's cost")

	// Everything the collector holds is flushed on a graceful stop; the dropped trace must not
	// have been exported.
	col.Stop(t)
	_, err := srv.Client.GetTrace(context.Background(), dropped)
	require.Error(t, err)
	assert.True(t, mlflow.IsNotFound(err), "the cheap, fast, healthy trace was sampled out: %v", err)
}
