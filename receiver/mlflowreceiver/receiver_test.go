package mlflowreceiver

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver/internal/metadata"
)

// The recorded trace (testdata/sdk_*.json) and its ids.
const (
	sdkTraceID   = "tr-bd7a62261231fba3f79b7d80be669aa9"
	sdkArtifacts = "/api/2.0/mlflow-artifacts/artifacts/1/traces/" + sdkTraceID + "/artifacts/traces.json"
	pathStartV3  = "/api/3.0/mlflow/traces"
)

type testReceiver struct {
	*mlflowReceiver
	url  string
	sink *consumertest.TracesSink
}

// startReceiver starts a receiver through the factory on a free port, with a sink behind it
// (or next, when given); configure adjusts the default config.
func startReceiver(t *testing.T, configure func(*Config), next consumer.Traces) *testReceiver {
	t.Helper()
	return startReceiverWithLogger(t, zap.NewNop(), configure, next)
}

// startReceiverWithLogger is startReceiver with the receiver logging to logger.
func startReceiverWithLogger(t *testing.T, logger *zap.Logger, configure func(*Config), next consumer.Traces) *testReceiver {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = freeAddr(t)
	if configure != nil {
		configure(cfg)
	}
	sink := new(consumertest.TracesSink)
	if next == nil {
		next = sink
	}
	set := receivertest.NewNopSettings(metadata.Type)
	set.Logger = logger
	rcv, err := NewFactory().CreateTraces(context.Background(), set, cfg, next)
	require.NoError(t, err)
	r := rcv.(*mlflowReceiver)
	r.pending.rootWait = 0 // tests that need the wait set it
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, r.Shutdown(context.Background())) })
	return &testReceiver{mlflowReceiver: r, url: "http://" + cfg.ServerConfig.NetAddr.Endpoint, sink: sink}
}

type answer struct {
	status int
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(a.body, &m), string(a.body))
	return m
}

func (tr *testReceiver) do(t *testing.T, method, path, contentType string, body []byte, header ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, tr.url+path, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, body: b}
}

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// createExperiment registers name and returns its id.
func (tr *testReceiver) createExperiment(t *testing.T, name string) string {
	t.Helper()
	a := tr.do(t, http.MethodPost, mlflow.PathCreateExperiment, "application/json", []byte(`{"name":"`+name+`"}`))
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	return a.json(t)["experiment_id"].(string)
}

// postSDKSpans sends the recorded OTLP request as the SDK does (it is stored as OTLP/JSON).
func (tr *testReceiver) postSDKSpans(t *testing.T, expID string) answer {
	t.Helper()
	req := ptraceotlp.NewExportRequestFromTraces(readOTLPJSON(t, "sdk_otlp.json"))
	pb, err := req.MarshalProto()
	require.NoError(t, err)
	return tr.do(t, http.MethodPost, "/v1/traces", "application/x-protobuf", pb, mlflow.HeaderExperimentID, expID)
}

func rootOf(t *testing.T, tr *testReceiver) spanWithResource {
	t.Helper()
	spans := spansByName(tr.sink.AllTraces())
	require.Len(t, spans, 3, "each span once: %v", names(spans))
	return spans["agent"]
}

func assertDecorated(t *testing.T, root spanWithResource) {
	t.Helper()
	assert.Equal(t, "search", attr(root.span, "mlflow.traceTag.team"))
	assert.Equal(t, "test", attr(root.span, "mlflow.traceTag.env"))
	assert.Equal(t, "sess-1", attr(root.span, "session.id"))
	assert.Equal(t, "alice", attr(root.span, "user.id"))
	assert.Equal(t, "1.2", attr(root.span, "mlflow.traceMetadata.app.version"))
}

func TestSpansThenStartTrace(t *testing.T) {
	tr := startReceiver(t, nil, nil)
	expID := tr.createExperiment(t, "exp")

	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, expID).status)
	assert.Equal(t, 2, tr.sink.SpanCount(), "the root waits for its trace info")

	a := tr.do(t, http.MethodPost, pathStartV3, "application/json", testdata(t, "sdk_start_trace_v3.json"))
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	info := a.json(t)["trace"].(map[string]any)["trace_info"].(map[string]any)
	assert.Equal(t, sdkTraceID, info["trace_id"])
	assert.Equal(t, "OK", info["state"], "echoed")
	tags := info["tags"].(map[string]any)
	assert.Equal(t, "TRACKING_STORE", tags[mlflow.TagSpansLocation])
	assert.Equal(t, "mlflow-artifacts:/1/traces/"+sdkTraceID+"/artifacts", tags[mlflow.TagArtifactLocation])
	assert.Equal(t, "search", tags["team"])

	root := rootOf(t, tr)
	assertDecorated(t, root)
	v, _ := root.resource.Get(mlflow.AttrExperimentName)
	assert.Equal(t, "exp", v.Str())

	// A retried OTLP request adds nothing.
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, expID).status)
	assert.Equal(t, 3, tr.sink.SpanCount())
}

