package llmtraceprocessor

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// TestIntegration runs traces through the processor and the mlflow exporter into a real
// tracking server and reads back what MLflow made of them.
func TestIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real MLflow server")
	}
	srv := mlflowtest.Start(t)
	exp := newIntegrationExporter(t, srv.URL)

	// send runs td through a processor with the default configuration and its shutdown flush.
	send := func(t *testing.T, td ptrace.Traces) *mlflow.Trace {
		t.Helper()
		id := mlflow.TraceID(td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).TraceID())
		n := td.SpanCount()
		p, _ := newTestProcessor(t, defaultConfig(), exp)
		require.NoError(t, p.ConsumeTraces(t.Context(), td))
		require.NoError(t, p.Shutdown(t.Context()))
		return srv.WaitForSpans(t, id, n)
	}

	// agentTrace is an HTTP request whose agent makes one model call, recorded twice: by the
	// framework (span 3, with gen_ai.usage.* too) and by the provider SDK below it (span 4).
	agentTrace := func(n byte) ptrace.Traces {
		outer := llmSpan(3, 2, "ChatOpenAI", "openai/gpt-4o-mini", 100, 20)
		outer.attrs["gen_ai.usage.input_tokens"] = 100
		outer.attrs["gen_ai.usage.output_tokens"] = 20
		return newTrace(n,
			sp{id: 1, parent: 1, name: "POST /chat", kind: ptrace.SpanKindServer, end: 10 * time.Second,
				attrs: map[string]any{"http.request.method": "POST"}},
			sp{id: 2, parent: 1, name: "support-agent", start: time.Second / 2, end: 5 * time.Second, attrs: map[string]any{
				mlflow.AttrSpanType:    `"AGENT"`,
				mlflow.AttrSpanInputs:  `{"question":"where is my order?"}`,
				mlflow.AttrSpanOutputs: `"It ships tomorrow."`,
				mlflow.AttrSessionID:   "session-7",
				mlflow.AttrUserID:      "user-9",
			}},
			outer,
			llmSpan(4, 3, "openai.chat", "gpt-4o-mini-2024-07-18", 100, 20),
		)
	}

	t.Run("finished trace", func(t *testing.T) {
		tr := send(t, agentTrace(1))

		assert.JSONEq(t, `{"input_tokens":100,"output_tokens":20,"total_tokens":120}`,
			tr.Info.TraceMetadata[mlflow.MetadataTokenUsage], "one call")
		byName := map[string]mlflow.Span{}
		for _, s := range tr.Spans {
			byName[s.Name] = s
		}
		kept, dup := byName["openai.chat"], byName["ChatOpenAI"]
		require.Contains(t, kept.Attributes, mlflow.AttrLLMCost, "the server prices the kept call")
		assert.JSONEq(t, mustJSON(t, kept.Attributes[mlflow.AttrLLMCost]), tr.Info.TraceMetadata["mlflow.trace.cost"], "cost of one call")
		assert.Nil(t, dup.Attributes[mlflow.AttrChatTokenUsage], "stored as null")
		assert.NotContains(t, dup.Attributes, mlflow.AttrLLMCost, "no cost computed for the duplicate")
		assert.Equal(t, kept.SpanID, dup.Attributes[AttrDuplicateOf])
		assert.Equal(t, map[string]any{"input_tokens": int64(100), "output_tokens": int64(20), "total_tokens": int64(120)},
			dup.Attributes[AttrDuplicateTokenUsage], "kept under the processor's own key")

		assert.Equal(t, "support-agent", tr.Info.Tags[mlflow.TagTraceName])
		assert.Equal(t, "session-7", tr.Info.TraceMetadata[mlflow.MetadataSession])
		assert.Equal(t, "user-9", tr.Info.TraceMetadata[mlflow.MetadataUser])
		assert.Contains(t, tr.Info.RequestPreview, "where is my order?")
		assert.Contains(t, tr.Info.ResponsePreview, "It ships tomorrow.")
	})

	t.Run("retried batch", func(t *testing.T) {
		p, _ := newTestProcessor(t, defaultConfig(), exp)
		require.NoError(t, p.ConsumeTraces(t.Context(), agentTrace(4)))
		require.NoError(t, p.ConsumeTraces(t.Context(), agentTrace(4)), "the client sends the batch again")
		require.NoError(t, p.Shutdown(t.Context()))

		tr := srv.WaitForSpans(t, mlflow.TraceID(traceID(4)), agentTrace(4).SpanCount())
		assert.JSONEq(t, `{"input_tokens":100,"output_tokens":20,"total_tokens":120}`,
			tr.Info.TraceMetadata[mlflow.MetadataTokenUsage], "one call")
		assert.Contains(t, tr.Info.RequestPreview, "where is my order?")
	})

	t.Run("batch retried after its trace left", func(t *testing.T) {
		// The SDK span ended first and went in a batch of its own; the client retries the
		// batch with the framework span once the trace has left. Alone, that span cannot be
		// marked again, and MLflow would store it over the marked one, priced again.
		split := func() (sdk, rest ptrace.Traces) {
			sdk, rest = agentTrace(5), agentTrace(5)
			sdk.ResourceSpans().At(0).ScopeSpans().At(0).Spans().RemoveIf(func(s ptrace.Span) bool { return s.SpanID() != spanID(4) })
			rest.ResourceSpans().At(0).ScopeSpans().At(0).Spans().RemoveIf(func(s ptrace.Span) bool { return s.SpanID() == spanID(4) })
			return sdk, rest
		}
		p, clock := newTestProcessor(t, defaultConfig(), exp)
		sdk, rest := split()
		require.NoError(t, p.ConsumeTraces(t.Context(), sdk))
		require.NoError(t, p.ConsumeTraces(t.Context(), rest))
		clock.advance(time.Second)
		p.releaseDue(t.Context())
		require.Zero(t, p.buf.len(), "sent on")
		_, again := split()
		require.NoError(t, p.ConsumeTraces(t.Context(), again))
		require.NoError(t, p.Shutdown(t.Context()))

		tr := srv.WaitForSpans(t, mlflow.TraceID(traceID(5)), agentTrace(5).SpanCount())
		for _, s := range tr.Spans {
			if s.Name == "ChatOpenAI" {
				assert.Equal(t, spanID(4).String(), s.Attributes[AttrDuplicateOf], "still marked")
				assert.Nil(t, s.Attributes[mlflow.AttrChatTokenUsage])
				assert.NotContains(t, s.Attributes, mlflow.AttrLLMCost, "priced once")
			}
		}
	})

	// The next subtests pin the server behaviour the duplicate marking relies on.
	t.Run("server: usage removed is derived again from gen_ai.usage", func(t *testing.T) {
		td := agentTrace(2)
		spanByID(t, td, 3).Attributes().Remove(mlflow.AttrChatTokenUsage)
		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		tr := srv.WaitForSpans(t, mlflow.TraceID(traceID(2)), 4)
		for _, s := range tr.Spans {
			if s.Name == "ChatOpenAI" {
				assert.NotNil(t, s.Attributes[mlflow.AttrChatTokenUsage])
				assert.Contains(t, s.Attributes, mlflow.AttrLLMCost)
			}
		}
	})

	t.Run("server: explicit zero usage on an ancestor hides the call below it", func(t *testing.T) {
		td := agentTrace(3)
		spanByID(t, td, 3).Attributes().PutStr(mlflow.AttrChatTokenUsage, usageJSON(0, 0))
		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		tr := srv.WaitForSpans(t, mlflow.TraceID(traceID(3)), 4)
		assert.JSONEq(t, `{"input_tokens":0,"output_tokens":0,"total_tokens":0}`, tr.Info.TraceMetadata[mlflow.MetadataTokenUsage])
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func newIntegrationExporter(t *testing.T, endpoint string) consumer.Traces {
	t.Helper()
	f := mlflowexporter.NewFactory()
	cfg := f.CreateDefaultConfig().(*mlflowexporter.Config)
	cfg.ClientConfig.Endpoint = endpoint
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.RetryConfig.Enabled = false
	exp, err := f.CreateTraces(t.Context(), exportertest.NewNopSettings(f.Type()), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(t.Context(), componenttest.NewNopHost()))
	t.Cleanup(func() { assert.NoError(t, exp.Shutdown(context.Background())) })
	return exp
}
