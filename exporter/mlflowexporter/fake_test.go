package mlflowexporter

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter/internal/metadata"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// fakeMLflow plays the tracking server's OTLP and experiment endpoints, for the answers a real
// server cannot easily be made to give.
type fakeMLflow struct {
	*httptest.Server

	// respond answers a POST /v1/traces; nil answers 200.
	respond func(w http.ResponseWriter, experimentID string)
	// lookup, when set, may answer GET get-by-name before the experiments map does. It runs
	// with mu held.
	lookup func(w http.ResponseWriter, name string) bool

	mu          sync.Mutex
	exports     []received
	experiments map[string]string // name → id
	lookups     int
	creates     int
}

// received is one POST /v1/traces.
type received struct {
	experimentID    string
	contentType     string
	contentEncoding string
	header          http.Header
	traces          ptrace.Traces
}

func newFakeMLflow(t *testing.T) *fakeMLflow {
	f := &fakeMLflow{experiments: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+mlflow.PathOTLPTraces, f.handleTraces)
	mux.HandleFunc("GET "+mlflow.PathGetExperimentByName, f.handleGetByName)
	mux.HandleFunc("POST "+mlflow.PathCreateExperiment, f.handleCreate)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fakeMLflow) handleTraces(w http.ResponseWriter, r *http.Request) {
	body := io.Reader(r.Body)
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := ptraceotlp.NewExportRequest()
	if err := req.UnmarshalProto(raw); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id := r.Header.Get(mlflow.HeaderExperimentID)
	f.mu.Lock()
	f.exports = append(f.exports, received{
		experimentID:    id,
		contentType:     r.Header.Get("Content-Type"),
		contentEncoding: r.Header.Get("Content-Encoding"),
		header:          r.Header.Clone(),
		traces:          req.Traces(),
	})
	respond := f.respond
	f.mu.Unlock()
	if respond != nil {
		respond(w, id)
		return
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
}

func (f *fakeMLflow) handleGetByName(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("experiment_name")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lookups++
	if f.lookup != nil && f.lookup(w, name) {
		return
	}
	id, ok := f.experiments[name]
	if !ok {
		writeMLflowError(w, http.StatusNotFound, mlflow.ErrorCodeNotFound, fmt.Sprintf("Could not find experiment with name '%s'", name))
		return
	}
	writeJSON(w, map[string]any{"experiment": map[string]string{
		"experiment_id": id, "name": name, "lifecycle_stage": "active",
	}})
}

func (f *fakeMLflow) handleCreate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || r.Header.Get("Content-Encoding") != "" {
		writeMLflowError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "bad request body")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creates++
	if _, ok := f.experiments[in.Name]; ok {
		writeMLflowError(w, http.StatusBadRequest, mlflow.ErrorCodeAlreadyExists, fmt.Sprintf("Experiment(name=%s) already exists.", in.Name))
		return
	}
	id := strconv.Itoa(100 + len(f.experiments))
	f.experiments[in.Name] = id
	writeJSON(w, map[string]string{"experiment_id": id})
}

func (f *fakeMLflow) received() []received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]received(nil), f.exports...)
}

func (f *fakeMLflow) counts() (lookups, creates int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lookups, f.creates
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func writeMLflowError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error_code": code, "message": message})
}

// newTestExporter builds the exporter through its factory, without queue and retries so each
// ConsumeTraces returns what one push returned, and starts it.
func newTestExporter(t *testing.T, endpoint string, configure func(*Config)) exporter.Traces {
	t.Helper()
	return newTestExporterWithSettings(t, exportertest.NewNopSettings(metadata.Type), endpoint, configure)
}

func newTestExporterWithSettings(t *testing.T, set exporter.Settings, endpoint string, configure func(*Config)) exporter.Traces {
	t.Helper()
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.ClientConfig.Endpoint = endpoint
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.RetryConfig.Enabled = false
	if configure != nil {
		configure(cfg)
	}
	require.NoError(t, cfg.Validate())
	exp, err := NewFactory().CreateTraces(t.Context(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(t.Context(), componenttest.NewNopHost()))
	t.Cleanup(func() { assert.NoError(t, exp.Shutdown(context.Background())) })
	return exp
}