// TestStartTraceWaitsForSpans: the Python SDK's StartTraceV3 waits for the root span over OTLP,
// recognised by its User-Agent or, where that was overwritten, its X-MLflow-Client-Version.
func TestStartTraceWaitsForSpans(t *testing.T) {
	for name, headers := range map[string][]string{
		"python client":          pythonClient,
		"user agent overwritten": {"User-Agent", "other", "X-MLflow-Client-Version", "3.17.2"},
	} {
		t.Run(name, func(t *testing.T) {
			tr := startReceiver(t, nil, nil)
			tr.pending.rootWait = time.Hour // ended by the root's arrival, not by time
			expID := tr.createExperiment(t, "exp")

			done := make(chan answer)
			go func() {
				done <- tr.do(t, http.MethodPost, pathStartV3, "application/json", testdata(t, "sdk_start_trace_v3.json"), headers...)
			}()
			// Post the spans once StartTraceV3 is registered, so it is the one waiting.
			require.Eventually(t, func() bool { return tr.pending.info(sdkTraceID).experimentID != "" }, 10*time.Second, 5*time.Millisecond)
			require.Equal(t, http.StatusOK, tr.postSDKSpans(t, expID).status)

			a := <-done
			require.Equal(t, http.StatusOK, a.status)
			tags := a.json(t)["trace"].(map[string]any)["trace_info"].(map[string]any)["tags"].(map[string]any)
			assert.Equal(t, "TRACKING_STORE", tags[mlflow.TagSpansLocation])
			assertDecorated(t, rootOf(t, tr))
		})
	}
}

func TestStartTraceThenTraceData(t *testing.T) {
	tr := startReceiver(t, nil, nil)
	tr.createExperiment(t, "exp") // the recording's experiment id is 1, issued by MLflow
	tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})

	a := tr.do(t, http.MethodPost, pathStartV3, "application/json", testdata(t, "sdk_start_trace_v3.json"))
	require.Equal(t, http.StatusOK, a.status)
	tags := a.json(t)["trace"].(map[string]any)["trace_info"].(map[string]any)["tags"].(map[string]any)
	assert.NotContains(t, tags, mlflow.TagSpansLocation, "no spans yet: the client must upload them")

	a = tr.do(t, http.MethodPut, sdkArtifacts, "text/plain", testdata(t, "sdk_traces.json"))
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	root := rootOf(t, tr)
	assertDecorated(t, root)
	v, _ := root.resource.Get(mlflow.AttrExperimentName)
	assert.Equal(t, "exp", v.Str())

	// The same spans arriving late over OTLP are duplicates.
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, "1").status)
	assert.Equal(t, 3, tr.sink.SpanCount())
}

func TestTraceDataAfterSomeSpans(t *testing.T) {
	tr := startReceiver(t, nil, nil)
	tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, "1").status)
	require.Equal(t, http.StatusOK, tr.do(t, http.MethodPost, pathStartV3, "application/json", testdata(t, "sdk_start_trace_v3.json")).status)
	require.Equal(t, http.StatusOK, tr.do(t, http.MethodPut, sdkArtifacts, "text/plain", testdata(t, "sdk_traces.json")).status)
	assertDecorated(t, rootOf(t, tr))
}

func TestRootReleasedWithoutInfo(t *testing.T) {
	tr := startReceiver(t, nil, nil)
	tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, "1").status)
	require.Equal(t, 2, tr.sink.SpanCount())

	tr.pending.sweep(time.Now().Add(time.Hour))
	tr.sendReleased()
	root := rootOf(t, tr)
	_, ok := root.span.Attributes().Get("mlflow.traceTag.team")
	assert.False(t, ok)
}

func TestRootReleasedWithItsClient(t *testing.T) {
	tr := startReceiver(t, func(c *Config) { c.ServerConfig.IncludeMetadata = true }, nil)
	tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})
	req := ptraceotlp.NewExportRequestFromTraces(readOTLPJSON(t, "sdk_otlp.json"))
	pb, err := req.MarshalProto()
	require.NoError(t, err)
	a := tr.do(t, http.MethodPost, "/v1/traces", "application/x-protobuf", pb, mlflow.HeaderExperimentID, "1", "X-Tenant", "a")
	require.Equal(t, http.StatusOK, a.status)

	tr.pending.sweep(time.Now().Add(time.Hour)) // as a trace_timeout, or an eviction in another client's request
	tr.sendReleased()
	require.Len(t, tr.sink.Contexts(), 2)
	assert.Equal(t, []string{"a"}, client.FromContext(tr.sink.Contexts()[1]).Metadata.Get("X-Tenant"),
		"the released root goes with the metadata of the request that brought it")
}

