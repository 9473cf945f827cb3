//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// rssLimitKiB bounds the collector's resident memory under the fault tests' load. Generous: it
// catches a queue or buffer that grows without bound, not a regression of a few MiB.
const rssLimitKiB = 1 << 20 // 1 GiB

// TestMLflowOutageUnderLoad: MLflow is stopped for ~40 s while traces keep coming at 20/s, then
// started again on the same address and store. The exporter's queue holds the outage: every
// acknowledged trace lands exactly once, with all its spans, and the collector's memory stays
// bounded.
func TestMLflowOutageUnderLoad(t *testing.T) {
	addr, dataDir := freeAddr(t), t.TempDir()
	srv := startMLflowDir(t, addr, dataDir)
	experiment := fmt.Sprintf("e2e-outage-%d", time.Now().UnixNano())
	col := startCollector(t, map[string]string{
		"MLFLOW_TRACKING_URI":    srv.URL,
		"MLFLOW_EXPERIMENT_NAME": experiment,
	}, "e2e/testdata/faults-queue.yaml")

	stop := make(chan struct{})
	loaded := make(chan *loadResult, 1)
	go func() { loaded <- runLoad("http://"+col.OTLPHTTP+"/v1/traces", 20, 20*120, stop) }()
	rssStop := make(chan struct{})
	peak := watchRSS(col.cmd.Process.Pid, rssStop)

	time.Sleep(8 * time.Second)
	srv.Stop()
	require.False(t, isListening(addr), "MLflow still listening after Stop")
	outage := time.Now()
	time.Sleep(35 * time.Second)
	srv = startMLflowDir(t, addr, dataDir)
	t.Logf("MLflow down for %s", time.Since(outage).Round(time.Second))
	time.Sleep(5 * time.Second)
	close(stop)
	res := <-loaded
	t.Logf("sent %d traces, %d acknowledged, %d refused", len(res.Sent), len(res.Acked), res.Refused)
	require.Greater(t, len(res.Acked), 20*40, "the load did not run")
	assert.Zero(t, res.Refused, "the collector refused requests during the outage")

	waitForAll(t, srv.Client, experimentID(t, srv.Client, experiment), res.Acked, res.Sent, 3*time.Minute)
	close(rssStop)
	rss := <-peak
	t.Logf("collector peak RSS %d MiB", rss>>10)
	assert.Less(t, rss, rssLimitKiB, "collector RSS")
	assert.Contains(t, col.Logs.String(), "retry", "the outage shows in the log")
}

// TestKilledWithPersistentQueue: with a file_storage sending queue, the collector is killed
// with SIGKILL mid-load while MLflow is down, so acknowledged spans sit in the queue on disk.
// A new collector on the same storage, with MLflow up, delivers every acknowledged span.
func TestKilledWithPersistentQueue(t *testing.T) {
	addr, queueDir := freeAddr(t), t.TempDir()
	experiment := fmt.Sprintf("e2e-sigkill-%d", time.Now().UnixNano())
	env := map[string]string{
		"MLFLOW_TRACKING_URI":    "http://" + addr,
		"MLFLOW_EXPERIMENT_NAME": experiment,
		"E2E_QUEUE_DIR":          queueDir,
	}
	col := startCollector(t, env, "e2e/testdata/faults-persistent.yaml")
	stop := make(chan struct{})
	loaded := make(chan *loadResult, 1)
	go func() { loaded <- runLoad("http://"+col.OTLPHTTP+"/v1/traces", 25, 25*60, stop) }()
	time.Sleep(6 * time.Second)
	require.NoError(t, col.cmd.Process.Kill()) // SIGKILL, mid-load
	<-col.done
	time.Sleep(500 * time.Millisecond)
	close(stop)
	res := <-loaded
	t.Logf("sent %d traces, %d acknowledged before the kill", len(res.Sent), len(res.Acked))
	require.Greater(t, len(res.Acked), 50, "the load did not run")

	srv := startMLflowDir(t, addr, t.TempDir())
	col = startCollector(t, env, "e2e/testdata/faults-persistent.yaml")
	waitForAll(t, srv.Client, experimentID(t, srv.Client, experiment), res.Acked, res.Sent, 3*time.Minute)
}

