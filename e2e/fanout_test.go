//go:build e2e

package e2e

import (
	"fmt"
	"maps"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

var appSpanNames = []string{"chat gpt-4o-mini", "chat gpt-4o-mini", "execute_tool get_weather", "invoke_agent weather_agent"}

// TestFanOutToAllBackends: one instrumented app's trace goes through the collector started with
// config.yaml plus configs/{jaeger,zipkin,datadog}.yaml and is queryable, normalized, in a real
// Jaeger, a real Zipkin, the Datadog intake stand-in, and a real MLflow.
func TestFanOutToAllBackends(t *testing.T) {
	srv := mlflowtest.Start(t)
	zipkin := startZipkin(t)
	jaeger := startJaeger(t)
	dd := startDDIntake(t)
	const ddKey = "e2e0123456789abcdef0123456789abcd"
	col := startCollector(t, map[string]string{
		"MLFLOW_TRACKING_URI":    srv.URL,
		"MLFLOW_EXPERIMENT_NAME": fmt.Sprintf("e2e-fanout-%d", time.Now().UnixNano()),
		"JAEGER_OTLP_ENDPOINT":   jaeger.OTLPGRPC,
		"ZIPKIN_ENDPOINT":        "http://" + zipkin + "/api/v2/spans",
		"DD_API_KEY":             ddKey,
		"DD_TRACES_ENDPOINT":     "http://" + dd,
		"DD_API_ENDPOINT":        "http://" + dd,
		"DD_LOGS_ENDPOINT":       "http://" + dd,
	}, "configs/jaeger.yaml", "configs/zipkin.yaml", "configs/datadog.yaml")
	app := runGenAIApp(t, col, startStubLLM(t))

	t.Run("mlflow", func(t *testing.T) {
		trace := srv.WaitForSpans(t, "tr-"+app.TraceID, 4)
		var names []string
		for _, s := range trace.Spans {
			names = append(names, s.Name)
		}
		assertSameNames(t, names)
		chat := spansByName(t, trace)["chat gpt-4o-mini"][0]
		assert.Equal(t, mlflow.SpanTypeChatModel, chat.Attributes[mlflow.AttrSpanType])
		assert.Contains(t, chat.Attributes, mlflow.AttrSpanInputs, "MLflow keeps the content")
		assert.Contains(t, chat.Attributes, "gen_ai.input.messages")
	})

	t.Run("jaeger", func(t *testing.T) {
		var names []string
		for _, s := range jaeger.trace(t, app.TraceID, 4) {
			names = append(names, s.Name)
			if s.Name == "chat gpt-4o-mini" {
				assert.Equal(t, "chat", s.Tags["gen_ai.operation.name"])
				assert.Equal(t, `"CHAT_MODEL"`, s.Tags[mlflow.AttrSpanType], "normalized before fan-out")
				assertNoContent(t, s.Tags)
			}
		}
		assertSameNames(t, names)
	})

	t.Run("zipkin", func(t *testing.T) {
		var spans []struct {
			Name          string            `json:"name"`
			Tags          map[string]string `json:"tags"`
			LocalEndpoint struct {
				ServiceName string `json:"serviceName"`
			} `json:"localEndpoint"`
		}
		eventually(t, "the trace in Zipkin's API", time.Minute, func() bool {
			return getJSON("http://"+zipkin+"/api/v2/trace/"+app.TraceID, &spans) && len(spans) == 4
		})
		var names []string
		for _, s := range spans {
			names = append(names, s.Name)
			assert.Equal(t, "weather-agent-e2e", s.LocalEndpoint.ServiceName)
			if s.Name == "chat gpt-4o-mini" {
				assert.Equal(t, "chat", s.Tags["gen_ai.operation.name"])
				assert.Equal(t, `"CHAT_MODEL"`, s.Tags[mlflow.AttrSpanType])
				assertNoContent(t, s.Tags)
			}
		}
		assertSameNames(t, names)
	})

	t.Run("datadog", func(t *testing.T) {
		ddID := datadogTraceID(app.TraceID)
		var got []ddSpan
		eventually(t, "the trace at the Datadog intake", time.Minute, func() bool {
			var all []ddSpan
			if !getJSON("http://"+dd+"/test/spans", &all) {
				return false
			}
			got = got[:0]
			for _, s := range all {
				if s.TraceID == ddID {
					got = append(got, s)
				}
			}
			return len(got) == 4
		})
		for _, s := range got {
			assert.Equal(t, ddKey, s.APIKey, "API key header")
			assert.Equal(t, "weather-agent-e2e", s.Service)
			assert.NotEmpty(t, s.Resource, "resource of %s", s.Name)
			assert.NotEmpty(t, s.Type, "span type of %s", s.Name)
		}
		var chat *ddSpan
		for i := range got {
			if got[i].Meta["gen_ai.operation.name"] == "chat" {
				chat = &got[i]
			}
		}
		require.NotNil(t, chat, "a chat span with its gen_ai.* tags")
		assert.Equal(t, `"CHAT_MODEL"`, chat.Meta[mlflow.AttrSpanType])
		assert.Equal(t, "gpt-4o-mini", chat.Meta["gen_ai.request.model"])
		assertNoContent(t, chat.Meta)
	})
}

func assertSameNames(t *testing.T, names []string) {
	t.Helper()
	sort.Strings(names)
	assert.Equal(t, appSpanNames, names)
}

// runGenAIApp runs the openai-v2 instrumented app against the stub LLM, exporting to col.
func runGenAIApp(t *testing.T, col *collector, stubURL string) appOutput {
	t.Helper()
	return runGenAIAppWith(t, col, stubURL, nil)
}

// runGenAIAppWith is runGenAIApp with more environment variables, which win.
func runGenAIAppWith(t *testing.T, col *collector, stubURL string, more map[string]string) appOutput {
	t.Helper()
	env := map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT":                        "http://" + col.OTLPHTTP,
		"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "SPAN_ONLY",
		"OTEL_SEMCONV_STABILITY_OPT_IN":                      "gen_ai_latest_experimental",
		"OPENAI_BASE_URL":                                    stubURL,
		"OPENAI_API_KEY":                                     "sk-stub",
		"APP_SESSION_ID":                                     "session-42",
	}
	maps.Copy(env, more)
	return parseAppOutput(t, python(t, "app_genai_openai.py", env))
}

// assertNoContent: the APM destinations get the span shape, not the conversation
// (configs/{jaeger,zipkin,datadog}.yaml strip message content).
func assertNoContent[V any](t *testing.T, tags map[string]V) {
	t.Helper()
	for _, key := range []string{mlflow.AttrSpanInputs, mlflow.AttrSpanOutputs, "gen_ai.input.messages", "gen_ai.output.messages"} {
		assert.NotContains(t, tags, key)
	}
}
