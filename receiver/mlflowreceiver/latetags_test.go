package mlflowreceiver

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// TestLateTagsToRealServer: the real MLflow client sets and deletes tags of a trace that ended,
// logged through a receiver -> mlflow exporter pipeline into a real MLflow server, which is the
// receiver's upstream too. The tags land in MLflow, also when the pipeline had not stored the
// trace yet when they were set.
func TestLateTagsToRealServer(t *testing.T) {
	python := filepath.Join(mlflowtest.RepoRoot(t), ".venv", "bin", "python")
	if _, err := os.Stat(python); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s missing: %v", python, err)
		}
		t.Skipf("%s missing; run `make venv` to test against the real MLflow client", python)
	}
	srv := mlflowtest.Start(t)
	pipeline := &heldTraces{next: startMLflowExporter(t, srv.URL)}
	core, logs := observer.New(zap.DebugLevel)
	tr := startReceiverWithLogger(t, zap.New(core), func(cfg *Config) {
		cfg.Upstream.GetOrInsertDefault().Endpoint = srv.URL
	}, pipeline)

	t.Run("trace stored", func(t *testing.T) {
		pipeline.release(t)
		app := startLateTagsApp(t, python, tr.url, "late-tags-stored", `{"review":"approved"}`, `["draft"]`)
		waitForTraceInfo(t, srv, app.traceID)
		app.goAhead(t)
		app.wait(t)

		tags := waitForTraceInfo(t, srv, app.traceID).Tags
		assert.Equal(t, "approved", tags["review"])
		assert.NotContains(t, tags, "draft")
	})

	t.Run("trace not stored yet", func(t *testing.T) {
		pipeline.hold()
		app := startLateTagsApp(t, python, tr.url, "late-tags-held", `{"reviewer":"bob"}`, `[]`)
		app.goAhead(t)
		// The pipeline holds the trace: the server refuses the tag until it gets the trace.
		require.Eventually(t, func() bool {
			return logs.FilterMessageSnippet("retrying").FilterField(zap.String("trace_id", app.traceID)).Len() > 0
		}, 60*time.Second, 20*time.Millisecond, "the tag call waits for the trace")
		pipeline.release(t)
		app.wait(t)

		tags := waitForTraceInfo(t, srv, app.traceID).Tags
		assert.Equal(t, "bob", tags["reviewer"])
		assert.Equal(t, "pending", tags["review"], "the trace's own tags stay")
	})

	for _, e := range logs.All() {
		assert.NotContains(t, e.Message+" "+strings.Join(fieldValues(e), " "), "bob", "tag values are not logged")
	}
}

// startMLflowExporter starts the mlflow exporter, with its default queue and retries, sending
// to the tracking server at url.
func startMLflowExporter(t *testing.T, url string) consumer.Traces {
	t.Helper()
	f := mlflowexporter.NewFactory()
	cfg := f.CreateDefaultConfig().(*mlflowexporter.Config)
	cfg.ClientConfig.Endpoint = url
	exp, err := f.CreateTraces(context.Background(), exportertest.NewNopSettings(component.MustNewType("mlflow")), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, exp.Shutdown(context.Background())) })
	return exp
}

// heldTraces stands for a pipeline that is slow to deliver (llmtrace's grace period, batching,
// the exporter's retries): while held, what the receiver sends on waits here.
type heldTraces struct {
	next consumer.Traces

	mu      sync.Mutex
	holding bool
	held    []ptrace.Traces
}

func (h *heldTraces) Capabilities() consumer.Capabilities { return h.next.Capabilities() }

func (h *heldTraces) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	h.mu.Lock()
	if h.holding {
		h.held = append(h.held, td)
		h.mu.Unlock()
		return nil
	}
	h.mu.Unlock()
	return h.next.ConsumeTraces(ctx, td)
}

func (h *heldTraces) hold() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.holding = true
}

// release sends on what was held and lets everything after it through.
func (h *heldTraces) release(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	held := h.held
	h.holding, h.held = false, nil
	h.mu.Unlock()
	for _, td := range held {
		require.NoError(t, h.next.ConsumeTraces(context.Background(), td))
	}
}

