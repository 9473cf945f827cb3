package mlflow

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serve answers every request with handler and returns a client for it.
func serve(t *testing.T, handler http.HandlerFunc) *Client {
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return NewClient(srv.URL+"/", srv.Client())
}

func TestReadError(t *testing.T) {
	date := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		status     int
		header     map[string]string
		body       string
		want       APIError
		retryAfter bool
	}{
		{
			name:   "MLflow",
			status: http.StatusNotFound,
			body:   `{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Could not find experiment with name 'x'", "sqlstate": "KAM00"}`,
			want:   APIError{StatusCode: 404, Code: ErrorCodeNotFound, Message: "Could not find experiment with name 'x'"},
		},
		{
			name:   "FastAPI detail",
			status: http.StatusBadRequest,
			body:   `{"detail":"Invalid OpenTelemetry format - no spans found"}`,
			want:   APIError{StatusCode: 400, Message: "Invalid OpenTelemetry format - no spans found"},
		},
		{
			name:   "FastAPI validation",
			status: http.StatusUnprocessableEntity,
			body:   `{"detail":[{"type":"missing","loc":["header","x-mlflow-experiment-id"],"msg":"Field required","input":null},{"loc":["body",0],"msg":"bad"}]}`,
			want:   APIError{StatusCode: 422, Message: "header.x-mlflow-experiment-id: Field required; body.0: bad"},
		},
		{
			name:   "text",
			status: http.StatusForbidden,
			body:   "Invalid Host header - possible DNS rebinding attack detected\n",
			want:   APIError{StatusCode: 403, Message: "Invalid Host header - possible DNS rebinding attack detected"},
		},
		{
			name:   "empty",
			status: http.StatusBadGateway,
			want:   APIError{StatusCode: 502},
		},
		{
			name:   "Retry-After seconds",
			status: http.StatusTooManyRequests,
			header: map[string]string{"Retry-After": "7"},
			want:   APIError{StatusCode: 429, RetryAfter: 7 * time.Second},
		},
		{
			name:       "Retry-After date",
			status:     http.StatusServiceUnavailable,
			header:     map[string]string{"Retry-After": date},
			want:       APIError{StatusCode: 503},
			retryAfter: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			for k, v := range tt.header {
				rec.Header().Set(k, v)
			}
			rec.WriteHeader(tt.status)
			_, _ = rec.WriteString(tt.body)

			got := ReadError(rec.Result())

			if tt.retryAfter {
				assert.InDelta(t, time.Hour, got.RetryAfter, float64(time.Minute))
				got.RetryAfter = 0
			}
			assert.Equal(t, &tt.want, got)
		})
	}
}

func TestAPIErrorPredicates(t *testing.T) {
	notFound := fmt.Errorf("wrapped: %w", &APIError{StatusCode: 404, Code: ErrorCodeNotFound})
	exists := &APIError{StatusCode: 400, Code: ErrorCodeAlreadyExists, Message: "Experiment(name=a) already exists."}
	assert.True(t, IsNotFound(notFound))
	assert.True(t, IsNotFound(&APIError{StatusCode: 404}))
	assert.False(t, IsNotFound(&APIError{StatusCode: 404, Code: "ENDPOINT_NOT_FOUND"}))
	assert.False(t, IsNotFound(exists))
	assert.True(t, IsAlreadyExists(exists))
	assert.False(t, IsAlreadyExists(notFound))
	assert.Equal(t, "mlflow: HTTP 400 RESOURCE_ALREADY_EXISTS: Experiment(name=a) already exists.", exists.Error())
}

