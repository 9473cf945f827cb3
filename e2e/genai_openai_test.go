//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// TestGenAIOpenAIAppToMLflow: an openai SDK app instrumented by opentelemetry-instrumentation-openai-v2
// (official GenAI semantic conventions) → the collector with config.yaml → a real MLflow server.
// The trace must read back from MLflow as an LLM trace: span types, chat messages in the shape
// MLflow's chat view renders, the tool call, token usage equal to what the stub LLM returned,
// model, provider and session.
func TestGenAIOpenAIAppToMLflow(t *testing.T) {
	srv := mlflowtest.Start(t)
	experiment := fmt.Sprintf("e2e-genai-%d", time.Now().UnixNano())
	col := startCollector(t, map[string]string{
		"MLFLOW_TRACKING_URI":    srv.URL,
		"MLFLOW_EXPERIMENT_NAME": experiment,
	})
	app := runGenAIApp(t, col, startStubLLM(t))
	require.Len(t, app.Usage, 2)

	trace := srv.WaitForSpans(t, "tr-"+app.TraceID, 4)

	// The exporter resolved the experiment by name (creating it) and wrote the trace there.
	exp, err := srv.Client.GetExperimentByName(context.Background(), experiment)
	require.NoError(t, err)
	assert.Equal(t, exp.ID, trace.Info.ExperimentID)

	spans := spansByName(t, trace)
	agent := spans["invoke_agent weather_agent"][0]
	chats := spans["chat gpt-4o-mini"]
	tool := spans["execute_tool get_weather"][0]
	require.Len(t, chats, 2)
	if chats[0].StartTime.After(chats[1].StartTime) {
		chats[0], chats[1] = chats[1], chats[0]
	}

	assert.Equal(t, mlflow.SpanTypeAgent, agent.Attributes[mlflow.AttrSpanType])
	assert.Equal(t, mlflow.SpanTypeTool, tool.Attributes[mlflow.AttrSpanType])
	for i, chat := range chats {
		assert.Equal(t, agent.SpanID, chat.ParentSpanID)
		assert.Equal(t, mlflow.SpanTypeChatModel, chat.Attributes[mlflow.AttrSpanType], "chat %d", i)
		assert.Equal(t, "gpt-4o-mini-2024-08-06", chat.Attributes[mlflow.AttrLLMModel], "chat %d", i)
		assert.Equal(t, "openai", chat.Attributes[mlflow.AttrLLMProvider], "chat %d", i)
		assert.Equal(t, "openai", chat.Attributes[mlflow.AttrMessageFormat], "chat %d", i)
		usage := chat.Attributes[mlflow.AttrChatTokenUsage]
		assert.EqualValues(t, app.Usage[i]["prompt_tokens"], at(usage, "input_tokens"), "chat %d", i)
		assert.EqualValues(t, app.Usage[i]["completion_tokens"], at(usage, "output_tokens"), "chat %d", i)
		assert.EqualValues(t, app.Usage[i]["total_tokens"], at(usage, "total_tokens"), "chat %d", i)
	}

	// First call: system + user in, a tool call out, as OpenAI chat messages.
	in := chats[0].Attributes[mlflow.AttrSpanInputs]
	assert.Equal(t, "system", at(in, "messages", 0, "role"))
	assert.Equal(t, "You are a weather assistant.", at(in, "messages", 0, "content"))
	assert.Equal(t, "user", at(in, "messages", 1, "role"))
	assert.Equal(t, "What is the weather in Paris?", at(in, "messages", 1, "content"))
	out := chats[0].Attributes[mlflow.AttrSpanOutputs]
	assert.Equal(t, "assistant", at(out, "choices", 0, "message", "role"))
	assert.Equal(t, "tool_calls", at(out, "choices", 0, "finish_reason"))
	assert.Equal(t, "call_stub_1", at(out, "choices", 0, "message", "tool_calls", 0, "id"))
	assert.Equal(t, "get_weather", at(out, "choices", 0, "message", "tool_calls", 0, "function", "name"))
	assert.JSONEq(t, `{"city":"Paris"}`, fmt.Sprint(at(out, "choices", 0, "message", "tool_calls", 0, "function", "arguments")))

	// The tool span: arguments in, result out.
	assert.JSONEq(t, `{"city": "Paris"}`, toJSON(t, tool.Attributes[mlflow.AttrSpanInputs]))
	assert.JSONEq(t, `{"city": "Paris", "forecast": "sunny", "celsius": 21}`, toJSON(t, tool.Attributes[mlflow.AttrSpanOutputs]))

	// Second call: the tool result went in as a tool message; the answer came out.
	in = chats[1].Attributes[mlflow.AttrSpanInputs]
	msgs, _ := at(in, "messages").([]any)
	require.Len(t, msgs, 4)
	assert.Equal(t, "tool", at(in, "messages", 3, "role"))
	assert.Equal(t, "call_stub_1", at(in, "messages", 3, "tool_call_id"))
	assert.Equal(t, app.Answer, at(chats[1].Attributes[mlflow.AttrSpanOutputs], "choices", 0, "message", "content"))

	// Trace level, computed by MLflow from the span attributes: total tokens and the session.
	wantTotal := 0.0
	for _, u := range app.Usage {
		wantTotal += u["total_tokens"].(float64)
	}
	assert.JSONEq(t, fmt.Sprintf(`%v`, wantTotal), fmt.Sprint(at(decodeJSON(t, trace.Info.TraceMetadata["mlflow.trace.tokenUsage"]), "total_tokens")))
	assert.Equal(t, "session-42", trace.Info.TraceMetadata["mlflow.trace.session"])
}

