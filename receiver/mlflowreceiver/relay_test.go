package mlflowreceiver

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// relayAppOutput is what testdata/relay_app.py prints.
type relayAppOutput struct {
	ExperimentID      string   `json:"experiment_id"`
	DirectTraceID     string   `json:"direct_trace_id"`
	GotTraceID        string   `json:"got_trace_id"`
	GotSpans          []string `json:"got_spans"`
	FoundTraceIDs     []string `json:"found_trace_ids"`
	FeedbackID        string   `json:"feedback_id"`
	ExpectationID     string   `json:"expectation_id"`
	AttachmentID      string   `json:"attachment_id"`
	AttachmentTraceID string   `json:"attachment_trace_id"`
}

// TestRelayToRealServer runs the real MLflow client against the receiver with a real MLflow
// (its basic-auth app) upstream: what the receiver does not serve is relayed, with the client's
// own credentials, and lands in the server.
func TestRelayToRealServer(t *testing.T) {
	python := filepath.Join(mlflowtest.RepoRoot(t), ".venv", "bin", "python")
	dir := t.TempDir()
	adminPassword := randomHex(t)
	ini := fmt.Sprintf("[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///%s\nadmin_username = admin\n"+
		"authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n", filepath.Join(dir, "basic_auth.db"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "basic_auth.ini"), []byte(ini), 0o600))
	srv := mlflowtest.StartWith(t, mlflowtest.Options{Dir: dir, AppName: "basic-auth", Env: []string{
		"MLFLOW_AUTH_CONFIG_PATH=" + filepath.Join(dir, "basic_auth.ini"),
		"MLFLOW_AUTH_ADMIN_PASSWORD=" + adminPassword,
		"MLFLOW_FLASK_SERVER_SECRET_KEY=" + randomHex(t),
	}})
	admin := "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:"+adminPassword))

	// The collector's own upstream credentials are for its experiment calls only.
	tr := startReceiver(t, func(cfg *Config) {
		up := cfg.Upstream.GetOrInsertDefault()
		up.Endpoint = srv.URL
		up.Headers = configopaque.MapList{{Name: "Authorization", Value: configopaque.String(admin)}}
	}, nil)

	t.Run("client credentials", func(t *testing.T) {
		const search = "/api/2.0/mlflow/experiments/search?max_results=5"
		a := tr.do(t, http.MethodGet, search, "", nil)
		assert.Equal(t, http.StatusUnauthorized, a.status, "relayed without the collector's credentials: %s", a.body)
		a = tr.do(t, http.MethodGet, search, "", nil, "Authorization", admin)
		require.Equal(t, http.StatusOK, a.status, string(a.body))
		assert.Contains(t, string(a.body), `"Default"`)
		// Experiment calls stay the receiver's, with the collector's credentials.
		assert.Equal(t, http.StatusOK, tr.do(t, http.MethodGet, mlflow.PathGetExperiment+"?experiment_id=0", "", nil).status)
		// Outside MLflow's API paths nothing is relayed.
		a = tr.do(t, http.MethodGet, "/static-files/index.html", "", nil)
		assert.Equal(t, http.StatusNotFound, a.status)
		assert.Equal(t, codeEndpointNotFound, a.json(t)["error_code"])
	})

	t.Run("sdk", func(t *testing.T) {
		if _, err := os.Stat(python); err != nil {
			t.Skipf("%s missing: %v", python, err)
		}
		cmd := exec.Command(python, filepath.Join("testdata", "relay_app.py"))
		cmd.Env = append(os.Environ(),
			"SERVER_URI="+srv.URL,
			"RECEIVER_URI="+tr.url,
			"EXPERIMENT=relay-it",
			"MLFLOW_TRACKING_USERNAME=admin",
			"MLFLOW_TRACKING_PASSWORD="+adminPassword,
			"MLFLOW_HTTP_REQUEST_MAX_RETRIES=0",
		)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Run(), "stderr:\n%s", stderr.String())
		assert.NotRegexp(t, `(?i)\b(warning|error)\b|Traceback`, stderr.String())
		var out relayAppOutput
		require.NoError(t, json.Unmarshal(stdout.Bytes(), &out), stdout.String())

		// get_trace and search_traces, relayed, answer what the server holds.
		assert.Equal(t, out.DirectTraceID, out.GotTraceID)
		assert.Equal(t, []string{"answer"}, out.GotSpans)
		assert.Contains(t, out.FoundTraceIDs, out.DirectTraceID)

		// The assessments are in the server, read back directly.
		a := serverGet(t, srv.URL+"/api/3.0/mlflow/traces/"+out.DirectTraceID, admin)
		require.Equal(t, http.StatusOK, a.status, string(a.body))
		var info struct {
			Trace struct {
				TraceInfo struct {
					Assessments []struct {
						ID          string         `json:"assessment_id"`
						Name        string         `json:"assessment_name"`
						Feedback    map[string]any `json:"feedback"`
						Expectation map[string]any `json:"expectation"`
						Source      map[string]any `json:"source"`
					} `json:"assessments"`
				} `json:"trace_info"`
			} `json:"trace"`
		}
		require.NoError(t, json.Unmarshal(a.body, &info))
		byName := map[string]int{}
		for i, as := range info.Trace.TraceInfo.Assessments {
			byName[as.Name] = i
		}
		require.Len(t, byName, 2, string(a.body))
		fb := info.Trace.TraceInfo.Assessments[byName["quality"]]
		assert.Equal(t, out.FeedbackID, fb.ID)
		assert.Equal(t, true, fb.Feedback["value"])
		assert.Equal(t, "alice", fb.Source["source_id"])
		ex := info.Trace.TraceInfo.Assessments[byName["expected_answer"]]
		assert.Equal(t, out.ExpectationID, ex.ID)
		assert.Equal(t, "42", ex.Expectation["value"])

		// The attachment of the trace logged through the receiver was relayed to the server's
		// artifact store, where MLflow looks for it once the pipeline exports the trace.
		a = serverGet(t, fmt.Sprintf("%s/api/2.0/mlflow-artifacts/artifacts/%s/traces/%s/artifacts/attachments/%s",
			srv.URL, out.ExperimentID, out.AttachmentTraceID, out.AttachmentID), admin)
		require.Equal(t, http.StatusOK, a.status, string(a.body))
		assert.Equal(t, "attached text", string(a.body))

		// Its spans and trace info are the receiver's: they went to the pipeline, not upstream.
		assert.Contains(t, names(spansByName(tr.sink.AllTraces())), "with_attachment")
		a = serverGet(t, srv.URL+"/api/3.0/mlflow/traces/"+out.AttachmentTraceID, admin)
		assert.Equal(t, http.StatusNotFound, a.status, string(a.body))
	})

	t.Run("feedback before the trace is exported", func(t *testing.T) {
		// A trace sent through the collector reaches MLflow only once the pipeline exports it
		// (here it never does): until then the server's own 404 is relayed.
		a := tr.do(t, http.MethodPost, "/api/3.0/mlflow/traces/tr-00000000000000000000000000000001/assessments", "application/json",
			[]byte(`{"assessment":{"trace_id":"tr-00000000000000000000000000000001","assessment_name":"quality","source":{"source_type":"HUMAN","source_id":"a"},"feedback":{"value":true}}}`),
			"Authorization", admin)
		assert.Equal(t, http.StatusNotFound, a.status, string(a.body))
		assert.Equal(t, mlflow.ErrorCodeNotFound, a.json(t)["error_code"])
	})
}