// TestRetryAfterAndSlowMLflow: MLflow answers 429 and then 503 with Retry-After, and then
// takes seconds per request. The exporter waits at least as long as asked before each retry,
// and every trace lands once.
func TestRetryAfterAndSlowMLflow(t *testing.T) {
	srv := mlflowtest.Start(t)
	proxy := startFaultProxy(t, srv.URL)
	proxy.inject = func(n int, _ []byte) (int, http.Header, string, time.Duration) {
		switch n {
		case 0:
			return http.StatusTooManyRequests, http.Header{"Retry-After": {"3"}},
				`{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow down"}`, 0
		case 1:
			return http.StatusServiceUnavailable, http.Header{"Retry-After": {"2"}},
				`{"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"}`, 0
		default:
			return 0, nil, "", 2 * time.Second // slow, then forwarded
		}
	}
	experiment := fmt.Sprintf("e2e-retry-after-%d", time.Now().UnixNano())
	col := startCollector(t, map[string]string{
		"MLFLOW_TRACKING_URI":    proxy.URL,
		"MLFLOW_EXPERIMENT_NAME": experiment,
	}, "e2e/testdata/faults-retry.yaml")

	td, id, n := loadTrace(0)
	col.sendOTLP(t, td)
	expID := experimentID(t, srv.Client, experiment)
	srv.WaitForSpans(t, id, n)

	at := proxy.arrivals()
	require.GreaterOrEqual(t, len(at), 3)
	// Retry-After is a lower bound; 50 ms covers clock granularity, nothing else.
	assert.GreaterOrEqual(t, at[1].Sub(at[0]), 3*time.Second-50*time.Millisecond, "retry after 429 came too soon")
	assert.GreaterOrEqual(t, at[2].Sub(at[1]), 2*time.Second-50*time.Millisecond, "retry after 503 came too soon")
	t.Logf("gaps: %s after 429 (asked 3s), %s after 503 (asked 2s)", at[1].Sub(at[0]), at[2].Sub(at[1]))

	// More traces, each answered slowly: all land, none twice.
	want := map[string]int{id: n}
	for i := 1; i <= 10; i++ {
		td, id, n := loadTrace(i)
		col.sendOTLP(t, td)
		want[id] = n
	}
	waitForAll(t, srv.Client, expID, want, want, 2*time.Minute)
}

// TestMalformedBatchDropped: MLflow refuses one batch with 400 (its own error body). That
// batch is dropped, the collector logs MLflow's message, and the traces before and after flow.
func TestMalformedBatchDropped(t *testing.T) {
	srv := mlflowtest.Start(t)
	proxy := startFaultProxy(t, srv.URL)
	const marker = "e2e-poison-span"
	const message = "Invalid span payload: e2e refused this batch"
	proxy.inject = func(_ int, body []byte) (int, http.Header, string, time.Duration) {
		if bytes.Contains(body, []byte(marker)) {
			return http.StatusBadRequest, nil, `{"error_code":"INVALID_PARAMETER_VALUE","message":"` + message + `"}`, 0
		}
		return 0, nil, "", 0
	}
	experiment := fmt.Sprintf("e2e-bad-batch-%d", time.Now().UnixNano())
	col := startCollector(t, map[string]string{
		"MLFLOW_TRACKING_URI":    proxy.URL,
		"MLFLOW_EXPERIMENT_NAME": experiment,
	})

	before, beforeID, n := loadTrace(0)
	col.sendOTLP(t, before)
	srv.WaitForSpans(t, beforeID, n)

	poison, poisonID := newTrace("load", []testSpan{{name: marker, attrs: map[string]any{"gen_ai.operation.name": "chat"}}})
	col.sendOTLP(t, poison)
	col.waitForLog(t, message, time.Minute)

	after, afterID, n := loadTrace(1)
	col.sendOTLP(t, after)
	srv.WaitForSpans(t, afterID, n)

	expID := experimentID(t, srv.Client, experiment)
	waitForAll(t, srv.Client, expID, map[string]int{beforeID: n, afterID: n}, map[string]int{beforeID: n, afterID: n}, time.Minute)
	_, err := srv.Client.GetTrace(t.Context(), poisonID)
	assert.Error(t, err, "the refused trace must not be stored")
	logs := col.Logs.String()
	assert.Contains(t, logs, "400")
	assert.Regexp(t, `(?i)permanent|dropp`, logs, "the refusal is logged as permanent")
	assert.NotContains(t, logs, "panic")
}