func TestTagsBeforeStartTrace(t *testing.T) {
	tr := startReceiver(t, nil, nil)
	tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, "1").status)
	a := tr.do(t, http.MethodPatch, "/api/2.0/mlflow/traces/"+sdkTraceID+"/tags", "application/json", []byte(`{"key":"late","value":"yes"}`))
	require.Equal(t, http.StatusOK, a.status)
	a = tr.do(t, http.MethodDelete, "/api/2.0/mlflow/traces/"+sdkTraceID+"/tags?key=late", "", nil)
	require.Equal(t, http.StatusOK, a.status)
	a = tr.do(t, http.MethodPatch, "/api/3.0/mlflow/traces/"+sdkTraceID+"/tags", "application/json", []byte(`{"key":"kept","value":"yes"}`))
	require.Equal(t, http.StatusOK, a.status)
	require.Equal(t, http.StatusOK, tr.do(t, http.MethodPost, pathStartV3, "application/json", testdata(t, "sdk_start_trace_v3.json")).status)

	root := rootOf(t, tr)
	assert.Equal(t, "yes", attr(root.span, "mlflow.traceTag.kept"))
	_, ok := root.span.Attributes().Get("mlflow.traceTag.late")
	assert.False(t, ok)
}

// TestTagAfterTraceForgottenIsLogged: a tag set on a trace that was sent on and forgotten
// (trace_timeout) cannot reach it; the receiver cannot tell it from a tag for a trace still to
// come, so it says so when the tag is forgotten in turn. A complete trace logs nothing.
func TestTagAfterTraceForgottenIsLogged(t *testing.T) {
	core, logs := observer.New(zap.WarnLevel)
	tr := startReceiverWithLogger(t, zap.New(core), nil, nil)
	tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, "1").status)
	require.Equal(t, http.StatusOK, tr.do(t, http.MethodPost, pathStartV3, "application/json", testdata(t, "sdk_start_trace_v3.json")).status)
	tr.pending.sweep(time.Now().Add(time.Hour))
	tr.sendReleased()
	require.Zero(t, logs.Len(), "a complete trace is forgotten quietly")

	a := tr.do(t, http.MethodPatch, "/api/2.0/mlflow/traces/"+sdkTraceID+"/tags", "application/json", []byte(`{"key":"late","value":"yes"}`))
	require.Equal(t, http.StatusOK, a.status)
	tr.pending.sweep(time.Now().Add(2 * time.Hour))
	tr.sendReleased()

	require.Equal(t, 1, logs.Len(), "the tag's loss is logged")
	fields := logs.All()[0].ContextMap()
	assert.Equal(t, sdkTraceID, fields["trace_id"])
	assert.Equal(t, []any{"late"}, fields["tags"])
	assert.Equal(t, 3, tr.sink.SpanCount(), "nothing sent twice")
}

// TestV2Trace: an MLflow 2 client calls StartTrace when the root span starts, and uploads
// traces.json before EndTrace (MlflowSpanExporter._log_trace); the root waits for EndTrace's
// tags and metadata either way.
func TestV2Trace(t *testing.T) {
	for _, uploadFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("upload before EndTrace %v", uploadFirst), func(t *testing.T) {
			tr := startReceiver(t, nil, nil)
			tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})

			a := tr.do(t, http.MethodPost, "/api/2.0/mlflow/traces", "application/json",
				[]byte(`{"experiment_id":"1","timestamp_ms":1,"request_metadata":[{"key":"mlflow.trace.user","value":"bob"}],"tags":[{"key":"team","value":"v2"}]}`))
			require.Equal(t, http.StatusOK, a.status, string(a.body))
			info := a.json(t)["trace_info"].(map[string]any)
			id := info["request_id"].(string)
			assert.Len(t, id, 32)
			assert.Equal(t, "IN_PROGRESS", info["status"])

			upload := func() {
				a := tr.do(t, http.MethodPut, "/api/2.0/mlflow-artifacts/artifacts/1/traces/"+id+"/artifacts/traces.json", "text/plain", testdata(t, "sdk_traces.json"))
				require.Equal(t, http.StatusOK, a.status, string(a.body))
			}
			if uploadFirst {
				upload()
				assert.Equal(t, 2, tr.sink.SpanCount(), "the root waits for EndTrace")
			}
			a = tr.do(t, http.MethodPatch, "/api/2.0/mlflow/traces/"+id, "application/json",
				[]byte(`{"timestamp_ms":2,"status":"OK","request_metadata":[{"key":"mlflow.trace.session","value":"s2"}],"tags":[{"key":"env","value":"prod"}]}`))
			require.Equal(t, http.StatusOK, a.status, string(a.body))
			assert.Equal(t, "OK", a.json(t)["trace_info"].(map[string]any)["status"])
			if !uploadFirst {
				upload()
			}

			root := rootOf(t, tr)
			assert.Equal(t, "v2", attr(root.span, "mlflow.traceTag.team"))
			assert.Equal(t, "prod", attr(root.span, "mlflow.traceTag.env"))
			assert.Equal(t, "bob", attr(root.span, "user.id"))
			assert.Equal(t, "s2", attr(root.span, "session.id"))
			v, _ := root.resource.Get(mlflow.AttrExperimentName)
			assert.Equal(t, "exp", v.Str())
		})
	}
}