// TestRelayUpstreamDown: an upstream that does not answer gives the client 502 in MLflow's
// error shape, and the collector logs it without the client's credentials.
func TestRelayUpstreamDown(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	tr := startReceiverWithLogger(t, zap.New(core), func(cfg *Config) {
		cfg.Upstream.GetOrInsertDefault().Endpoint = "http://" + freeAddr(t) // nothing listens
	}, nil)

	a := tr.do(t, http.MethodPost, "/api/3.0/mlflow/traces/search", "application/json", []byte(`{"locations":[]}`),
		"Authorization", "Basic c2VjcmV0LXBhc3N3b3Jk")
	assert.Equal(t, http.StatusBadGateway, a.status)
	assert.Equal(t, codeUnavailable, a.json(t)["error_code"])
	assert.Contains(t, a.json(t)["message"], "upstream MLflow server did not answer")

	warned := logs.FilterMessageSnippet("relayed call").All()
	require.Len(t, warned, 1)
	assert.Equal(t, zap.WarnLevel, warned[0].Level)
	assert.Equal(t, "/api/3.0/mlflow/traces/search", warned[0].ContextMap()["path"])
	for _, e := range logs.All() {
		assert.NotContains(t, fmt.Sprint(e.Message, e.ContextMap()), "c2VjcmV0", "the client's credentials are not logged")
	}
}