// lateTagsApp is testdata/late_tags_app.py, run pointed at the receiver.
type lateTagsApp struct {
	traceID string
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stdout  *bufio.Reader
	stderr  *strings.Builder
}

// startLateTagsApp runs the app until it logged its trace, and returns with the trace's id.
func startLateTagsApp(t *testing.T, python, receiverURL, experiment, setTags, deleteTags string) *lateTagsApp {
	t.Helper()
	cmd := exec.Command(python, filepath.Join("testdata", "late_tags_app.py"))
	cmd.Env = append(os.Environ(),
		"RECEIVER_URI="+receiverURL,
		"EXPERIMENT="+experiment,
		"SET_TAGS="+setTags,
		"DELETE_TAGS="+deleteTags,
		"MLFLOW_HTTP_REQUEST_MAX_RETRIES=0",
	)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	app := &lateTagsApp{cmd: cmd, stdin: stdin, stdout: bufio.NewReader(stdout), stderr: new(strings.Builder)}
	cmd.Stderr = app.stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := app.stdout.ReadString('\n')
	require.NoError(t, err, "stderr:\n%s", app.stderr)
	var out struct {
		TraceID string `json:"trace_id"`
	}
	require.NoError(t, json.Unmarshal([]byte(line), &out), line)
	require.NotEmpty(t, out.TraceID)
	app.traceID = out.TraceID
	return app
}

// goAhead lets the app set and delete its tags.
func (a *lateTagsApp) goAhead(t *testing.T) {
	t.Helper()
	_, err := io.WriteString(a.stdin, "go\n")
	require.NoError(t, err)
}

// wait waits for the app's tag calls: each must have been answered with success.
func (a *lateTagsApp) wait(t *testing.T) {
	t.Helper()
	rest, _ := io.ReadAll(a.stdout)
	require.NoError(t, a.cmd.Wait(), "stderr:\n%s", a.stderr)
	assert.Equal(t, "tagged\n", string(rest))
	assert.NotRegexp(t, `(?i)\b(warning|error)\b|Traceback`, a.stderr.String())
}

// waitForTraceInfo waits until the server stored the trace and the exporter's StartTraceV3
// finalized its info (tags and metadata), and returns that info.
func waitForTraceInfo(t *testing.T, srv *mlflowtest.Server, traceID string) mlflow.TraceInfo {
	t.Helper()
	var info mlflow.TraceInfo
	require.Eventually(t, func() bool {
		tr, err := srv.Client.GetTrace(t.Context(), traceID)
		if err != nil {
			return false
		}
		info = tr.Info
		return info.TraceMetadata["mlflow.trace.infoFinalized"] == "true"
	}, 90*time.Second, 100*time.Millisecond, "trace %s not finalized", traceID)
	return info
}

// fieldValues are a log entry's field values, as text.
func fieldValues(e observer.LoggedEntry) []string {
	var out []string
	for _, v := range e.ContextMap() {
		b, _ := json.Marshal(v)
		out = append(out, string(b))
	}
	return out
}

// tagUpstream is an upstream that answers every call with answer, and records the calls.
type tagUpstream struct {
	url string

	mu    sync.Mutex
	calls []tagCall
}

type tagCall struct {
	method, path, auth, body string
}

func startTagUpstream(t *testing.T, status int, answer string) *tagUpstream {
	t.Helper()
	u := &tagUpstream{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		u.mu.Lock()
		u.calls = append(u.calls, tagCall{method: req.Method, path: req.URL.Path, auth: req.Header.Get("Authorization"), body: string(b)})
		u.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	u.url = srv.URL
	return u
}

func (u *tagUpstream) recorded() []tagCall {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.calls)
}

const (
	tagPathV2  = "/api/2.0/mlflow/traces/" + sdkTraceID + "/tags"
	tagBody    = `{"key":"verdict","value":"s3cr3t-verdict"}`
	deleteBody = `{"key":"draft"}`
	clientAuth = "Basic Y2xpZW50OnB3"
)

