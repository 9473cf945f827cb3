package mlflowreceiver

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
	"github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver/internal/metadata"
)

// TestRealClient runs MLflow's own Python client (the repository's virtualenv) against the
// receiver: a traced agent with a tool span and an autologged OpenAI call to the stub LLM.
func TestRealClient(t *testing.T) {
	root := mlflowtest.RepoRoot(t)
	python := filepath.Join(root, ".venv", "bin", "python")
	if _, err := os.Stat(python); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s missing: %v", python, err)
		}
		t.Skipf("%s missing; run `make venv` to test against the real MLflow client", python)
	}
	stubURL := startStubLLM(t, python, filepath.Join(root, "e2e", "python", "stub_llm.py"))

	sink := new(consumertest.TracesSink)
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = freeAddr(t)
	rcv, err := NewFactory().CreateTraces(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, rcv.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, rcv.Shutdown(context.Background())) })

	cmd := exec.Command(python, filepath.Join("testdata", "client_app.py"))
	cmd.Env = append(os.Environ(),
		"MLFLOW_TRACKING_URI=http://"+cfg.ServerConfig.NetAddr.Endpoint,
		"STUB_LLM_URL="+stubURL,
		"MLFLOW_HTTP_REQUEST_MAX_RETRIES=0",
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "stderr:\n%s", stderr.String())
	assert.Contains(t, stdout.String(), "stub answer")
	for _, line := range strings.Split(stderr.String(), "\n") {
		assert.NotRegexp(t, `(?i)\b(warning|error)\b|Traceback`, line)
	}

	spans := spansByName(sink.AllTraces())
	require.Len(t, spans, 3, "each span exactly once: %v", names(spans))
	agent, tool, llm := spans["agent"], spans["get_weather"], spans["Completions"]
	require.NotNil(t, agent.span)
	require.NotNil(t, tool.span)
	require.NotNil(t, llm.span)

	assert.True(t, agent.span.ParentSpanID().IsEmpty())
	assert.Equal(t, agent.span.SpanID(), tool.span.ParentSpanID())
	assert.Equal(t, agent.span.SpanID(), llm.span.ParentSpanID())
	for _, s := range spans {
		assert.Equal(t, agent.span.TraceID(), s.span.TraceID())
		v, ok := s.resource.Get(mlflow.AttrExperimentName)
		require.True(t, ok, "span %s has no experiment", s.span.Name())
		assert.Equal(t, "receiver-it", v.Str())
	}

	assert.Equal(t, "AGENT", attr(agent.span, mlflow.AttrSpanType))
	assert.Equal(t, "TOOL", attr(tool.span, mlflow.AttrSpanType))
	assert.Equal(t, "CHAT_MODEL", attr(llm.span, mlflow.AttrSpanType))
	assert.Equal(t, map[string]any{"city": "Paris"}, attrValue(tool.span, mlflow.AttrSpanInputs))
	assert.Equal(t, map[string]any{"city": "Paris", "temp_c": int64(21)}, attrValue(tool.span, mlflow.AttrSpanOutputs))
	assert.Equal(t, map[string]any{"question": "What is the weather in Paris?"}, attrValue(agent.span, mlflow.AttrSpanInputs))
	assert.Contains(t, attr(agent.span, mlflow.AttrSpanOutputs), "stub answer")
	assert.Equal(t, "gpt-4o-mini", attrValue(llm.span, mlflow.AttrSpanInputs).(map[string]any)["model"])
	assert.NotEmpty(t, attrValue(llm.span, mlflow.AttrSpanOutputs))

	// Trace info, from StartTraceV3, on the root span only.
	assert.Equal(t, "search", attr(agent.span, mlflow.AttrTraceTagPrefix+"team"))
	assert.Equal(t, "sess-42", attr(agent.span, mlflow.AttrSessionID))
	assert.Equal(t, "alice", attr(agent.span, mlflow.AttrUserID))
	assert.Equal(t, "1.2.3", attr(agent.span, mlflow.AttrTraceMetadataPrefix+"app.version"))
	assert.Equal(t, "sess-42", attr(agent.span, mlflow.AttrTraceMetadataPrefix+mlflow.MetadataSession))
	assert.Equal(t, "alice", attr(agent.span, mlflow.AttrTraceMetadataPrefix+mlflow.MetadataUser))
	assert.Equal(t, "3", attr(agent.span, mlflow.AttrTraceMetadataPrefix+"mlflow.trace_schema.version"))
	_, hasTraceName := agent.span.Attributes().Get(mlflow.AttrTraceTagPrefix + "mlflow.traceName")
	assert.False(t, hasTraceName, "MLflow's own tags are derived by the server, not carried")
	_, toolHasTag := tool.span.Attributes().Get(mlflow.AttrTraceTagPrefix + "team")
	assert.False(t, toolHasTag)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// startStubLLM runs the OpenAI-compatible stub and returns its /v1 base URL.
func startStubLLM(t *testing.T, python, script string) string {
	t.Helper()
	portFile := filepath.Join(t.TempDir(), "port")
	cmd := exec.Command(python, script, "--port", "0", "--port-file", portFile)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(portFile); err == nil && len(bytes.TrimSpace(b)) > 0 {
			return "http://127.0.0.1:" + strings.TrimSpace(string(b)) + "/v1"
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("stub LLM did not start")
	return ""
}
