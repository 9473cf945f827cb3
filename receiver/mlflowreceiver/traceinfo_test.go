package mlflowreceiver

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// startTraceWith is the recorded StartTraceV3 body with fields of its trace_info replaced.
func startTraceWith(t *testing.T, fields map[string]any) []byte {
	t.Helper()
	var body map[string]map[string]map[string]any
	require.NoError(t, json.Unmarshal(testdata(t, "sdk_start_trace_v3.json"), &body))
	for k, v := range fields {
		body["trace"]["trace_info"][k] = v
	}
	b, err := json.Marshal(body)
	require.NoError(t, err)
	return b
}

// TestStartTraceAppFields: what an app sets with mlflow.update_current_trace beyond tags and
// metadata rides on the root span; what the SDK derives for every trace does not.
func TestStartTraceAppFields(t *testing.T) {
	appFields := []string{mlflow.AttrTraceClientRequestID, mlflow.AttrTraceRequestPreview, mlflow.AttrTraceResponsePreview, mlflow.AttrTraceState}
	for name, tc := range map[string]struct {
		fields map[string]any
		want   map[string]string
	}{
		"set by the app": {
			fields: map[string]any{
				"client_request_id": "req-42",
				"request_preview":   "Paris weather?",
				"response_preview":  "sunny",
				"state":             "ERROR", // the recorded root span is OK
			},
			want: map[string]string{
				mlflow.AttrTraceClientRequestID: "req-42",
				mlflow.AttrTraceRequestPreview:  "Paris weather?",
				mlflow.AttrTraceResponsePreview: "sunny",
				mlflow.AttrTraceState:           "ERROR",
			},
		},
		// As recorded: previews the SDK derived from the root's inputs and outputs, state OK.
		"derived by the SDK": {fields: map[string]any{}, want: map[string]string{}},
		"state as a number":  {fields: map[string]any{"state": 2}, want: map[string]string{}},
	} {
		t.Run(name, func(t *testing.T) {
			tr := startReceiver(t, nil, nil)
			expID := tr.createExperiment(t, "exp")
			require.Equal(t, http.StatusOK, tr.postSDKSpans(t, expID).status)
			a := tr.do(t, http.MethodPost, pathStartV3, "application/json", startTraceWith(t, tc.fields))
			require.Equal(t, http.StatusOK, a.status, string(a.body))

			root := rootOf(t, tr)
			assertDecorated(t, root)
			got := map[string]string{}
			for _, k := range appFields {
				if v, ok := root.span.Attributes().Get(k); ok {
					got[k] = v.AsString()
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestAppPreview(t *testing.T) {
	chat := map[string]any{"model": "gpt-4o-mini", "messages": []any{
		map[string]any{"role": "system", "content": "Be brief."},
		map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "Weather in Paris?"}}},
	}}
	for name, tc := range map[string]struct {
		value   any // the root's attribute; nil for none
		preview string
		app     bool
	}{
		"python SDK's JSON text":         {map[string]any{"question": "Weather?"}, `{"question": "Weather?"}`, false},
		"typescript SDK's JSON text":     {map[string]any{"question": "Weather?"}, `{"question":"Weather?"}`, false},
		"a string output, quoted":        {"sunny", `"sunny"`, false},
		"JSON text in a string":          {`{"question":"Weather?"}`, `{"question": "Weather?"}`, false},
		"a chat message's text":          {chat, "Weather in Paris?", false},
		"cut by the SDK":                 {map[string]any{"q": strings.Repeat("x", 2000)}, strings.Repeat("x", 997) + "...", false},
		"set by the app":                 {map[string]any{"question": "Weather?"}, "Paris weather", true},
		"set by the app, no root inputs": {nil, "Paris weather", true},
		"set by the app, JSON":           {map[string]any{"question": "Weather?"}, `{"question": "Rain?"}`, true},
		"a long preview of the app":      {map[string]any{"q": "x"}, strings.Repeat("y", 1500), true},
	} {
		t.Run(name, func(t *testing.T) {
			attrs := pcommon.NewMap()
			if tc.value != nil {
				require.NoError(t, attrs.PutEmpty(mlflow.AttrSpanInputs).FromRaw(tc.value))
			}
			want := ""
			if tc.app {
				want = tc.preview
			}
			assert.Equal(t, want, appPreview(tc.preview, attrs, mlflow.AttrSpanInputs))
		})
	}
}

func TestAppState(t *testing.T) {
	assert.Equal(t, "ERROR", appState("ERROR", ptrace.StatusCodeOk))
	assert.Equal(t, "ERROR", appState("ERROR", ptrace.StatusCodeUnset))
	assert.Equal(t, "OK", appState("OK", ptrace.StatusCodeError))
	assert.Empty(t, appState("ERROR", ptrace.StatusCodeError), "the SDK's, from the status")
	assert.Empty(t, appState("OK", ptrace.StatusCodeUnset), "the SDK's, from the status")
	assert.Empty(t, appState("IN_PROGRESS", ptrace.StatusCodeOk))
	assert.Empty(t, appState("", ptrace.StatusCodeOk))
}

// TestEndTraceV2Status: MLflow stores v2 EndTrace's status as the trace's state, so it rides on
// the root span as StartTraceV3's state does: only when it is not what the root's status gives.
func TestEndTraceV2Status(t *testing.T) {
	for name, tc := range map[string]struct {
		status any
		want   string
	}{
		"ERROR, the recorded root span OK": {status: "ERROR", want: mlflow.TraceStateError},
		"OK, as the root span":             {status: "OK", want: ""},
		"IN_PROGRESS":                      {status: "IN_PROGRESS", want: ""},
		"a number":                         {status: 2, want: ""},
	} {
		t.Run(name, func(t *testing.T) {
			tr := startReceiver(t, nil, nil)
			tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})
			a := tr.do(t, http.MethodPost, "/api/2.0/mlflow/traces", "application/json", []byte(`{"experiment_id":"1","timestamp_ms":1}`))
			require.Equal(t, http.StatusOK, a.status, string(a.body))
			id := a.json(t)["trace_info"].(map[string]any)["request_id"].(string)
			a = tr.do(t, http.MethodPut, "/api/2.0/mlflow-artifacts/artifacts/1/traces/"+id+"/artifacts/traces.json", "text/plain", testdata(t, "sdk_traces.json"))
			require.Equal(t, http.StatusOK, a.status, string(a.body))

			end, err := json.Marshal(map[string]any{"timestamp_ms": 2, "status": tc.status})
			require.NoError(t, err)
			a = tr.do(t, http.MethodPatch, "/api/2.0/mlflow/traces/"+id, "application/json", end)
			require.Equal(t, http.StatusOK, a.status, string(a.body))
			assert.EqualValues(t, tc.status, a.json(t)["trace_info"].(map[string]any)["status"])

			assert.Equal(t, tc.want, attr(rootOf(t, tr).span, mlflow.AttrTraceState))
		})
	}
}