// sendSDKTrace logs the recorded trace, so that its root span went on.
func sendSDKTrace(t *testing.T, tr *testReceiver) {
	t.Helper()
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, "1").status)
	require.Equal(t, http.StatusOK, tr.do(t, http.MethodPost, pathStartV3, "application/json", testdata(t, "sdk_start_trace_v3.json")).status)
	require.Equal(t, 3, tr.sink.SpanCount())
}

// TestLateTagReach: with upstream, a tag call goes to the trace's root while the receiver holds
// it, and to the upstream, with the client's credentials and body, once the root went on or for
// a trace the receiver does not track; never for an MLflow 2 trace, whose id the receiver issued.
func TestLateTagReach(t *testing.T) {
	up := startTagUpstream(t, http.StatusOK, `{}`)
	core, logs := observer.New(zap.WarnLevel)
	tr := startReceiverWithLogger(t, zap.New(core), func(cfg *Config) {
		cfg.Upstream.GetOrInsertDefault().Endpoint = up.url
	}, nil)

	// Root held: the tag rides on it.
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, "1").status)
	a := tr.do(t, http.MethodPatch, tagPathV2, "application/json", []byte(`{"key":"early","value":"yes"}`))
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	assert.Empty(t, up.recorded(), "not relayed while the root is held")
	require.Equal(t, http.StatusOK, tr.do(t, http.MethodPost, pathStartV3, "application/json", testdata(t, "sdk_start_trace_v3.json")).status)
	assert.Equal(t, "yes", attr(rootOf(t, tr).span, "mlflow.traceTag.early"))

	// Root gone: relayed, set and delete, v2 and v3 paths.
	a = tr.do(t, http.MethodPatch, tagPathV2, "application/json", []byte(tagBody), "Authorization", clientAuth)
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	a = tr.do(t, http.MethodDelete, "/api/3.0/mlflow/traces/"+sdkTraceID+"/tags", "application/json", []byte(deleteBody), "Authorization", clientAuth)
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	// Untracked: relayed too.
	const other = "tr-0123456789abcdef0123456789abcdef"
	a = tr.do(t, http.MethodPatch, "/api/2.0/mlflow/traces/"+other+"/tags", "application/json", []byte(tagBody))
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	assert.Equal(t, []tagCall{
		{method: http.MethodPatch, path: tagPathV2, auth: clientAuth, body: tagBody},
		{method: http.MethodDelete, path: "/api/3.0/mlflow/traces/" + sdkTraceID + "/tags", auth: clientAuth, body: deleteBody},
		{method: http.MethodPatch, path: "/api/2.0/mlflow/traces/" + other + "/tags", body: tagBody},
	}, up.recorded())
	assert.Equal(t, 3, tr.sink.SpanCount(), "nothing sent on again")
	assert.Zero(t, logs.Len(), "%v", logs.All())

	// An MLflow 2 trace: stored under another id than the one the receiver issued.
	a = tr.do(t, http.MethodPost, "/api/2.0/mlflow/traces", "application/json", []byte(`{"experiment_id":"1","timestamp_ms":1}`))
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	v2ID := a.json(t)["trace_info"].(map[string]any)["request_id"].(string)
	require.Equal(t, http.StatusOK, tr.do(t, http.MethodPut, "/api/2.0/mlflow-artifacts/artifacts/1/traces/"+v2ID+"/artifacts/traces.json", "text/plain", testdata(t, "sdk_traces.json")).status)
	require.Equal(t, http.StatusOK, tr.do(t, http.MethodPatch, "/api/2.0/mlflow/traces/"+v2ID, "application/json", []byte(`{"timestamp_ms":2,"status":"OK"}`)).status)
	a = tr.do(t, http.MethodPatch, "/api/2.0/mlflow/traces/"+v2ID+"/tags", "application/json", []byte(tagBody))
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	assert.Len(t, up.recorded(), 3, "not relayed")
	require.Equal(t, 1, logs.FilterMessageSnippet("not propagated").Len(), "%v", logs.All())
	assert.Equal(t, v2ID, logs.All()[0].ContextMap()["trace_id"])

	// Nor once the receiver forgot it: MLflow 2 ids are never the upstream's.
	const forgottenV2 = "0123456789abcdef0123456789abcdef"
	a = tr.do(t, http.MethodPatch, "/api/2.0/mlflow/traces/"+forgottenV2+"/tags", "application/json", []byte(tagBody))
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	assert.Len(t, up.recorded(), 3, "not relayed")
	assert.Equal(t, 2, logs.FilterMessageSnippet("not propagated").Len(), "%v", logs.All())
}