// TestRelayBodyLimit: the receiver's body limit applies to relayed calls: 413, never relayed
// (the upstream here is down, so a relayed call would answer 502), logged as the receiver's.
func TestRelayBodyLimit(t *testing.T) {
	core, logs := observer.New(zap.WarnLevel)
	tr := startReceiverWithLogger(t, zap.New(core), func(cfg *Config) {
		cfg.ServerConfig.MaxRequestBodySize = 64
		cfg.Upstream.GetOrInsertDefault().Endpoint = "http://" + freeAddr(t)
	}, nil)
	a := tr.do(t, http.MethodPut, "/api/2.0/mlflow-artifacts/artifacts/1/traces/tr-1/artifacts/attachments/a", "application/octet-stream",
		bytes.Repeat([]byte("x"), 65))
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.status)
	assert.Equal(t, codeLimitExceeded, a.json(t)["error_code"])

	require.Equal(t, 1, logs.Len(), "the refusal is logged")
	assert.Contains(t, logs.All()[0].Message, "max_request_body_size")
	assert.EqualValues(t, 64, logs.All()[0].ContextMap()["max_request_body_size"])
}

// TestRelayUpstreamBodyTooLarge: a 413 the upstream answers (its own limit, or a proxy's in
// front of it; a real MLflow server has none) reaches the client as is and is logged as the
// upstream's refusal, not as the receiver's limit, which was not exceeded.
func TestRelayUpstreamBodyTooLarge(t *testing.T) {
	const path = "/api/2.0/mlflow-artifacts/artifacts/1/traces/tr-1/artifacts/attachments/a"
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		_, _ = io.WriteString(w, "<h1>413 Request Entity Too Large</h1>")
	}))
	t.Cleanup(upstream.Close)
	core, logs := observer.New(zap.WarnLevel)
	tr := startReceiverWithLogger(t, zap.New(core), func(cfg *Config) {
		cfg.Upstream.GetOrInsertDefault().Endpoint = upstream.URL
	}, nil)

	a := tr.do(t, http.MethodPut, path, "application/octet-stream", bytes.Repeat([]byte("x"), 100))
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.status)
	assert.Equal(t, "<h1>413 Request Entity Too Large</h1>", string(a.body), "the upstream's own answer")

	require.Equal(t, 1, logs.Len(), "logged once: %v", logs.All())
	e := logs.All()[0]
	assert.Contains(t, e.Message, "Upstream MLflow server refused")
	assert.NotContains(t, e.ContextMap(), "max_request_body_size", "not the receiver's limit")
	assert.Equal(t, http.MethodPut, e.ContextMap()["method"])
	assert.Equal(t, path, e.ContextMap()["path"])
	assert.EqualValues(t, 100, e.ContextMap()["content_length"])
}

// serverGet reads path from the tracking server directly, as authorization.
func serverGet(t *testing.T, url, authorization string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, http.NoBody)
	require.NoError(t, err)
	req.Header.Set("Authorization", authorization)
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, body: b}
}

func randomHex(t *testing.T) string {
	t.Helper()
	var b [16]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	return hex.EncodeToString(b[:])
}