func TestServiceEndpoints(t *testing.T) {
	tr := startReceiver(t, nil, nil)
	a := tr.do(t, http.MethodGet, "/version", "", nil)
	assert.Equal(t, http.StatusOK, a.status)
	assert.Equal(t, serverVersion, string(a.body))
	assert.Equal(t, "OK", string(tr.do(t, http.MethodGet, "/health", "", nil).body))
	assert.Equal(t, http.StatusOK, tr.do(t, http.MethodPost, "/api/2.0/mlflow/traces/link-prompts", "application/json", []byte(`{}`)).status)
}

func TestLocalExperiments(t *testing.T) {
	file := filepath.Join(t.TempDir(), "experiments.json")
	tr := startReceiver(t, func(cfg *Config) { cfg.RegistryFile = file }, nil)

	a := tr.do(t, http.MethodGet, mlflow.PathGetExperimentByName+"?experiment_name=x", "", nil)
	assert.Equal(t, http.StatusNotFound, a.status)
	assert.Equal(t, mlflow.ErrorCodeNotFound, a.json(t)["error_code"])

	id := tr.createExperiment(t, "x")
	a = tr.do(t, http.MethodPost, mlflow.PathCreateExperiment, "application/json", []byte(`{"name":"x"}`))
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Equal(t, mlflow.ErrorCodeAlreadyExists, a.json(t)["error_code"])

	for _, path := range []string{mlflow.PathGetExperimentByName + "?experiment_name=x", mlflow.PathGetExperiment + "?experiment_id=" + id} {
		a = tr.do(t, http.MethodGet, path, "", nil)
		require.Equal(t, http.StatusOK, a.status)
		e := a.json(t)["experiment"].(map[string]any)
		assert.Equal(t, id, e["experiment_id"])
		assert.Equal(t, "x", e["name"])
		assert.Equal(t, "active", e["lifecycle_stage"])
	}
	e := tr.do(t, http.MethodGet, mlflow.PathGetExperiment+"?experiment_id=0", "", nil).json(t)["experiment"].(map[string]any)
	assert.Equal(t, "Default", e["name"])

	// A name the tracking server would refuse, refused as it words it: the exporter could
	// never create that experiment. 500 characters (not bytes) are taken.
	a = tr.do(t, http.MethodPost, mlflow.PathCreateExperiment, "application/json", []byte(`{"name":"`+strings.Repeat("n", 501)+`"}`))
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Equal(t, "INVALID_PARAMETER_VALUE", a.json(t)["error_code"])
	assert.Equal(t, "'name' exceeds the maximum length of 500 characters", a.json(t)["message"])
	tr.createExperiment(t, strings.Repeat("é", 500))

	// A registry restarted from its file knows the ids it issued.
	reg, err := loadRegistry(file)
	require.NoError(t, err)
	got, ok := reg.byExperimentID(id)
	require.True(t, ok)
	assert.Equal(t, "x", got.Name)
	// Without the file, the same name still gets the same id, never another name's.
	assert.Equal(t, id, idFor("x"))
}

func TestRegistryFileCreatedEmpty(t *testing.T) {
	file := filepath.Join(t.TempDir(), "experiments.json")
	require.NoError(t, os.WriteFile(file, []byte("\n"), 0o600))
	reg, err := loadRegistry(file)
	require.NoError(t, err, "an empty file, as a volume mount may create it, is an empty registry")
	_, ok := reg.byExperimentID(mlflow.DefaultExperimentID)
	assert.True(t, ok)

	require.NoError(t, os.WriteFile(file, []byte("{"), 0o600))
	_, err = loadRegistry(file)
	assert.ErrorContains(t, err, "registry_file", "a damaged file still fails the start")
}