func TestExperiments(t *testing.T) {
	client := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "GET " + PathGetExperimentByName:
			assert.Equal(t, "my exp", r.URL.Query().Get("experiment_name"))
			_, _ = w.Write([]byte(`{"experiment":{"experiment_id":"3","name":"my exp","artifact_location":"mlflow-artifacts:/3","lifecycle_stage":"deleted"}}`))
		case "GET " + PathGetExperiment:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"No Experiment with id=9 exists"}`))
		case "POST " + PathCreateExperiment:
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			var in map[string]string
			assert.NoError(t, json.NewDecoder(r.Body).Decode(&in))
			assert.Equal(t, map[string]string{"name": "new"}, in)
			_, _ = w.Write([]byte(`{"experiment_id": "4"}`))
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
		}
	})

	exp, err := client.GetExperimentByName(t.Context(), "my exp")
	require.NoError(t, err)
	assert.Equal(t, &Experiment{ID: "3", Name: "my exp", ArtifactLocation: "mlflow-artifacts:/3", LifecycleStage: "deleted"}, exp)
	assert.True(t, exp.Deleted())

	_, err = client.GetExperiment(t.Context(), "9")
	assert.True(t, IsNotFound(err), "%v", err)

	id, err := client.CreateExperiment(t.Context(), "new")
	require.NoError(t, err)
	assert.Equal(t, "4", id)
}

func TestSearchTracesFollowsPages(t *testing.T) {
	var tokens []string
	client := serve(t, func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, PathSearchTraces, r.URL.Path)
		var in searchTracesRequest
		require.NoError(t, json.NewDecoder(r.Body).Decode(&in))
		assert.Equal(t, []traceLocation{experimentLocation("1"), experimentLocation("2")}, in.Locations)
		assert.Equal(t, "attributes.status = 'OK'", in.Filter)
		tokens = append(tokens, in.PageToken)
		switch in.PageToken {
		case "":
			_, _ = w.Write([]byte(`{"traces":[{"trace_id":"tr-a","trace_location":{"type":"MLFLOW_EXPERIMENT","mlflow_experiment":{"experiment_id":"1"}},"state":"OK"}],"next_page_token":"p2"}`))
		case "p2":
			// The server hands out a token after the last page too.
			_, _ = w.Write([]byte(`{"traces":[{"trace_id":"tr-b","trace_location":{"type":"MLFLOW_EXPERIMENT","mlflow_experiment":{"experiment_id":"2"}},"state":"ERROR"}],"next_page_token":"p3"}`))
		default:
			_, _ = w.Write([]byte(`{"traces":[],"next_page_token":"p4"}`))
		}
	})

	infos, err := client.SearchTraces(t.Context(), []string{"1", "2"}, "attributes.status = 'OK'")

	require.NoError(t, err)
	assert.Equal(t, []string{"", "p2", "p3"}, tokens)
	require.Len(t, infos, 2)
	assert.Equal(t, TraceInfo{TraceID: "tr-a", ExperimentID: "1", State: "OK"}, infos[0])
	assert.Equal(t, TraceInfo{TraceID: "tr-b", ExperimentID: "2", State: "ERROR"}, infos[1])
}

func TestGetTrace(t *testing.T) {
	// Recorded from MLflow 3.17.2 after an OTLP export of one root and one child span.
	recorded, err := os.ReadFile(filepath.Join("testdata", "get_trace.json"))
	require.NoError(t, err)
	client := serve(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, PathGetTrace, r.URL.Path)
		assert.Equal(t, "tr-0102030405060708090a0b0c0d0e0f64", r.URL.Query().Get("trace_id"))
		_, _ = w.Write(recorded)
	})

	tr, err := client.GetTrace(t.Context(), TraceID([16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x64}))
	require.NoError(t, err)

	assert.Equal(t, "tr-0102030405060708090a0b0c0d0e0f64", tr.Info.TraceID)
	assert.Equal(t, "0", tr.Info.ExperimentID)
	assert.Equal(t, "OK", tr.Info.State)
	assert.Equal(t, "hi", tr.Info.RequestPreview)
	assert.Equal(t, "svc", tr.Info.Tags["service.name"])
	require.Len(t, tr.Spans, 2)

	root, child := tr.Spans[0], tr.Spans[1]
	assert.Equal(t, "root", root.Name)
	assert.Equal(t, "0102030405060708090a0b0c0d0e0f64", root.TraceID)
	assert.Equal(t, "0101010101010101", root.SpanID)
	assert.Empty(t, root.ParentSpanID)
	assert.Equal(t, "OK", root.StatusCode)
	assert.Equal(t, "CHAT_MODEL", root.SpanType())
	assert.Equal(t, map[string]any{
		AttrSpanType:    "CHAT_MODEL",
		AttrSpanOutputs: "123",
		AttrSpanInputs: map[string]any{"messages": []any{
			map[string]any{"role": "user", "content": "hi"},
		}},
		"plain":            "hello",
		"jsonish":          "123",
		"num":              int64(42),
		"flag":             true,
		"dbl":              1.5,
		"kv":               map[string]any{"x": "y"},
		"arr":              []any{"p", int64(2)},
		AttrTraceRequestID: "tr-0102030405060708090a0b0c0d0e0f64",
	}, root.Attributes)

	assert.Equal(t, "child", child.Name)
	assert.Equal(t, "0101010101010101", child.ParentSpanID)
	assert.Equal(t, "ERROR", child.StatusCode)
	assert.Equal(t, "boom", child.StatusMessage)
	assert.Empty(t, child.SpanType())
}

func TestProtoInt64(t *testing.T) {
	var v struct {
		A, B, C protoInt64
	}
	require.NoError(t, json.Unmarshal([]byte(`{"A": 1795511706414291258, "B": "-5", "C": null}`), &v))
	assert.Equal(t, protoInt64(1795511706414291258), v.A)
	assert.Equal(t, protoInt64(-5), v.B)
	assert.Zero(t, v.C)
	assert.Error(t, json.Unmarshal([]byte(`{"A": "x"}`), &v))
}

func TestProtoDouble(t *testing.T) {
	// As MLflow 3.17.2 answers GetTrace for such attributes.
	var v struct {
		NaN, Inf, NegInf, Num, Quoted protoDouble
	}
	require.NoError(t, json.Unmarshal([]byte(`{"NaN": "NaN", "Inf": "Infinity", "NegInf": "-Infinity", "Num": 1e+308, "Quoted": "1.5"}`), &v))
	assert.True(t, math.IsNaN(float64(v.NaN)))
	assert.Equal(t, protoDouble(math.Inf(1)), v.Inf)
	assert.Equal(t, protoDouble(math.Inf(-1)), v.NegInf)
	assert.Equal(t, protoDouble(1e308), v.Num)
	assert.Equal(t, protoDouble(1.5), v.Quoted)
	assert.Error(t, json.Unmarshal([]byte(`{"Num": "x"}`), &v))
}
