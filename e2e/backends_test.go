//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// The real backends of the fan-out test, installed into .tools/ by scripts/install-backends.sh.

// startProcess runs a backend, waits until ready() holds, and stops it at cleanup.
func startProcess(t testing.TB, name string, cmd *exec.Cmd, ready func() bool) {
	t.Helper()
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start(), name)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		if t.Failed() {
			t.Logf("%s logs:\n%s", name, tail(logs.String(), 30))
		}
	})
	deadline := time.Now().Add(2 * time.Minute)
	for !ready() {
		select {
		case <-done:
			t.Fatalf("%s exited during start:\n%s", name, tail(logs.String(), 30))
		default:
		}
		require.True(t, time.Now().Before(deadline), "%s not ready after 2m:\n%s", name, tail(logs.String(), 30))
		time.Sleep(300 * time.Millisecond)
	}
}

func tool(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(mlflowtest.RepoRoot(t), ".tools", name)
	_, err := os.Stat(p)
	require.NoError(t, err, "%s is missing: run scripts/install-backends.sh (make e2e does)", p)
	return p
}

func httpOK(url string) func() bool {
	return func() bool {
		resp, err := http.Get(url)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
}

// getJSON GETs url into out; it reports whether the server answered 200 with valid JSON.
func getJSON(url string, out any) bool {
	resp, err := http.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(out) == nil
}

// eventually polls f until it returns true or the deadline passes.
func eventually(t testing.TB, what string, within time.Duration, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !f() {
		require.True(t, time.Now().Before(deadline), "timed out waiting for %s", what)
		time.Sleep(500 * time.Millisecond)
	}
}

// zipkinServer is a real Zipkin (in-memory storage); Addr serves both its API and span intake.
func startZipkin(t testing.TB) (addr string) {
	addr = freeAddr(t)
	host, port, _ := strings.Cut(addr, ":")
	jar := tool(t, "zipkin-server-3.6.1-exec.jar")
	cmd := exec.Command("java", "-Xmx256m", "-jar", jar,
		"--armeria.ports[0].ip="+host, "--armeria.ports[0].port="+port, "--armeria.ports[0].protocols[0]=http")
	startProcess(t, "zipkin", cmd, httpOK("http://"+addr+"/health"))
	return addr
}

// jaegerServer is a real Jaeger v2 all-in-one with in-memory storage.
type jaegerServer struct{ OTLPGRPC, QueryHTTP string }

func startJaeger(t testing.TB) jaegerServer {
	j := jaegerServer{OTLPGRPC: freeAddr(t), QueryHTTP: freeAddr(t)}
	health := freeAddr(t)
	cmd := exec.Command(tool(t, "jaeger"), "--config", filepath.Join(mlflowtest.RepoRoot(t), "e2e", "testdata", "jaeger.yaml"))
	cmd.Env = append(os.Environ(),
		"JAEGER_OTLP_GRPC="+j.OTLPGRPC, "JAEGER_QUERY_HTTP="+j.QueryHTTP,
		"JAEGER_QUERY_GRPC="+freeAddr(t), "JAEGER_HEALTH="+health)
	startProcess(t, "jaeger", cmd, httpOK("http://"+health+"/status"))
	return j
}

// jaegerSpan is a span as Jaeger's query API returns it, with its tags as a map.
type jaegerSpan struct {
	Name string
	Tags map[string]any
}

// trace waits until Jaeger's query API returns the trace with n spans.
func (j jaegerServer) trace(t testing.TB, traceID string, n int) []jaegerSpan {
	t.Helper()
	var resp struct {
		Data []struct {
			Spans []struct {
				OperationName string `json:"operationName"`
				Tags          []struct {
					Key   string `json:"key"`
					Value any    `json:"value"`
				} `json:"tags"`
			} `json:"spans"`
		} `json:"data"`
	}
	eventually(t, "the trace in Jaeger's query API", time.Minute, func() bool {
		return getJSON("http://"+j.QueryHTTP+"/api/traces/"+traceID, &resp) &&
			len(resp.Data) == 1 && len(resp.Data[0].Spans) == n
	})
	var spans []jaegerSpan
	for _, s := range resp.Data[0].Spans {
		tags := map[string]any{}
		for _, tag := range s.Tags {
			tags[tag.Key] = tag.Value
		}
		spans = append(spans, jaegerSpan{Name: s.OperationName, Tags: tags})
	}
	return spans
}

// startDDIntake runs the Datadog intake stand-in (tools/ddintake) and returns its address.
func startDDIntake(t testing.TB) string {
	addrFile := filepath.Join(t.TempDir(), "addr")
	cmd := exec.Command(tool(t, "ddintake"), "-addr", "127.0.0.1:0", "-addr-file", addrFile)
	var addr string
	startProcess(t, "ddintake", cmd, func() bool {
		b, err := os.ReadFile(addrFile)
		addr = string(b)
		return err == nil && len(b) > 0
	})
	return addr
}

// ddSpan is what the intake stand-in reports per span.
type ddSpan struct {
	APIKey   string            `json:"api_key"`
	TraceID  string            `json:"trace_id"`
	Service  string            `json:"service"`
	Name     string            `json:"name"`
	Resource string            `json:"resource"`
	Type     string            `json:"type"`
	Meta     map[string]string `json:"meta"`
}

// datadogTraceID is Datadog's form of an OTel trace id: its lower 64 bits, in decimal.
func datadogTraceID(hexTraceID string) string {
	var lo uint64
	_, _ = fmt.Sscanf(hexTraceID[16:], "%x", &lo)
	return fmt.Sprint(lo)
}