// TestLateTagUpstreamRefuses: a permanent refusal of the upstream reaches the client as it is,
// after one attempt.
func TestLateTagUpstreamRefuses(t *testing.T) {
	const refusal = `{"error_code": "PERMISSION_DENIED", "message": "Permission denied"}`
	up := startTagUpstream(t, http.StatusForbidden, refusal)
	tr := startReceiver(t, func(cfg *Config) { cfg.Upstream.GetOrInsertDefault().Endpoint = up.url }, nil)
	sendSDKTrace(t, tr)

	a := tr.do(t, http.MethodPatch, tagPathV2, "application/json", []byte(tagBody), "Authorization", clientAuth)
	assert.Equal(t, http.StatusForbidden, a.status)
	assert.Equal(t, refusal, string(a.body))
	assert.Len(t, up.recorded(), 1)
}

// TestLateTagTraceNeverStored: while the upstream lacks the trace, a tag call is retried with
// the same body until late_tag_wait has passed, then the upstream's refusal is answered and
// logged (trace and key, never the value); with late_tag_wait 0 it is relayed once.
func TestLateTagTraceNeverStored(t *testing.T) {
	for name, tc := range map[string]struct {
		method, body, answer string
		code                 int
	}{
		"set":    {method: http.MethodPatch, body: tagBody, code: http.StatusBadRequest, answer: `{"error_code": "BAD_REQUEST", "message": "FOREIGN KEY constraint failed"}`},
		"set404": {method: http.MethodPatch, body: tagBody, code: http.StatusNotFound, answer: `{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Trace not found."}`},
		// A tag the trace's root carried (sdk_start_trace_v3.json's "team").
		"delete": {method: http.MethodDelete, body: `{"key":"team"}`, code: http.StatusNotFound, answer: `{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "No trace tag with key 'team'"}`},
		// The exporter sends the trace name with the trace info, after the spans.
		"delete name": {method: http.MethodDelete, body: `{"key":"mlflow.traceName"}`, code: http.StatusNotFound, answer: `{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "No trace tag with key 'mlflow.traceName'"}`},
	} {
		t.Run(name, func(t *testing.T) {
			for _, wait := range []time.Duration{0, 600 * time.Millisecond} {
				up := startTagUpstream(t, tc.code, tc.answer)
				core, logs := observer.New(zap.WarnLevel)
				tr := startReceiverWithLogger(t, zap.New(core), func(cfg *Config) {
					cfg.Upstream.GetOrInsertDefault().Endpoint = up.url
					cfg.LateTagWait = wait
				}, nil)
				sendSDKTrace(t, tr)

				a := tr.do(t, tc.method, tagPathV2, "application/json", []byte(tc.body))
				assert.Equal(t, tc.code, a.status)
				assert.Equal(t, tc.answer, string(a.body), "the upstream's own answer")
				calls := up.recorded()
				if wait == 0 {
					assert.Len(t, calls, 1)
				} else {
					assert.Greater(t, len(calls), 1, "retried")
				}
				for _, c := range calls {
					assert.Equal(t, tc.body, c.body, "each attempt sends the whole body")
				}
				require.Equal(t, 1, logs.Len(), "%v", logs.All())
				fields := logs.All()[0].ContextMap()
				assert.Equal(t, sdkTraceID, fields["trace_id"])
				assert.NotContains(t, fmt.Sprint(fields), "s3cr3t", "tag values are not logged")
			}
		})
	}
}

