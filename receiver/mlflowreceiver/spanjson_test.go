package mlflowreceiver

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// TestTraceDataMatchesSDKOTLP pins the conversion against the SDK itself: both files were
// recorded from one trace of mlflow 3.17.2 (testdata/client_app.py's shape), which uploaded
// traces.json and also sent the same spans over OTLP. Converted, the first must equal the second.
func TestTraceDataMatchesSDKOTLP(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "sdk_traces.json"))
	require.NoError(t, err)
	got, err := traceDataToTraces(body)
	require.NoError(t, err)

	want := readOTLPJSON(t, "sdk_otlp.json")
	require.NoError(t, ptracetest.CompareTraces(spansOnly(want), spansOnly(got), ptracetest.IgnoreSpansOrder()))
}

func TestTraceDataToTraces(t *testing.T) {
	tests := []struct {
		name  string
		json  string
		check func(t *testing.T, span ptrace.Span)
	}{
		{
			name: "error status, event and link",
			json: `{"spans":[{"trace_id":"AAAAAAAAAAAAAAAAAAAAAQ==","span_id":"AAAAAAAAAAI=","parent_span_id":"AAAAAAAAAAE=",
				"name":"s","start_time_unix_nano":10,"end_time_unix_nano":"20",
				"status":{"code":"STATUS_CODE_ERROR","message":"boom"},
				"attributes":{"n":"1.5","raw":"not json","list":"[1, \"a\", null]","native":7,
					"version":"3.17.2","label":"1 apple","flag":"true story"},
				"events":[{"name":"exception","time_unix_nano":15,"attributes":{"exception.message":"boom","k":{"a":1}}}],
				"links":[{"trace_id":"tr-00000000000000000000000000000003","span_id":"0000000000000004","attributes":{"x":"y"}}]}]}`,
			check: func(t *testing.T, span ptrace.Span) {
				assert.Equal(t, pcommon.TraceID{15: 1}, span.TraceID())
				assert.Equal(t, pcommon.SpanID{7: 2}, span.SpanID())
				assert.Equal(t, pcommon.SpanID{7: 1}, span.ParentSpanID())
				assert.Equal(t, pcommon.Timestamp(20), span.EndTimestamp())
				assert.Equal(t, ptrace.StatusCodeError, span.Status().Code())
				assert.Equal(t, "boom", span.Status().Message())
				// Text that only starts with JSON stays text, as json.loads leaves it to the server.
				assert.Equal(t, map[string]any{
					"n": 1.5, "raw": "not json", "list": []any{int64(1), "a", nil}, "native": int64(7),
					"version": "3.17.2", "label": "1 apple", "flag": "true story",
				}, span.Attributes().AsRaw())
				require.Equal(t, 1, span.Events().Len())
				assert.Equal(t, map[string]any{"exception.message": "boom", "k": map[string]any{"a": int64(1)}}, span.Events().At(0).Attributes().AsRaw())
				require.Equal(t, 1, span.Links().Len())
				assert.Equal(t, pcommon.TraceID{15: 3}, span.Links().At(0).TraceID())
				assert.Equal(t, pcommon.SpanID{7: 4}, span.Links().At(0).SpanID())
			},
		},
		{
			name: "MLflow 2 form",
			json: `{"spans":[{"name":"v2","context":{"trace_id":"0x0a","span_id":"0x0b"},"parent_id":null,
				"start_time":1,"end_time":2,"status_code":"OK","status_message":"",
				"attributes":{"mlflow.spanType":"\"LLM\""},"events":[{"name":"e","timestamp":3,"attributes":{}}]}]}`,
			check: func(t *testing.T, span ptrace.Span) {
				assert.Equal(t, pcommon.TraceID{15: 0x0a}, span.TraceID())
				assert.Equal(t, pcommon.SpanID{7: 0x0b}, span.SpanID())
				assert.True(t, span.ParentSpanID().IsEmpty())
				assert.Equal(t, ptrace.StatusCodeOk, span.Status().Code())
				assert.Equal(t, "LLM", attr(span, "mlflow.spanType"))
				assert.Equal(t, pcommon.Timestamp(3), span.Events().At(0).Timestamp())
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			td, err := traceDataToTraces([]byte(tt.json))
			require.NoError(t, err)
			require.Equal(t, 1, td.SpanCount())
			tt.check(t, td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0))
		})
	}
}

func TestTraceDataToTracesRejects(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON":         `{"spans": [`,
		"bad trace id":     `{"spans":[{"trace_id":"zz","span_id":"AAAAAAAAAAI="}]}`,
		"bad span id":      `{"spans":[{"trace_id":"AAAAAAAAAAAAAAAAAAAAAQ==","span_id":"AAAAAAAAAAAAAAAAAAAAAQ=="}]}`,
		"unknown status":   `{"spans":[{"trace_id":"AAAAAAAAAAAAAAAAAAAAAQ==","span_id":"AAAAAAAAAAI=","status":{"code":"MAYBE"}}]}`,
		"attributes array": `{"spans":[{"trace_id":"AAAAAAAAAAAAAAAAAAAAAQ==","span_id":"AAAAAAAAAAI=","attributes":[1]}]}`,
		"bad time":         `{"spans":[{"trace_id":"AAAAAAAAAAAAAAAAAAAAAQ==","span_id":"AAAAAAAAAAI=","start_time_unix_nano":"soon"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := traceDataToTraces([]byte(body))
			assert.Error(t, err)
		})
	}
}

func readOTLPJSON(t *testing.T, name string) ptrace.Traces {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	req := ptraceotlp.NewExportRequest()
	require.NoError(t, req.UnmarshalJSON(body))
	return req.Traces()
}

// spansOnly moves every span under one empty resource and scope.
func spansOnly(td ptrace.Traces) ptrace.Traces {
	out := ptrace.NewTraces()
	spans := out.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				span.CopyTo(spans.AppendEmpty())
			}
		}
	}
	return out
}
