//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// TestDoubleInstrumentedLangChainApp: a LangChain app behind a web endpoint whose one LLM call is
// traced by both OpenInference (ChatOpenAI) and openai-v2 (the SDK), with an e-mail address in
// the prompt. Through config.yaml (+ Jaeger) the MLflow trace counts the call's tokens and cost
// once, is named after the agent rather than "POST /chat", carries the session, and has the
// e-mail masked; the same trace in Jaeger's content-stripped pipeline carries no message content.
func TestDoubleInstrumentedLangChainApp(t *testing.T) {
	srv := mlflowtest.Start(t)
	jaeger := startJaeger(t)
	col := startCollector(t, map[string]string{
		"MLFLOW_TRACKING_URI":    srv.URL,
		"MLFLOW_EXPERIMENT_NAME": fmt.Sprintf("e2e-langchain-%d", time.Now().UnixNano()),
		"JAEGER_OTLP_ENDPOINT":   jaeger.OTLPGRPC,
	}, "configs/jaeger.yaml")
	app := parseAppOutput(t, python(t, "app_langchain_double.py", map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT":                        "http://" + col.OTLPHTTP,
		"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "SPAN_ONLY",
		"OTEL_SEMCONV_STABILITY_OPT_IN":                      "gen_ai_latest_experimental",
		"OPENAI_BASE_URL":                                    startStubLLM(t),
		"OPENAI_API_KEY":                                     "sk-stub",
		"APP_SESSION_ID":                                     "session-lc-9",
	}))
	require.Len(t, app.Usage, 1, "one LLM call")
	call := app.Usage[0]

	trace := srv.WaitForSpans(t, "tr-"+app.TraceID, 4)
	spans := spansByName(t, trace)
	require.Contains(t, spans, "ChatOpenAI", "the framework's span")
	require.Contains(t, spans, "chat gpt-4o-mini", "the SDK's span")
	framework, sdk := spans["ChatOpenAI"][0], spans["chat gpt-4o-mini"][0]

	// Tokens and cost of the one call, counted once.
	usage := decodeJSON(t, trace.Info.TraceMetadata["mlflow.trace.tokenUsage"])
	assert.EqualValues(t, call["prompt_tokens"], at(usage, "input_tokens"))
	assert.EqualValues(t, call["completion_tokens"], at(usage, "output_tokens"))
	assert.EqualValues(t, call["total_tokens"], at(usage, "total_tokens"))
	sdkCost, _ := at(sdk.Attributes[mlflow.AttrLLMCost], "total_cost").(float64)
	require.Positive(t, sdkCost, "the kept span is priced: %v", sdk.Attributes[mlflow.AttrLLMCost])
	assert.InDelta(t, sdkCost, at(decodeJSON(t, trace.Info.TraceMetadata["mlflow.trace.cost"]), "total_cost"), 1e-12)
	assert.Nil(t, framework.Attributes[mlflow.AttrLLMCost], "the duplicate is not priced")
	assert.Equal(t, sdk.SpanID, framework.Attributes["llmtrace.duplicate_of"])

	// Named after the agent, with the session.
	assert.Equal(t, "weather_agent", trace.Info.Tags["mlflow.traceName"])
	assert.Equal(t, "session-lc-9", trace.Info.TraceMetadata["mlflow.trace.session"])

	// The e-mail address is masked everywhere in MLflow, structure intact.
	for _, s := range trace.Spans {
		for k, v := range s.Attributes {
			assert.NotContains(t, mustJSON(v), "jane.doe@example.com", "%s: %s", s.Name, k)
		}
	}
	assert.Contains(t, at(sdk.Attributes[mlflow.AttrSpanInputs], "messages", 1, "content"), "[REDACTED:email]")

	// Jaeger: the same trace, no message content.
	for _, s := range jaeger.trace(t, app.TraceID, len(trace.Spans)) {
		for key, value := range s.Tags {
			for _, content := range []string{"input.value", "output.value", "llm.input_messages.", "llm.output_messages.", "gen_ai.input.messages", "gen_ai.output.messages", mlflow.AttrSpanInputs, mlflow.AttrSpanOutputs} {
				assert.False(t, strings.HasPrefix(key, content), "%s carries %s in Jaeger", s.Name, key)
			}
			assert.NotContains(t, fmt.Sprint(value), "jane.doe", "%s: %s", s.Name, key)
		}
	}
}