// TestLateTagNeverCarried: deleting a tag the trace's root went on without is answered with
// the upstream's first 404: the pipeline will not bring that tag, so waiting for it is useless.
// Of a trace the receiver does not track, nothing is known: that is retried.
func TestLateTagNeverCarried(t *testing.T) {
	const noTag = `{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "No trace tag with key 'draft'"}`
	up := startTagUpstream(t, http.StatusNotFound, noTag)
	core, logs := observer.New(zap.WarnLevel)
	tr := startReceiverWithLogger(t, zap.New(core), func(cfg *Config) {
		cfg.Upstream.GetOrInsertDefault().Endpoint = up.url
		cfg.LateTagWait = 600 * time.Millisecond
	}, nil)
	sendSDKTrace(t, tr)

	a := tr.do(t, http.MethodDelete, tagPathV2, "application/json", []byte(deleteBody))
	assert.Equal(t, http.StatusNotFound, a.status)
	assert.Equal(t, noTag, string(a.body))
	assert.Len(t, up.recorded(), 1, "not retried")
	assert.Zero(t, logs.Len(), "%v", logs.All())

	const untracked = "/api/2.0/mlflow/traces/tr-0123456789abcdef0123456789abcdef/tags"
	a = tr.do(t, http.MethodDelete, untracked, "application/json", []byte(deleteBody))
	assert.Equal(t, http.StatusNotFound, a.status)
	assert.Greater(t, len(up.recorded()), 2, "retried")
}

// TestSetTraceTagKeyRefused: a tag key the tracking server refuses is refused as it refuses
// it, neither kept for the root (where the server would skip it silently) nor relayed.
func TestSetTraceTagKeyRefused(t *testing.T) {
	up := startTagUpstream(t, http.StatusOK, `{}`)
	tr := startReceiver(t, func(cfg *Config) { cfg.Upstream.GetOrInsertDefault().Endpoint = up.url }, nil)
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, "1").status) // the root is held

	for _, key := range []string{"bad!key", "a/../b", strings.Repeat("k", 251)} {
		body, err := json.Marshal(map[string]string{"key": key, "value": "v"})
		require.NoError(t, err)
		a := tr.do(t, http.MethodPatch, tagPathV2, "application/json", body)
		assert.Equal(t, http.StatusBadRequest, a.status, key)
		assert.Equal(t, "INVALID_PARAMETER_VALUE", a.json(t)["error_code"])
		assert.Equal(t, mlflow.TraceTagKeyProblem(key), a.json(t)["message"])
	}
	require.Equal(t, http.StatusOK, tr.do(t, http.MethodPost, pathStartV3, "application/json", testdata(t, "sdk_start_trace_v3.json")).status)
	for k := range rootOf(t, tr).span.Attributes().All() {
		assert.NotContains(t, k, "bad!key")
	}
	assert.Empty(t, up.recorded())
}

// TestLateTagBodyLimit: the receiver's body limit applies before anything is relayed.
func TestLateTagBodyLimit(t *testing.T) {
	up := startTagUpstream(t, http.StatusOK, `{}`)
	tr := startReceiver(t, func(cfg *Config) {
		cfg.Upstream.GetOrInsertDefault().Endpoint = up.url
		cfg.ServerConfig.MaxRequestBodySize = 64
	}, nil)
	a := tr.do(t, http.MethodPatch, tagPathV2, "application/json", []byte(`{"key":"k","value":"`+strings.Repeat("x", 64)+`"}`))
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.status)
	assert.Empty(t, up.recorded())
}

// TestLateTagShutdown: shutting down ends the wait of a tag call being retried, which gets the
// upstream's last answer, rather than holding the shutdown for late_tag_wait.
func TestLateTagShutdown(t *testing.T) {
	const missing = `{"error_code": "BAD_REQUEST", "message": "FOREIGN KEY constraint failed"}`
	up := startTagUpstream(t, http.StatusBadRequest, missing)
	tr := startReceiver(t, func(cfg *Config) {
		cfg.Upstream.GetOrInsertDefault().Endpoint = up.url
		cfg.LateTagWait = time.Hour
	}, nil)
	sendSDKTrace(t, tr)

	done := make(chan answer, 1)
	go func() { done <- tr.do(t, http.MethodPatch, tagPathV2, "application/json", []byte(tagBody)) }()
	require.Eventually(t, func() bool { return len(up.recorded()) > 0 }, 10*time.Second, 5*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, tr.Shutdown(ctx))
	a := <-done
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Equal(t, missing, string(a.body))
}