// spansByName groups a trace's spans by name.
func spansByName(t testing.TB, trace *mlflow.Trace) map[string][]mlflow.Span {
	t.Helper()
	out := map[string][]mlflow.Span{}
	for _, s := range trace.Spans {
		out[s.Name] = append(out[s.Name], s)
	}
	return out
}

// at walks decoded JSON by object keys (string) and array indexes (int); nil when absent.
func at(v any, path ...any) any {
	for _, p := range path {
		switch key := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[key]
		case int:
			a, ok := v.([]any)
			if !ok || key >= len(a) {
				return nil
			}
			v = a[key]
		}
	}
	return v
}

// TestGenAIOpenAIAppExportingAllSignals: an app that exports its instrumentation's metrics and
// log records to the collector too, as OTel SDKs do with only OTEL_EXPORTER_OTLP_ENDPOINT set,
// has every export accepted (config.yaml drops them: MLflow takes traces only; without those
// pipelines each answered 404), and its trace lands in MLflow as without them.
func TestGenAIOpenAIAppExportingAllSignals(t *testing.T) {
	srv := mlflowtest.Start(t)
	col := startCollector(t, map[string]string{
		"MLFLOW_TRACKING_URI":    srv.URL,
		"MLFLOW_EXPERIMENT_NAME": fmt.Sprintf("e2e-all-signals-%d", time.Now().UnixNano()),
	})
	app := runGenAIAppWith(t, col, startStubLLM(t), map[string]string{
		"APP_EXPORT_ALL_SIGNALS": "1",
		// Also as log records (events), not only on the spans.
		"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "SPAN_AND_EVENT",
	})

	for _, signal := range []string{"metrics", "logs"} {
		require.NotEmpty(t, app.Exports[signal], "the app exported %s", signal)
		for _, result := range app.Exports[signal] {
			assert.Equal(t, "SUCCESS", result, "%s export", signal)
		}
	}
	trace := srv.WaitForSpans(t, "tr-"+app.TraceID, 4)
	chat := spansByName(t, trace)["chat gpt-4o-mini"][0]
	assert.Equal(t, mlflow.SpanTypeChatModel, chat.Attributes[mlflow.AttrSpanType])
}
