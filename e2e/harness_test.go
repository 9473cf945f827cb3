//go:build e2e

// Package e2e runs the built distribution (bin/otelcol-mlflow) between real instrumented Python
// apps and a real MLflow tracking server. Run with `make e2e`.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// syncBuffer collects a child process's output; tests read it while the process runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// collector is a running bin/otelcol-mlflow.
type collector struct {
	OTLPHTTP string // host:port
	OTLPGRPC string
	MLflow   string // the mlflow receiver
	Health   string
	Logs     *syncBuffer
	cmd      *exec.Cmd
	done     chan struct{}
}

// startCollector runs the built binary with config.yaml (plus extra config files) and the given
// environment, on free loopback ports, and waits until its health check answers.
func startCollector(t testing.TB, env map[string]string, extraConfigs ...string) *collector {
	t.Helper()
	return startCollectorWith(t, env, append([]string{"config.yaml"}, extraConfigs...)...)
}

// startCollectorWith is startCollector with the whole list of config files (repo-relative).
func startCollectorWith(t testing.TB, env map[string]string, configs ...string) *collector {
	t.Helper()
	// freeAddr's ports are free when picked, not necessarily when the collector binds them:
	// another process's outgoing connection may take one meanwhile. Such a start is retried on
	// fresh ports.
	for attempt := 1; ; attempt++ {
		c, exited := launchCollector(t, env, configs)
		if !exited {
			return c
		}
		logs := c.Logs.String()
		if attempt < 3 && strings.Contains(logs, "address already in use") {
			t.Logf("collector start %d: a port was taken meanwhile; retrying on fresh ports", attempt)
			continue
		}
		t.Fatalf("collector exited during start:\n%s", tail(logs, 40))
	}
}

// launchCollector starts the collector and waits until its health check answers; exited tells
// that it exited first.
func launchCollector(t testing.TB, env map[string]string, configs []string) (_ *collector, exited bool) {
	t.Helper()
	root := mlflowtest.RepoRoot(t)
	bin := filepath.Join(root, "bin", "otelcol-mlflow")
	_, err := os.Stat(bin)
	require.NoError(t, err, "bin/otelcol-mlflow is missing: run `make build` (make e2e does)")

	c := &collector{
		OTLPHTTP: freeAddr(t),
		OTLPGRPC: freeAddr(t),
		MLflow:   freeAddr(t),
		Health:   freeAddr(t),
		Logs:     &syncBuffer{},
		done:     make(chan struct{}),
	}
	_, metricsPort, _ := net.SplitHostPort(freeAddr(t))
	var args []string
	for _, f := range configs {
		args = append(args, "--config", filepath.Join(root, f))
	}
	c.cmd = exec.Command(bin, args...)
	c.cmd.Env = append(os.Environ(),
		"OTLP_HTTP_ENDPOINT="+c.OTLPHTTP,
		"OTLP_GRPC_ENDPOINT="+c.OTLPGRPC,
		"MLFLOW_RECEIVER_ENDPOINT="+c.MLflow,
		"HEALTH_CHECK_ENDPOINT="+c.Health,
		"OTELCOL_METRICS_PORT="+metricsPort,
	)
	for k, v := range env {
		c.cmd.Env = append(c.cmd.Env, k+"="+v)
	}
	c.cmd.Stdout = c.Logs
	c.cmd.Stderr = c.Logs
	require.NoError(t, c.cmd.Start())
	go func() { _ = c.cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		c.Stop(t)
		if t.Failed() {
			t.Logf("collector logs:\n%s", tail(c.Logs.String(), 60))
		}
	})

	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-c.done:
			return c, true
		default:
		}
		resp, err := http.Get("http://" + c.Health + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c, false
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("collector not healthy after 60s:\n%s", tail(c.Logs.String(), 40))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Stop shuts the collector down gracefully (SIGTERM flushes the batch processor and queues).
func (c *collector) Stop(t testing.TB) {
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// waitForLog waits until the collector's output contains substr.
func (c *collector) waitForLog(t testing.TB, substr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(c.Logs.String(), substr) {
		if time.Now().After(deadline) {
			t.Fatalf("collector never logged %q:\n%s", substr, tail(c.Logs.String(), 40))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// sendOTLP posts traces to the collector's OTLP/HTTP receiver as protobuf.
func (c *collector) sendOTLP(t testing.TB, td ptrace.Traces) {
	t.Helper()
	body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	require.NoError(t, err)
	resp, err := http.Post("http://"+c.OTLPHTTP+"/v1/traces", "application/x-protobuf", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// appTimeout bounds each app run by python.
const appTimeout = 2 * time.Minute

// python runs a script from e2e/python with the repo's venv and returns its stdout.
func python(t testing.TB, script string, env map[string]string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), appTimeout)
	defer cancel()
	root := mlflowtest.RepoRoot(t)
	py := filepath.Join(root, ".venv", "bin", "python")
	_, err := os.Stat(py)
	require.NoError(t, err, ".venv is missing: run `make venv` (make e2e does)")
	cmd := exec.CommandContext(ctx, py, filepath.Join(root, "e2e", "python", script))
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s failed:\n%s", script, stderr.String())
	// The app must run cleanly: no warning or error from the SDK or the instrumentation (the
	// MLflow SDK logs INFO lines to stderr; those are fine).
	for _, line := range strings.Split(stderr.String(), "\n") {
		for _, bad := range []string{"WARNING", "ERROR", "Traceback", "Exception", "Error:"} {
			require.NotContains(t, line, bad, "%s logged a problem:\n%s", script, stderr.String())
		}
	}
	return out
}

// startStubLLM runs the OpenAI-compatible stub and returns its base URL (".../v1").
func startStubLLM(t testing.TB) string {
	t.Helper()
	root := mlflowtest.RepoRoot(t)
	portFile := filepath.Join(t.TempDir(), "port")
	cmd := exec.Command(filepath.Join(root, ".venv", "bin", "python"),
		filepath.Join(root, "e2e", "python", "stub_llm.py"), "--port", "0", "--port-file", portFile)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err := os.ReadFile(portFile); err == nil && len(b) > 0 {
			return fmt.Sprintf("http://127.0.0.1:%s/v1", strings.TrimSpace(string(b)))
		}
		require.True(t, time.Now().Before(deadline), "stub LLM did not start: %s", logs.String())
		time.Sleep(100 * time.Millisecond)
	}
}

// appOutput is what the e2e apps print: the trace id and the usage the stub reported per call.
type appOutput struct {
	TraceID string           `json:"trace_id"`
	Usage   []map[string]any `json:"usage"`
	Answer  string           `json:"answer"`
	// Exports holds each metrics and logs export's result, with APP_EXPORT_ALL_SIGNALS.
	Exports map[string][]string `json:"exports"`
}

func parseAppOutput(t testing.TB, out []byte) appOutput {
	t.Helper()
	var o appOutput
	require.NoError(t, json.Unmarshal(bytes.TrimSpace(out), &o), "app output: %s", out)
	require.Len(t, o.TraceID, 32)
	return o
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

func decodeJSON(t testing.TB, s string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(s), &v), "not JSON: %q", s)
	return v
}

func toJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// mustJSON is the canonical JSON of a decoded value, for comparing values of any shape.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable %T", v)
	}
	return string(b)
}

func sortStrings(s []string) { sort.Strings(s) }