func TestUpstreamExperiments(t *testing.T) {
	var got *http.Request
	var gotBody []byte
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		gotBody, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"nope"}`))
	}))
	t.Cleanup(upstream.Close)
	tr := startReceiver(t, func(cfg *Config) { cfg.Upstream.GetOrInsertDefault().Endpoint = upstream.URL + "/" }, nil)

	a := tr.do(t, http.MethodGet, mlflow.PathGetExperimentByName+"?experiment_name=a%20b", "", nil, "Authorization", "Basic secret")
	assert.Equal(t, http.StatusNotFound, a.status)
	assert.JSONEq(t, `{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"nope"}`, string(a.body))
	assert.Equal(t, mlflow.PathGetExperimentByName, got.URL.Path)
	assert.Equal(t, "a b", got.URL.Query().Get("experiment_name"))
	assert.Empty(t, got.Header.Get("Authorization"), "the client's credentials are the collector's")

	tr.do(t, http.MethodPost, mlflow.PathCreateExperiment, "application/json", []byte(`{"name":"n"}`))
	assert.JSONEq(t, `{"name":"n"}`, string(gotBody))

	// Spans are routed by MLflow's own id.
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, "42").status)
	for _, s := range spansByName(tr.sink.AllTraces()) {
		v, _ := s.resource.Get(mlflow.AttrExperimentID)
		assert.Equal(t, "42", v.Str())
	}
}

func TestOTLPEncodings(t *testing.T) {
	tr := startReceiver(t, nil, nil)
	td := readOTLPJSON(t, "sdk_otlp.json")
	for _, span := range td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().All() {
		span.Attributes().Remove(mlflow.AttrTraceRequestID) // spans of any OTLP sender
	}
	req := ptraceotlp.NewExportRequestFromTraces(td)

	js, err := req.MarshalJSON()
	require.NoError(t, err)
	a := tr.do(t, http.MethodPost, "/v1/traces", "application/json; charset=utf-8", js)
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	assert.True(t, json.Valid(a.body), "an ExportTraceServiceResponse as OTLP/JSON")

	pb, err := req.MarshalProto()
	require.NoError(t, err)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(pb)
	require.NoError(t, zw.Close())
	a = tr.do(t, http.MethodPost, "/v1/traces", "application/x-protobuf", gz.Bytes(), "Content-Encoding", "gzip")
	require.Equal(t, http.StatusOK, a.status, string(a.body))

	// Spans without the SDK's trace id and without an experiment header pass as they are.
	assert.Equal(t, 6, tr.sink.SpanCount(), "untracked spans pass as they come, roots included")
	for _, s := range spansByName(tr.sink.AllTraces()) {
		_, routed := s.resource.Get(mlflow.AttrExperimentName)
		assert.False(t, routed)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name        string
		configure   func(*Config)
		next        consumer.Traces
		method      string
		path        string
		contentType string
		body        []byte
		header      []string
		status      int
		code        string
	}{
		{name: "unknown endpoint", method: http.MethodGet, path: "/api/2.0/mlflow/runs/get", status: 404, code: "ENDPOINT_NOT_FOUND"},
		{name: "assessment without upstream", method: http.MethodPost, path: "/api/3.0/mlflow/traces/tr-1/assessments", contentType: "application/json", body: []byte(`{}`), status: 404, code: "ENDPOINT_NOT_FOUND"},
		{name: "unknown method", method: http.MethodDelete, path: "/v1/traces", status: 404, code: "ENDPOINT_NOT_FOUND"},
		{name: "malformed protobuf", method: http.MethodPost, path: "/v1/traces", contentType: "application/x-protobuf", body: []byte{0xff, 0xff, 0xff}, status: 400, code: "INVALID_PARAMETER_VALUE"},
		{name: "malformed OTLP JSON", method: http.MethodPost, path: "/v1/traces", contentType: "application/json", body: []byte(`{"resourceSpans":`), status: 400, code: "INVALID_PARAMETER_VALUE"},
		{name: "content type", method: http.MethodPost, path: "/v1/traces", contentType: "text/plain", body: []byte(`x`), status: 400, code: "INVALID_PARAMETER_VALUE"},
		{name: "malformed StartTraceV3", method: http.MethodPost, path: pathStartV3, contentType: "application/json", body: []byte(`{"trace":`), status: 400, code: "INVALID_PARAMETER_VALUE"},
		{name: "StartTraceV3 without id", method: http.MethodPost, path: pathStartV3, contentType: "application/json", body: []byte(`{"trace":{"trace_info":{}}}`), status: 400, code: "INVALID_PARAMETER_VALUE"},
		{name: "malformed traces.json", method: http.MethodPut, path: "/api/2.0/mlflow-artifacts/artifacts/0/traces/tr-1/artifacts/traces.json", body: []byte(`{"spans":[{"trace_id":1}]}`), status: 400, code: "INVALID_PARAMETER_VALUE"},
		{name: "other artifact", method: http.MethodPut, path: "/api/2.0/mlflow-artifacts/artifacts/0/traces/tr-1/artifacts/attachments/a", body: []byte(`x`), status: 404, code: "ENDPOINT_NOT_FOUND"},
		{name: "unknown experiment", method: http.MethodPost, path: "/v1/traces", contentType: "application/json", body: []byte(`{}`), header: []string{mlflow.HeaderExperimentID, "123"}, status: 404, code: "RESOURCE_DOES_NOT_EXIST"},
		{name: "traces.json for an unknown experiment", method: http.MethodPut, path: "/api/2.0/mlflow-artifacts/artifacts/123/traces/" + tsTraceID + "/artifacts/traces.json", body: testdata(t, "ts_traces.json"), status: 404, code: "RESOURCE_DOES_NOT_EXIST"},
		{name: "malformed create", method: http.MethodPost, path: mlflow.PathCreateExperiment, contentType: "application/json", body: []byte(`nope`), status: 400, code: "INVALID_PARAMETER_VALUE"},
		{
			name: "body too large", configure: func(cfg *Config) { cfg.ServerConfig.MaxRequestBodySize = 64 },
			method: http.MethodPost, path: pathStartV3, contentType: "application/json", body: bytes.Repeat([]byte(" "), 65), status: 413, code: "REQUEST_LIMIT_EXCEEDED",
		},
		{
			name: "pipeline busy", next: consumertest.NewErr(errors.New("queue full")),
			method: http.MethodPut, path: sdkArtifacts, body: testdata(t, "sdk_traces.json"), status: 503, code: "TEMPORARILY_UNAVAILABLE",
		},
		{
			name: "pipeline refuses", next: consumertest.NewErr(consumererror.NewPermanent(errors.New("bad data"))),
			method: http.MethodPut, path: sdkArtifacts, body: testdata(t, "sdk_traces.json"), status: 400, code: "INVALID_PARAMETER_VALUE",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := startReceiver(t, tt.configure, tt.next)
			tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})
			a := tr.do(t, tt.method, tt.path, tt.contentType, tt.body, tt.header...)
			assert.Equal(t, tt.status, a.status, string(a.body))
			assert.Equal(t, tt.code, a.json(t)["error_code"])
			assert.NotEmpty(t, a.json(t)["message"])
			assert.Zero(t, tr.sink.SpanCount(), "nothing half-written")
		})
	}
}

// TestBodyTooLargeIsLogged: MLflow's client logs a span batch refused with 413 only at debug
// level, and a refused batch that held the root loses the whole trace; the collector's log is
// the one place where an operator can see it.
func TestBodyTooLargeIsLogged(t *testing.T) {
	core, logs := observer.New(zap.WarnLevel)
	tr := startReceiverWithLogger(t, zap.New(core), func(cfg *Config) { cfg.ServerConfig.MaxRequestBodySize = 512 }, nil)
	a := tr.postSDKSpans(t, mlflow.DefaultExperimentID)
	require.Equal(t, http.StatusRequestEntityTooLarge, a.status, string(a.body))
	assert.Zero(t, tr.sink.SpanCount())

	require.Equal(t, 1, logs.Len(), "the refusal is logged")
	fields := logs.All()[0].ContextMap()
	assert.Equal(t, "/v1/traces", fields["path"])
	assert.EqualValues(t, 512, fields["max_request_body_size"])
}

func TestPipelineBusyThenRetry(t *testing.T) {
	next := &flakyConsumer{}
	tr := startReceiver(t, nil, next)
	tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, "1").status) // children pass, root held
	start := testdata(t, "sdk_start_trace_v3.json")
	next.fail = 1
	a := tr.do(t, http.MethodPost, pathStartV3, "application/json", start)
	require.Equal(t, http.StatusServiceUnavailable, a.status)
	a = tr.do(t, http.MethodPost, pathStartV3, "application/json", start)
	require.Equal(t, http.StatusOK, a.status)
	assert.Equal(t, 3, next.sink.SpanCount(), "the root, held again after the refusal, went once")
}

// TestBothRetriedAfterRefusals: a busy pipeline refuses the last spans and StartTraceV3, and
// the client retries both. The spans' retry sends the root (the trace's info is in), so the
// StartTraceV3 retry must not send it again.
func TestBothRetriedAfterRefusals(t *testing.T) {
	next := &flakyConsumer{fail: 2}
	tr := startReceiver(t, nil, next)
	tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})
	start := testdata(t, "sdk_start_trace_v3.json")

	require.Equal(t, http.StatusServiceUnavailable, tr.postSDKSpans(t, "1").status)
	require.Equal(t, http.StatusServiceUnavailable, tr.do(t, http.MethodPost, pathStartV3, "application/json", start).status)
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, "1").status)
	require.Equal(t, http.StatusOK, tr.do(t, http.MethodPost, pathStartV3, "application/json", start).status)
	tr.pending.sweep(time.Now().Add(time.Hour)) // nothing may be left held either

	spans := spansByName(next.sink.AllTraces())
	assert.Len(t, spans, 3, "each span once: %v", names(spans))
	assert.Equal(t, 3, next.sink.SpanCount())
}

// TestSpansRetriedWhileRootInFlight: the client's retry of the spans arrives while
// StartTraceV3 is still handing the held root to the pipeline; the root goes once.
func TestSpansRetriedWhileRootInFlight(t *testing.T) {
	next := &gatedConsumer{refuseFirst: true, entered: make(chan struct{}), release: make(chan struct{})}
	tr := startReceiver(t, nil, next)
	tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})
	require.Equal(t, http.StatusServiceUnavailable, tr.postSDKSpans(t, "1").status) // root held

	done := make(chan answer)
	go func() {
		done <- tr.do(t, http.MethodPost, pathStartV3, "application/json", testdata(t, "sdk_start_trace_v3.json"))
	}()
	<-next.entered // StartTraceV3 is sending the root
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, "1").status)
	close(next.release)
	require.Equal(t, http.StatusOK, (<-done).status)

	spans := spansByName(next.sink.AllTraces())
	assert.Len(t, spans, 3, "each span once: %v", names(spans))
	assert.Equal(t, 3, next.sink.SpanCount())
}

// TestSpansRefusedAfterTraceData: spans still in the pipeline when traces.json arrives are left
// out of it; when the pipeline then refuses them, the client's retry must deliver them.
func TestSpansRefusedAfterTraceData(t *testing.T) {
	next := &holdingConsumer{entered: make(chan struct{}), release: make(chan struct{})}
	tr := startReceiver(t, nil, next)
	tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})
	td := readOTLPJSON(t, "sdk_otlp.json")
	td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().RemoveIf(func(s ptrace.Span) bool { return s.ParentSpanID().IsEmpty() })
	pb, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	require.NoError(t, err)
	postChildren := func() answer {
		return tr.do(t, http.MethodPost, "/v1/traces", "application/x-protobuf", pb, mlflow.HeaderExperimentID, "1")
	}

	done := make(chan answer)
	go func() { done <- postChildren() }()
	<-next.entered // the children are in the pipeline
	require.Equal(t, http.StatusOK, tr.do(t, http.MethodPost, pathStartV3, "application/json", testdata(t, "sdk_start_trace_v3.json")).status)
	require.Equal(t, http.StatusOK, tr.do(t, http.MethodPut, sdkArtifacts, "text/plain", testdata(t, "sdk_traces.json")).status)
	close(next.release)
	require.Equal(t, http.StatusServiceUnavailable, (<-done).status)
	require.Equal(t, http.StatusOK, postChildren().status) // the client's retry

	spans := spansByName(next.sink.AllTraces())
	assert.Len(t, spans, 3, "each span once: %v", names(spans))
}

// TestConsumerTakesTheData: a consumer that moves the spans out (as the batch processor does)
// leaves the receiver nothing to read afterwards; the root is still recorded as sent.
func TestConsumerTakesTheData(t *testing.T) {
	next := &movingConsumer{all: ptrace.NewTraces()}
	tr := startReceiver(t, nil, next)
	tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, "1").status) // root held
	start := testdata(t, "sdk_start_trace_v3.json")
	require.Equal(t, http.StatusOK, tr.do(t, http.MethodPost, pathStartV3, "application/json", start).status)
	require.Equal(t, http.StatusOK, tr.postSDKSpans(t, "1").status) // a duplicate delivery
	assert.Equal(t, 3, next.all.SpanCount(), "each span once")
}

// TestEndTraceAfterTraceData: a v2 EndTrace for a trace that so far came only as traces.json.
func TestEndTraceAfterTraceData(t *testing.T) {
	tr := startReceiver(t, nil, nil)
	tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})
	require.Equal(t, http.StatusOK, tr.do(t, http.MethodPut, sdkArtifacts, "text/plain", testdata(t, "sdk_traces.json")).status)
	a := tr.do(t, http.MethodPatch, "/api/2.0/mlflow/traces/"+sdkTraceID, "application/json", []byte(`{"timestamp_ms":2,"status":"OK"}`))
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	assert.Contains(t, string(a.body), `"request_id":"`+sdkTraceID+`"`)
}

// movingConsumer moves every batch into all, as a consumer that mutates data may.
type movingConsumer struct {
	mu  sync.Mutex
	all ptrace.Traces
}

func (m *movingConsumer) ConsumeTraces(_ context.Context, td ptrace.Traces) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	td.ResourceSpans().MoveAndAppendTo(m.all.ResourceSpans())
	return nil
}

func (*movingConsumer) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: true}
}

// gatedConsumer refuses its first call if refuseFirst, then holds the next one until release
// is closed (signalling entered), then accepts everything.
type gatedConsumer struct {
	refuseFirst bool
	mu          sync.Mutex
	calls       int
	entered     chan struct{}
	release     chan struct{}
	sink        consumertest.TracesSink
}

func (g *gatedConsumer) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	g.mu.Lock()
	g.calls++
	n := g.calls
	g.mu.Unlock()
	if g.refuseFirst && n == 1 {
		return errors.New("busy")
	}
	if n == 2 {
		close(g.entered)
		<-g.release
	}
	return g.sink.ConsumeTraces(ctx, td)
}

func (*gatedConsumer) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

// holdingConsumer holds its first call until release is closed (signalling entered), then
// refuses it; it accepts every later call.
type holdingConsumer struct {
	mu      sync.Mutex
	calls   int
	entered chan struct{}
	release chan struct{}
	sink    consumertest.TracesSink
}

func (h *holdingConsumer) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	h.mu.Lock()
	h.calls++
	first := h.calls == 1
	h.mu.Unlock()
	if first {
		close(h.entered)
		<-h.release
		return errors.New("busy")
	}
	return h.sink.ConsumeTraces(ctx, td)
}

func (*holdingConsumer) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

// flakyConsumer refuses fail calls, then accepts.
type flakyConsumer struct {
	fail int
	sink consumertest.TracesSink
}

func (f *flakyConsumer) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	if f.fail > 0 {
		f.fail--
		return errors.New("busy")
	}
	return f.sink.ConsumeTraces(ctx, td)
}

func (*flakyConsumer) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

// TestSecondParentlessSpan: a trace's first span without a parent is its root, held for the
// info; a second one of another id goes on as an ordinary span instead of replacing it.
func TestSecondParentlessSpan(t *testing.T) {
	p := newPending(time.Minute, 10)
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for _, id := range []pcommon.SpanID{{7: 1}, {7: 2}} {
		span := spans.AppendEmpty()
		span.SetSpanID(id)
		span.Attributes().PutStr(mlflow.AttrTraceRequestID, "tr-1")
	}
	handed := p.fromOTLP(context.Background(), td)
	require.Equal(t, 1, td.SpanCount())
	assert.Equal(t, pcommon.SpanID{7: 2}, td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).SpanID())
	require.Len(t, handed, 1)
	assert.False(t, handed[0].root)
	e := p.byID["tr-1"]
	assert.True(t, e.held)
	assert.Equal(t, pcommon.SpanID{7: 1}, rootSpan(e.root).SpanID())
}

// TestUpstreamAnswerTooLarge: an answer cut at the relay's bound would be broken JSON; the
// client gets a clear error instead.
func TestUpstreamAnswerTooLarge(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(bytes.Repeat([]byte(" "), maxUpstreamAnswer+1))
	}))
	t.Cleanup(upstream.Close)
	tr := startReceiver(t, func(cfg *Config) { cfg.Upstream.GetOrInsertDefault().Endpoint = upstream.URL }, nil)
	a := tr.do(t, http.MethodGet, mlflow.PathGetExperimentByName+"?experiment_name=a", "", nil)
	assert.Equal(t, http.StatusBadGateway, a.status)
	assert.Contains(t, string(a.body), "over 1 MiB")
}

func TestUpstreamDownIsLogged(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	core, logs := observer.New(zap.WarnLevel)
	u := &upstreamExperiments{baseURL: down.URL, client: http.DefaultClient, logger: zap.New(core)}
	w := httptest.NewRecorder()
	u.get(w, httptest.NewRequest(http.MethodGet, "/api/2.0/mlflow/experiments/get?experiment_id=1", http.NoBody))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
	require.Equal(t, 1, logs.Len(), "an operator sees that the upstream is down")
	assert.Equal(t, "/api/2.0/mlflow/experiments/get", logs.All()[0].ContextMap()["path"])
}
