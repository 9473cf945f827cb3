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

// The chaining tests run two instances of the built binary on loopback.

// TestChainAgentToStockGateway: apps -> otelcol-mlflow as agent (configs/agent.yaml) -> an
// existing gateway made of stock components (otlp_http to MLflow). The trace arrives once,
// normalized.
func TestChainAgentToStockGateway(t *testing.T) {
	srv := mlflowtest.Start(t)
	expID, err := srv.Client.CreateExperiment(context.Background(), fmt.Sprintf("e2e-chain-a-%d", time.Now().UnixNano()))
	require.NoError(t, err)
	gateway := startCollectorWith(t, map[string]string{
		"MLFLOW_TRACKING_URI": srv.URL, "MLFLOW_EXPERIMENT_ID": expID,
	}, "e2e/testdata/stock-gateway.yaml")
	agent := startCollectorWith(t, map[string]string{
		"OTELCOL_GATEWAY_ENDPOINT": gateway.OTLPGRPC, "OTELCOL_GATEWAY_INSECURE": "true",
	}, "configs/agent.yaml")

	app := runGenAIApp(t, agent, startStubLLM(t))
	trace := srv.WaitForSpans(t, "tr-"+app.TraceID, 4)
	assert.Equal(t, expID, trace.Info.ExperimentID)
	assert.Len(t, trace.Spans, 4)
	chat := spansByName(t, trace)["chat gpt-4o-mini"][0]
	assert.Equal(t, "openai", chat.Attributes[mlflow.AttrMessageFormat], "normalized by the agent")
	assert.Equal(t, "system", at(chat.Attributes[mlflow.AttrSpanInputs], "messages", 0, "role"))
}

// TestChainStockAgentToLLMGateway: an existing agent made of stock components -> otelcol-mlflow
// as the LLM gateway (config.yaml) -> MLflow.
func TestChainStockAgentToLLMGateway(t *testing.T) {
	srv := mlflowtest.Start(t)
	gateway := startCollector(t, map[string]string{
		"MLFLOW_TRACKING_URI": srv.URL, "MLFLOW_EXPERIMENT_NAME": fmt.Sprintf("e2e-chain-b-%d", time.Now().UnixNano()),
	})
	agent := startCollectorWith(t, map[string]string{"OTELCOL_GATEWAY_ENDPOINT": gateway.OTLPGRPC}, "e2e/testdata/stock-agent.yaml")

	app := runGenAIApp(t, agent, startStubLLM(t))
	trace := srv.WaitForSpans(t, "tr-"+app.TraceID, 4)
	assert.Len(t, trace.Spans, 4)
	chat := spansByName(t, trace)["chat gpt-4o-mini"][0]
	assert.Equal(t, "openai", chat.Attributes[mlflow.AttrMessageFormat], "normalized by the gateway")
}

// TestChainNormalizesOnce: otelcol-mlflow agent -> otelcol-mlflow gateway, so llmspan runs twice.
// The trace must be the same as through one collector: normalization is idempotent.
func TestChainNormalizesOnce(t *testing.T) {
	srv := mlflowtest.Start(t)
	env := map[string]string{"MLFLOW_TRACKING_URI": srv.URL, "MLFLOW_EXPERIMENT_NAME": fmt.Sprintf("e2e-chain-c-%d", time.Now().UnixNano())}
	gateway := startCollector(t, env)
	agent := startCollectorWith(t, map[string]string{
		"OTELCOL_GATEWAY_ENDPOINT": gateway.OTLPGRPC, "OTELCOL_GATEWAY_INSECURE": "true",
	}, "configs/agent.yaml")
	stub := startStubLLM(t)

	chained := runGenAIApp(t, agent, stub)
	single := runGenAIApp(t, gateway, stub)
	a := srv.WaitForSpans(t, "tr-"+chained.TraceID, 4)
	b := srv.WaitForSpans(t, "tr-"+single.TraceID, 4)
	require.Len(t, a.Spans, 4, "each span once")
	assert.Equal(t, mlflowAttributes(a), mlflowAttributes(b))
}

// mlflowAttributes lists, per span name, every attribute but the ids MLflow adds per trace.
func mlflowAttributes(tr *mlflow.Trace) map[string][]string {
	out := map[string][]string{}
	for _, s := range tr.Spans {
		for k, v := range s.Attributes {
			if k == mlflow.AttrTraceRequestID || k == "gen_ai.response.id" {
				continue
			}
			out[s.Name] = append(out[s.Name], k+"="+mustJSON(v))
		}
	}
	for _, v := range out {
		sortStrings(v)
	}
	return out
}

// TestLoadBalancedGateways: one agent routes by trace id (stock load_balancing exporter, static
// resolver) to two otelcol-mlflow gateways. Every trace lands whole and once, each through one
// gateway, and both gateways are used.
func TestLoadBalancedGateways(t *testing.T) {
	srv := mlflowtest.Start(t)
	env := func(name string) map[string]string {
		return map[string]string{
			"MLFLOW_TRACKING_URI": srv.URL, "MLFLOW_EXPERIMENT_NAME": "e2e-lb",
			"E2E_GATEWAY_NAME": name,
		}
	}
	g1 := startCollector(t, env("g1"), "e2e/testdata/gateway-stamp.yaml")
	g2 := startCollector(t, env("g2"), "e2e/testdata/gateway-stamp.yaml")
	agent := startCollectorWith(t, map[string]string{
		"OTELCOL_GATEWAYS": fmt.Sprintf("[%s, %s]", g1.OTLPGRPC, g2.OTLPGRPC),
	}, "configs/agent-loadbalancing.yaml")

	const traces, spansPerTrace = 20, 5
	var ids []string
	for i := 0; i < traces; i++ {
		specs := []testSpan{{name: "invoke_agent planner", attrs: map[string]any{"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "planner"}}}
		for j := 1; j < spansPerTrace; j++ {
			specs = append(specs, testSpan{name: fmt.Sprintf("chat step-%d", j), parent: 0, attrs: map[string]any{
				"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o",
				"gen_ai.usage.input_tokens": int64(10 * j), "gen_ai.usage.output_tokens": int64(j),
			}})
		}
		td, id := newTrace("lb-app", specs)
		// Spans of one trace arrive in separate requests, as from separate processes.
		for _, one := range splitSpans(td) {
			agent.sendOTLP(t, one)
		}
		ids = append(ids, id)
	}

	used := map[string]int{}
	for _, id := range ids {
		tr := srv.WaitForSpans(t, id, spansPerTrace)
		require.Len(t, tr.Spans, spansPerTrace, "trace %s whole and once", id)
		gateways := map[any]bool{}
		for _, s := range tr.Spans {
			gateways[s.Attributes["e2e.gateway"]] = true
		}
		require.Len(t, gateways, 1, "trace %s went through one gateway: %v", id, gateways)
		for g := range gateways {
			used[fmt.Sprint(g)]++
		}
	}
	assert.Len(t, used, 2, "both gateways received traces: %v", used)
}

// splitSpans returns one Traces per span of td.
func splitSpans(td ptrace.Traces) []ptrace.Traces {
	var out []ptrace.Traces
	rs := td.ResourceSpans().At(0)
	for _, span := range rs.ScopeSpans().At(0).Spans().All() {
		one := ptrace.NewTraces()
		ors := one.ResourceSpans().AppendEmpty()
		rs.Resource().CopyTo(ors.Resource())
		oss := ors.ScopeSpans().AppendEmpty()
		rs.ScopeSpans().At(0).Scope().CopyTo(oss.Scope())
		span.CopyTo(oss.Spans().AppendEmpty())
		out = append(out, one)
	}
	return out
}
