package mlflowreceiver

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// A trace as MLflow's TypeScript SDK (npm mlflow-tracing) sends it, shaped after its source
// (TraceInfo.toJson, Span.toJson, MlflowArtifactsClient): StartTraceV3 with Node's fetch
// (User-Agent "node", no X-MLflow-Client-Version), then traces.json, never OTLP. Its
// traces.json holds attribute values decoded (not JSON text), and each span's trace_id is
// encodeTraceIdToBase64 applied to the "tr-<hex>" id, which is not the OTel trace id.
const (
	tsTraceID   = "tr-5f0c3a9b2d7e41c8a6b4e2f1d3c5b7a9"
	tsArtifacts = "/api/2.0/mlflow-artifacts/artifacts/1/traces/" + tsTraceID + "/artifacts/traces.json"
)

// pythonClient are the headers every call of MLflow's Python SDK carries.
var pythonClient = []string{"User-Agent", "mlflow-python-client/3.17.2", "X-MLflow-Client-Version", "3.17.2"}

func TestTypeScriptClient(t *testing.T) {
	tr := startReceiver(t, nil, nil)
	tr.pending.rootWait = time.Hour // the TS client's StartTraceV3 must not wait for OTLP spans
	tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})

	// Were StartTraceV3 to wait, the client's deadline would end it: the test fails, not hangs.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tr.url+pathStartV3, bytes.NewReader(testdata(t, "ts_start_trace_v3.json")))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "node")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, "StartTraceV3 of a client that sends no OTLP spans must not wait for them")
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	a := answer{status: resp.StatusCode, body: body}
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	tags := a.json(t)["trace"].(map[string]any)["trace_info"].(map[string]any)["tags"].(map[string]any)
	assert.NotContains(t, tags, mlflow.TagSpansLocation, "the client must upload traces.json")
	assert.Equal(t, "mlflow-artifacts:/1/traces/"+tsTraceID+"/artifacts", tags[mlflow.TagArtifactLocation])

	a = tr.do(t, http.MethodPut, tsArtifacts, "text/plain", testdata(t, "ts_traces.json"), "User-Agent", "node")
	require.Equal(t, http.StatusOK, a.status, string(a.body))

	spans := spansByName(tr.sink.AllTraces())
	require.Len(t, spans, 2, "each span once: %v", names(spans))
	agent, chat := spans["agent"], spans["chat"]
	require.NotNil(t, agent.span)
	require.NotNil(t, chat.span)

	// The OTel trace id is the one in the MLflow trace id, which the tracking server derives
	// the trace from, not the file's trace_id.
	var want pcommon.TraceID
	_, err = hex.Decode(want[:], []byte(tsTraceID[len("tr-"):]))
	require.NoError(t, err)
	assert.Equal(t, want, agent.span.TraceID())
	assert.Equal(t, want, chat.span.TraceID())
	assert.True(t, agent.span.ParentSpanID().IsEmpty())
	assert.Equal(t, agent.span.SpanID(), chat.span.ParentSpanID())

	assert.Equal(t, "AGENT", attr(agent.span, mlflow.AttrSpanType))
	assert.Equal(t, "LLM", attr(chat.span, mlflow.AttrSpanType))
	assert.Equal(t, tsTraceID, attr(chat.span, mlflow.AttrTraceRequestID))
	assert.Equal(t, map[string]any{"question": "What is the weather in Paris?"}, attrValue(agent.span, mlflow.AttrSpanInputs))
	assert.Equal(t, "It is sunny in Paris.", attrValue(agent.span, mlflow.AttrSpanOutputs))
	assert.Equal(t, "gpt-4o-mini", attrValue(chat.span, mlflow.AttrSpanInputs).(map[string]any)["model"])
	assert.Equal(t, map[string]any{"input_tokens": int64(12), "output_tokens": int64(7), "total_tokens": int64(19)},
		attrValue(chat.span, mlflow.AttrChatTokenUsage))

	assertDecorated(t, agent)
	_, chatHasTag := chat.span.Attributes().Get(mlflow.AttrTraceTagPrefix + "team")
	assert.False(t, chatHasTag, "trace info goes on the root only")
	for _, s := range spans {
		v, _ := s.resource.Get(mlflow.AttrExperimentName)
		assert.Equal(t, "exp", v.Str())
	}
}

// TestTraceDataTraceIDFromPath: whatever trace_id traces.json holds, spans uploaded for an
// MLflow 3 trace id ("tr-<32 hex>") get the OTel trace id it names; an MLflow 2 request id
// (32 hex, not derived from the OTel id) leaves the file's trace_id as it is.
func TestTraceDataTraceIDFromPath(t *testing.T) {
	tr := startReceiver(t, nil, nil)
	tr.exps.(*localExperiments).reg.add(&experiment{ID: "1", Name: "exp"})
	const v2ID = "0123456789abcdef0123456789abcdef"
	a := tr.do(t, http.MethodPut, "/api/2.0/mlflow-artifacts/artifacts/1/traces/"+v2ID+"/artifacts/traces.json", "text/plain", testdata(t, "ts_traces.json"))
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	tr.pending.sweep(time.Now().Add(time.Hour)) // release the held root
	tr.sendReleased()

	fileID := pcommon.TraceID{0x00, 0xfb, 0xf0, 0xc3, 0xa9, 0xb2, 0xd7, 0xe4, 0x1c, 0x8a, 0x6b, 0x4e, 0x2f, 0x1d, 0x3c, 0x5b}
	spans := spansByName(tr.sink.AllTraces())
	require.Len(t, spans, 2, names(spans))
	for _, s := range spans {
		assert.Equal(t, fileID, s.span.TraceID())
	}
}
