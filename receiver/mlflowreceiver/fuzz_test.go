package mlflowreceiver

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver/internal/metadata"
)

// Fuzz targets for every body the receiver decodes: MLflow span JSON (traces.json uploads),
// StartTraceV3 JSON and OTLP (protobuf and JSON). Each drives the receiver's real HTTP routes,
// in process, with a local experiment registry and a consumer that accepts everything. They
// check that no input panics and that the answer is one the receiver documents; what was found
// while fuzzing is kept in testdata/fuzz/<target> and replayed by `go test`.
//
//	go test ./receiver/mlflowreceiver -run '^$' -fuzz '^FuzzSpanJSON$' -fuzztime 60s

// fuzzHandler is the receiver's handler, with no network and no background goroutines.
func fuzzHandler(f *testing.F) http.Handler {
	f.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.MaxPendingTraces = 64 // keep the trace table small across millions of inputs
	cfg.TraceTimeout = time.Second
	r, err := newReceiver(cfg, receivertest.NewNopSettings(metadata.Type), consumertest.NewNop())
	if err != nil {
		f.Fatal(err)
	}
	r.pending.rootWait = 0
	reg, err := loadRegistry("")
	if err != nil {
		f.Fatal(err)
	}
	r.exps = &localExperiments{reg: reg}
	return r.routes()
}

func seedFile(f *testing.F, name string) []byte {
	f.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// serve runs one request and fails on an answer the receiver does not document.
func serve(t *testing.T, h http.Handler, method, path, contentType string, body []byte, header ...string) {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	switch rec.Code {
	case http.StatusOK, http.StatusBadRequest, http.StatusNotFound:
	default:
		t.Fatalf("%s %s: unexpected status %d: %s", method, path, rec.Code, rec.Body.String())
	}
}

func FuzzSpanJSON(f *testing.F) {
	f.Add(seedFile(f, "sdk_traces.json"))
	f.Add([]byte(`{"spans":[]}`))
	f.Add([]byte(`{"spans":[{"context":{"trace_id":"0x1","span_id":"0x2"},"name":"v2","start_time":1,"end_time":2,"attributes":{"a":"\"b\""}}]}`))
	f.Add([]byte(`{"spans":[{"trace_id":"AAAAAAAAAAAAAAAAAAAAAA==","span_id":"AAAAAAAAAAA=","name":"x","attributes":{"k":"{\"a\":[1,2,{\"b\":null}]}"},"events":[{"name":"e","attributes":{"x":1}}]}]}`))
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _ = traceDataToTraces(body)
		serve(t, h, http.MethodPut, "/api/2.0/mlflow-artifacts/artifacts/0/traces/tr-fuzz/artifacts/traces.json", "text/plain", body)
	})
}

func FuzzStartTraceV3(f *testing.F) {
	f.Add(seedFile(f, "sdk_start_trace_v3.json"))
	f.Add([]byte(`{"trace":{"trace_info":{"trace_id":"tr-1"}}}`))
	f.Add([]byte(`{"trace":{"trace_info":{"trace_id":"tr-1","tags":{"a":"b"},"trace_metadata":{"mlflow.trace.session":"s"},"trace_location":{"mlflow_experiment":{"experiment_id":"0"}}}}}`))
	f.Add([]byte(`{"trace":{"trace_info":null}}`))
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		serve(t, h, http.MethodPost, "/api/3.0/mlflow/traces", "application/json", body)
	})
}

func FuzzOTLP(f *testing.F) {
	otlpJSON := seedFile(f, "sdk_otlp.json")
	req := ptraceotlp.NewExportRequest()
	if err := req.UnmarshalJSON(otlpJSON); err != nil {
		f.Fatal(err)
	}
	otlpProto, err := req.MarshalProto()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(otlpJSON, true, true)
	f.Add(otlpProto, false, true)
	f.Add(otlpProto, false, false)
	f.Add([]byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00","spanId":"00"}]}]}]}`), true, false)
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, body []byte, isJSON, withExperiment bool) {
		contentType := "application/x-protobuf"
		if isJSON {
			contentType = "application/json"
		}
		var header []string
		if withExperiment {
			header = []string{mlflow.HeaderExperimentID, "0"}
		}
		serve(t, h, http.MethodPost, mlflow.PathOTLPTraces, contentType, body, header...)
	})
}
