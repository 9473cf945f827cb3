//go:build e2e

package e2e

import (
	cryptorand "crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// TestBadInputPassesThrough: spans whose message attributes are not valid JSON, or are huge,
// reach MLflow with their original attributes, and the collector keeps running.
func TestBadInputPassesThrough(t *testing.T) {
	srv := mlflowtest.Start(t)
	col := startCollector(t, map[string]string{
		"MLFLOW_TRACKING_URI":    srv.URL,
		"MLFLOW_EXPERIMENT_NAME": fmt.Sprintf("e2e-bad-input-%d", time.Now().UnixNano()),
	})

	const invalid = `[{"role": "user", "parts": [{"type": "text", "content": "unterminated`
	huge := `[{"role":"user","parts":[{"type":"text","content":"` + strings.Repeat("x", 512<<10) + `"}]}]`
	td, traceID := newTrace("svc", []testSpan{
		{name: "POST /chat", attrs: map[string]any{"http.request.method": "POST"}},
		{name: "chat invalid", parent: 0, attrs: map[string]any{
			"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "gen_ai.input.messages": invalid,
			"gen_ai.usage.input_tokens": "not a number",
		}},
		{name: "chat huge", parent: 0, attrs: map[string]any{
			"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "gen_ai.input.messages": huge,
		}},
	})
	col.sendOTLP(t, td)

	trace := srv.WaitForSpans(t, traceID, 3)
	spans := spansByName(t, trace)

	bad := spans["chat invalid"][0]
	assert.Equal(t, invalid, bad.Attributes["gen_ai.input.messages"], "original kept")
	assert.Equal(t, "not a number", bad.Attributes["gen_ai.usage.input_tokens"], "original kept")
	assert.Equal(t, mlflow.SpanTypeChatModel, bad.Attributes[mlflow.AttrSpanType], "still typed from gen_ai.operation.name")

	big := spans["chat huge"][0]
	assert.Len(t, at(big.Attributes["gen_ai.input.messages"], 0, "parts", 0, "content"), 512<<10, "original kept")
	assert.Equal(t, mlflow.SpanTypeChatModel, big.Attributes[mlflow.AttrSpanType])

	root := spans["POST /chat"][0]
	assert.Equal(t, "POST", root.Attributes["http.request.method"])
	assert.NotContains(t, col.Logs.String(), "panic")
}

// TestMLflowDownThenUp: while MLflow is unreachable the exporter retries and says so in its log;
// once the server is up, the queued trace is delivered.
func TestMLflowDownThenUp(t *testing.T) {
	addr := freeAddr(t)
	experiment := fmt.Sprintf("e2e-down-up-%d", time.Now().UnixNano())
	col := startCollector(t, map[string]string{
		"MLFLOW_TRACKING_URI":    "http://" + addr,
		"MLFLOW_EXPERIMENT_NAME": experiment,
	})
	td, traceID := newTrace("svc", []testSpan{{name: "chat gpt-4o", attrs: map[string]any{
		"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o",
		"gen_ai.usage.input_tokens": int64(12), "gen_ai.usage.output_tokens": int64(3),
	}}})
	col.sendOTLP(t, td)
	col.waitForLog(t, "connection refused", time.Minute)
	col.waitForLog(t, "Will retry", time.Minute)

	srv := mlflowtest.StartAt(t, addr)
	trace := srv.WaitForSpans(t, traceID, 1)
	assert.Equal(t, mlflow.SpanTypeChatModel, trace.Spans[0].Attributes[mlflow.AttrSpanType])
	assert.EqualValues(t, 15, at(trace.Spans[0].Attributes[mlflow.AttrChatTokenUsage], "total_tokens"))
}

type testSpan struct {
	name   string
	parent int // index of the parent span; -1 or the zero value of the first span means root
	attrs  map[string]any
}

// newTrace builds one trace whose spans are given in order (parents before children).
func newTrace(service string, specs []testSpan) (ptrace.Traces, string) {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", service)
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("e2e")
	traceID := pcommon.TraceID(randomBytes16())
	now := time.Now()
	ids := make([]pcommon.SpanID, len(specs))
	for i, spec := range specs {
		s := ss.Spans().AppendEmpty()
		s.SetTraceID(traceID)
		ids[i] = pcommon.SpanID(randomBytes8())
		s.SetSpanID(ids[i])
		if i > 0 && spec.parent >= 0 {
			s.SetParentSpanID(ids[spec.parent])
		}
		s.SetName(spec.name)
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(now.Add(time.Duration(i) * time.Millisecond)))
		s.SetEndTimestamp(pcommon.NewTimestampFromTime(now.Add(time.Second)))
		s.Status().SetCode(ptrace.StatusCodeOk)
		if err := s.Attributes().FromRaw(spec.attrs); err != nil {
			panic(err)
		}
	}
	return td, "tr-" + traceID.String()
}

func randomBytes16() (b [16]byte) { fill(b[:]); return }
func randomBytes8() (b [8]byte)   { fill(b[:]); return }

func fill(b []byte) {
	_, err := cryptorand.Read(b)
	if err != nil {
		panic(err)
	}
}
