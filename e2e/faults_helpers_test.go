//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// Helpers of the fault and security tests: a bounded load sender, RSS readings, counting what
// landed in MLflow, and a fault-injecting reverse proxy in front of a real MLflow.

// postOTLP posts traces to an OTLP/HTTP receiver and returns the status code.
func postOTLP(ctx context.Context, hc *http.Client, url string, td ptrace.Traces, header http.Header) (int, error) {
	body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// loadTrace is a small agent trace: an agent span, an LLM call and a tool call.
func loadTrace(seq int) (ptrace.Traces, string, int) {
	td, id := newTrace("load", []testSpan{
		{name: "invoke_agent planner", attrs: map[string]any{"gen_ai.operation.name": "invoke_agent", "e2e.seq": int64(seq)}},
		{name: "chat gpt-4o", parent: 0, attrs: map[string]any{
			"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o",
			"gen_ai.usage.input_tokens": int64(10), "gen_ai.usage.output_tokens": int64(2),
			"gen_ai.input.messages": `[{"role":"user","parts":[{"type":"text","content":"question ` + strconv.Itoa(seq) + `"}]}]`,
		}},
		{name: "execute_tool search", parent: 0, attrs: map[string]any{"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search"}},
	})
	return td, id, 3
}

// loadResult is what a load run sent: the MLflow trace ids the collector acknowledged (200)
// with their span counts, and how many requests failed.
type loadResult struct {
	mu      sync.Mutex
	Sent    map[string]int // every trace sent, acknowledged or not
	Acked   map[string]int
	Refused int
}

// runLoad sends loadTrace traces to url at rate per second until stop is closed or max
// traces were sent, and returns once the sender has finished.
func runLoad(url string, rate, maxTraces int, stop <-chan struct{}) *loadResult {
	res := &loadResult{Sent: map[string]int{}, Acked: map[string]int{}}
	hc := &http.Client{Timeout: 10 * time.Second}
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	for i := 0; i < maxTraces; i++ {
		select {
		case <-stop:
			return res
		case <-tick.C:
		}
		td, id, n := loadTrace(i)
		code, err := postOTLP(context.Background(), hc, url, td, nil)
		res.mu.Lock()
		res.Sent[id] = n
		if err == nil && code == http.StatusOK {
			res.Acked[id] = n
		} else {
			res.Refused++
		}
		res.mu.Unlock()
	}
	return res
}

// rssKiB is a process's resident set size (VmRSS) in KiB, 0 if it cannot be read.
func rssKiB(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return kb
		}
	}
	return 0
}

// watchRSS samples pid's RSS every 500 ms until stop is closed and returns the peak (KiB).
func watchRSS(pid int, stop <-chan struct{}) <-chan int {
	out := make(chan int, 1)
	go func() {
		peak := 0
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, rssKiB(pid))
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// experimentID looks an experiment up by name, waiting until it exists.
func experimentID(t testing.TB, client *mlflow.Client, name string) string {
	t.Helper()
	var id string
	eventually(t, "experiment "+name, 2*time.Minute, func() bool {
		exp, err := client.GetExperimentByName(t.Context(), name)
		if err != nil {
			return false
		}
		id = exp.ID
		return true
	})
	return id
}

// waitForAll waits until every trace of want is listed in the experiment (SearchTraces) and
// holds exactly its number of spans (GetTrace). Then it lists the experiment once more, at
// rest, and checks that each trace is listed once and is one of sent (a superset of want:
// requests whose answer was lost may have landed too). (While traces are being written,
// SearchTraces' offset paging can show one twice; only the listing at rest counts.)
func waitForAll(t testing.TB, client *mlflow.Client, experimentID string, want, sent map[string]int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	list := func() []mlflow.TraceInfo {
		infos, err := client.SearchTraces(t.Context(), []string{experimentID}, "")
		require.NoError(t, err)
		return infos
	}
	for {
		listed := map[string]bool{}
		for _, info := range list() {
			listed[info.TraceID] = true
		}
		missing := 0
		for id := range want {
			if !listed[id] {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged traces not in MLflow after %s", missing, len(want), within)
		}
		time.Sleep(2 * time.Second)
	}
	defer func() {
		listed := map[string]bool{}
		for _, info := range list() {
			require.False(t, listed[info.TraceID], "trace %s listed twice", info.TraceID)
			listed[info.TraceID] = true
			_, ok := sent[info.TraceID]
			require.True(t, ok, "trace %s was never sent", info.TraceID)
		}
	}()
	// Every trace is listed; now each must hold its spans, exactly.
	ids := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var problems []string
	for range 4 {
		wg.Go(func() {
			for id := range ids {
				n := 0
				for {
					tr, err := client.GetTrace(context.Background(), id)
					if err == nil {
						n = len(tr.Spans)
					}
					if n >= want[id] || time.Now().After(deadline) {
						break
					}
					time.Sleep(time.Second)
				}
				if n != want[id] {
					mu.Lock()
					problems = append(problems, fmt.Sprintf("%s: %d spans, want %d", id, n, want[id]))
					mu.Unlock()
				}
			}
		})
	}
	for id := range want {
		ids <- id
	}
	close(ids)
	wg.Wait()
	require.Empty(t, problems)
}

// faultProxy is a reverse proxy in front of a real MLflow that lets a test answer or delay
// requests to /v1/traces and records when each arrived.
type faultProxy struct {
	*httptest.Server
	// inject decides the fate of the n-th (from 0) /v1/traces request, given its decoded
	// body; it returns 0 to forward it.
	inject func(n int, body []byte) (status int, header http.Header, answer string, delay time.Duration)

	mu    sync.Mutex
	times []time.Time // arrival of each /v1/traces request
	count atomic.Int64
}

func startFaultProxy(t testing.TB, target string) *faultProxy {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	p := &faultProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != mlflow.PathOTLPTraces || p.inject == nil {
			rp.ServeHTTP(w, r)
			return
		}
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		p.mu.Lock()
		p.times = append(p.times, time.Now())
		n := len(p.times) - 1
		p.mu.Unlock()
		status, header, answer, delay := p.inject(n, decompress(r.Header.Get("Content-Encoding"), raw))
		if delay > 0 {
			time.Sleep(delay)
		}
		if status != 0 {
			for k, v := range header {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, answer)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		r.ContentLength = int64(len(raw))
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

// arrivals returns when each /v1/traces request arrived.
func (p *faultProxy) arrivals() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Time(nil), p.times...)
}

func decompress(encoding string, b []byte) []byte {
	if encoding != "gzip" {
		return b
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return b
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return b
	}
	return out
}

// startMLflowDir starts MLflow on addr with its store in dir, so that a server started again
// on the same addr and dir finds what the previous one stored.
func startMLflowDir(t testing.TB, addr, dir string) *mlflowtest.Server {
	t.Helper()
	return mlflowtest.StartWith(t, mlflowtest.Options{Addr: addr, Dir: dir})
}

// isListening reports whether something accepts connections on addr.
func isListening(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
