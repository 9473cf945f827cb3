package mlflowexporter

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestSDKTraceInfo(t *testing.T) {
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	newRoot := func() ptrace.Span {
		s := ptrace.NewSpan()
		s.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
		s.SetSpanID(pcommon.SpanID{1})
		s.SetName("weather_agent")
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
		s.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(1500 * time.Millisecond)))
		return s
	}

	t.Run("root with SDK metadata", func(t *testing.T) {
		s := newRoot()
		s.Attributes().PutStr("mlflow.traceMetadata.app.version", "1.2.3")
		s.Attributes().PutStr("mlflow.traceMetadata.mlflow.trace.session", "s-1")
		s.Attributes().PutStr("mlflow.traceTag.team", "search")
		s.Attributes().PutStr("gen_ai.operation.name", "invoke_agent")
		s.Status().SetCode(ptrace.StatusCodeError)
		info, ok := sdkTraceInfo(s, "7")
		require.True(t, ok)
		assert.Equal(t, "tr-0102030405060708090a0b0c0d0e0f10", info.TraceID)
		assert.Equal(t, "7", info.ExperimentID)
		assert.Equal(t, "ERROR", info.State)
		assert.Equal(t, start, info.RequestTime)
		assert.Equal(t, "1.500000000s", info.ExecutionDuration)
		assert.Equal(t, map[string]string{"app.version": "1.2.3", "mlflow.trace.session": "s-1"}, info.TraceMetadata)
		// The server stores the root's tags with the spans.
		assert.Equal(t, map[string]string{"mlflow.traceName": "weather_agent"}, info.Tags, "only the name no attribute carries")
	})

	t.Run("a session id over MLflow's limit is cut", func(t *testing.T) {
		s := newRoot()
		s.Attributes().PutStr("mlflow.traceMetadata.mlflow.trace.session", strings.Repeat("é", 300))
		info, ok := sdkTraceInfo(s, "7")
		require.True(t, ok)
		assert.Equal(t, strings.Repeat("é", 250), info.TraceMetadata["mlflow.trace.session"])
	})

	t.Run("tags whose keys the server skips on the spans are sent", func(t *testing.T) {
		s := newRoot()
		s.Attributes().PutStr("mlflow.traceMetadata.k", "v")
		s.Attributes().PutStr("mlflow.traceTag.team", "search")
		s.Attributes().PutStr("mlflow.traceTag.bad!key", `"quoted"`)
		s.Attributes().PutStr("mlflow.traceTag."+strings.Repeat("k", 251), "long")
		info, ok := sdkTraceInfo(s, "7")
		require.True(t, ok)
		assert.Equal(t, map[string]string{"bad!key": "quoted", strings.Repeat("k", 251): "long", "mlflow.traceName": "weather_agent"}, info.Tags)
	})

	t.Run("a trace name tag is not sent again", func(t *testing.T) {
		s := newRoot()
		s.Attributes().PutStr("mlflow.traceMetadata.k", `"v"`)
		s.Attributes().PutStr("mlflow.traceTag.mlflow.traceName", `"weather"`)
		info, ok := sdkTraceInfo(s, "7")
		require.True(t, ok)
		assert.Empty(t, info.Tags)
		assert.Equal(t, map[string]string{"k": `"v"`}, info.TraceMetadata, "metadata is the receiver's, plain")
	})

	t.Run("fields the app set", func(t *testing.T) {
		s := newRoot()
		s.Attributes().PutStr("mlflow.traceMetadata.k", "v")
		s.Attributes().PutStr("mlflow.traceClientRequestId", "req-42")
		s.Attributes().PutStr("mlflow.traceRequestPreview", "Paris weather?")
		s.Attributes().PutStr("mlflow.traceResponsePreview", "sunny")
		s.Attributes().PutStr("mlflow.traceState", "ERROR")
		s.Status().SetCode(ptrace.StatusCodeOk)
		info, ok := sdkTraceInfo(s, "7")
		require.True(t, ok)
		assert.Equal(t, "req-42", info.ClientRequestID)
		assert.Equal(t, "Paris weather?", info.RequestPreview)
		assert.Equal(t, "sunny", info.ResponsePreview)
		assert.Equal(t, "ERROR", info.State, "the app's state wins over the root's status")
	})

	t.Run("the app's OK wins over an ERROR status", func(t *testing.T) {
		s := newRoot()
		s.Attributes().PutStr("mlflow.traceState", "OK")
		s.Status().SetCode(ptrace.StatusCodeError)
		info, ok := sdkTraceInfo(s, "7")
		require.True(t, ok, "a field the app set is trace info to record, also without metadata")
		assert.Equal(t, "OK", info.State)
		assert.Empty(t, info.RequestPreview, "the server keeps the previews it computed")
		assert.Empty(t, info.ClientRequestID)
	})

	t.Run("a state that is not OK or ERROR is the root's status", func(t *testing.T) {
		s := newRoot()
		s.Attributes().PutStr("mlflow.traceMetadata.k", "v")
		s.Attributes().PutStr("mlflow.traceState", "IN_PROGRESS")
		s.Status().SetCode(ptrace.StatusCodeError)
		info, ok := sdkTraceInfo(s, "7")
		require.True(t, ok)
		assert.Equal(t, "ERROR", info.State)
	})

	t.Run("no SDK metadata: nothing to record", func(t *testing.T) {
		s := newRoot()
		s.Attributes().PutStr("mlflow.traceTag.team", "search")
		_, ok := sdkTraceInfo(s, "7")
		assert.False(t, ok)
	})

	t.Run("child spans are not roots", func(t *testing.T) {
		s := newRoot()
		s.SetParentSpanID(pcommon.SpanID{9})
		s.Attributes().PutStr("mlflow.traceMetadata.k", "v")
		_, ok := sdkTraceInfo(s, "7")
		assert.False(t, ok)
	})
}
