package mlflowexporter

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter/internal/metadata"
)

// withValidUTF8 is the repair pass as the UTF-8 tests see it: the data and the number of texts
// whose invalid UTF-8 it replaced.
func withValidUTF8(td ptrace.Traces) (ptrace.Traces, int) {
	got, done := withRepairs(td)
	return got, done[didUTF8]
}

func TestWithValidUTF8(t *testing.T) {
	const bad, repaired = "caf\xe9 \xff\xfe!", "caf\uFFFD \uFFFD!"
	rs := func(td ptrace.Traces) ptrace.ResourceSpans { return td.ResourceSpans().At(0) }
	ss := func(td ptrace.Traces) ptrace.ScopeSpans { return rs(td).ScopeSpans().At(0) }
	sp := func(td ptrace.Traces) ptrace.Span { return ss(td).Spans().At(0) }
	str := func(m pcommon.Map, k string) string { v, _ := m.Get(k); return v.Str() }
	tests := []struct {
		name string
		set  func(ptrace.Traces)
		get  func(ptrace.Traces) string
	}{
		{"resource schema URL", func(td ptrace.Traces) { rs(td).SetSchemaUrl(bad) }, func(td ptrace.Traces) string { return rs(td).SchemaUrl() }},
		{"resource attribute", func(td ptrace.Traces) { rs(td).Resource().Attributes().PutStr("k", bad) }, func(td ptrace.Traces) string { return str(rs(td).Resource().Attributes(), "k") }},
		{"scope schema URL", func(td ptrace.Traces) { ss(td).SetSchemaUrl(bad) }, func(td ptrace.Traces) string { return ss(td).SchemaUrl() }},
		{"scope name", func(td ptrace.Traces) { ss(td).Scope().SetName(bad) }, func(td ptrace.Traces) string { return ss(td).Scope().Name() }},
		{"scope version", func(td ptrace.Traces) { ss(td).Scope().SetVersion(bad) }, func(td ptrace.Traces) string { return ss(td).Scope().Version() }},
		{"scope attribute", func(td ptrace.Traces) { ss(td).Scope().Attributes().PutStr("k", bad) }, func(td ptrace.Traces) string { return str(ss(td).Scope().Attributes(), "k") }},
		{"span name", func(td ptrace.Traces) { sp(td).SetName(bad) }, func(td ptrace.Traces) string { return sp(td).Name() }},
		{"span trace state", func(td ptrace.Traces) { sp(td).TraceState().FromRaw(bad) }, func(td ptrace.Traces) string { return sp(td).TraceState().AsRaw() }},
		{"span attribute", func(td ptrace.Traces) { sp(td).Attributes().PutStr("k", bad) }, func(td ptrace.Traces) string { return str(sp(td).Attributes(), "k") }},
		{"status message", func(td ptrace.Traces) { sp(td).Status().SetMessage(bad) }, func(td ptrace.Traces) string { return sp(td).Status().Message() }},
		{"event name", func(td ptrace.Traces) { sp(td).Events().AppendEmpty().SetName(bad) }, func(td ptrace.Traces) string { return sp(td).Events().At(0).Name() }},
		{"event attribute", func(td ptrace.Traces) { sp(td).Events().AppendEmpty().Attributes().PutStr("k", bad) }, func(td ptrace.Traces) string { return str(sp(td).Events().At(0).Attributes(), "k") }},
		{"link trace state", func(td ptrace.Traces) { sp(td).Links().AppendEmpty().TraceState().FromRaw(bad) }, func(td ptrace.Traces) string { return sp(td).Links().At(0).TraceState().AsRaw() }},
		{"link attribute", func(td ptrace.Traces) { sp(td).Links().AppendEmpty().Attributes().PutStr("k", bad) }, func(td ptrace.Traces) string { return str(sp(td).Links().At(0).Attributes(), "k") }},
		{"value in a map", func(td ptrace.Traces) { sp(td).Attributes().PutEmptyMap("m").PutStr("k", bad) }, func(td ptrace.Traces) string {
			m, _ := sp(td).Attributes().Get("m")
			return str(m.Map(), "k")
		}},
		{"value in a slice", func(td ptrace.Traces) { sp(td).Attributes().PutEmptySlice("s").AppendEmpty().SetStr(bad) }, func(td ptrace.Traces) string {
			s, _ := sp(td).Attributes().Get("s")
			return s.Slice().At(0).Str()
		}},
		{"key", func(td ptrace.Traces) { sp(td).Attributes().PutStr(bad, "v") }, func(td ptrace.Traces) string {
			for k := range sp(td).Attributes().All() {
				if k != "service.name" {
					return k
				}
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			td := newTraces(resource{spans: []span{{name: "a", trace: 1}}})
			tt.set(td)

			got, n := withValidUTF8(td)

			assert.Equal(t, 1, n)
			assert.Equal(t, repaired, tt.get(got))
			assert.Equal(t, bad, tt.get(td), "the input is not changed")
		})
	}
}

func TestWithValidUTF8CountsEachText(t *testing.T) {
	td := newTraces(resource{spans: []span{
		{name: "a\xff", trace: 1, attrs: map[string]string{"x": "\xff", "y": "ok", "\xfez": "v"}},
		{name: "b", trace: 1},
	}})

	got, n := withValidUTF8(td)

	assert.Equal(t, 3, n, "the name, a value and a key")
	attrs := got.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
	assert.Equal(t, map[string]any{"x": "\uFFFD", "y": "ok", "\uFFFDz": "v"}, attrs.AsRaw())
	assert.Equal(t, []string{"a\uFFFD", "b"}, spanNames(got))
}

func TestWithValidUTF8LeavesValidTextAlone(t *testing.T) {
	td := newTraces(resource{spans: []span{{name: "café ☕", trace: 1, attrs: map[string]string{"k": "日本"}}}})
	want := ptrace.NewTraces()
	td.CopyTo(want)

	got, n := withValidUTF8(td)

	require.Zero(t, n)
	assert.Equal(t, want, got)
}

// refusingInvalidUTF8 answers the requests in turn: 400 to those for which refuse says so,
// 200 to the others.
func refusingInvalidUTF8(t *testing.T, refuse ...bool) (*fakeMLflow, *atomic.Int32) {
	fake := newFakeMLflow(t)
	var requests atomic.Int32
	fake.respond = func(w http.ResponseWriter, _ string) {
		if i := int(requests.Add(1)) - 1; i < len(refuse) && refuse[i] {
			writeMLflowError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "refused")
			return
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
	}
	return fake, &requests
}

func newObservedExporter(t *testing.T, endpoint string) (*observer.ObservedLogs, func(ptrace.Traces) error) {
	core, logs := observer.New(zapcore.WarnLevel)
	set := exportertest.NewNopSettings(metadata.Type)
	set.Logger = zap.New(core)
	exp := newTestExporterWithSettings(t, set, endpoint, nil)
	return logs, func(td ptrace.Traces) error { return exp.ConsumeTraces(t.Context(), td) }
}

func TestExportResendsARefusedTraceWithItsTextRepaired(t *testing.T) {
	// The batch, the good trace alone, the bad one alone, the bad one repaired.
	fake, _ := refusingInvalidUTF8(t, true, false, true, false)
	logs, consume := newObservedExporter(t, fake.URL)
	td := newTraces(
		resource{spans: []span{{name: "good", trace: 1}}},
		resource{spans: []span{{name: "bad\xff", trace: 2, attrs: map[string]string{"note": "caf\xe9"}}}},
	)

	require.NoError(t, consume(td))

	var got []string
	for _, r := range fake.received() {
		got = append(got, spanNames(r.traces)...)
	}
	assert.Equal(t, []string{"good", "bad\xff", "good", "bad\xff", "bad\uFFFD"}, got)
	repaired := logs.FilterMessageSnippet("sending it again with the values it refuses repaired").All()
	require.Len(t, repaired, 1)
	assert.Equal(t, firstTraceID(td, 1), repaired[0].ContextMap()["trace_id"])
	assert.Equal(t, []any{didUTF8}, repaired[0].ContextMap()["repaired"])
	assert.Equal(t, int64(2), repaired[0].ContextMap()["repaired_values"])
}

func TestExportRepairsARefusedBatchOfOneTrace(t *testing.T) {
	fake, _ := refusingInvalidUTF8(t, true, false)
	_, consume := newObservedExporter(t, fake.URL)

	require.NoError(t, consume(newTraces(resource{spans: []span{{name: "bad\xff", trace: 1}}})))

	got := fake.received()
	require.Len(t, got, 2)
	assert.Equal(t, []string{"bad\uFFFD"}, spanNames(got[1].traces))
}

func TestExportDropsARepairedTraceRefusedAgain(t *testing.T) {
	fake, requests := refusingInvalidUTF8(t, true, true, true)
	_, consume := newObservedExporter(t, fake.URL)
	td := newTraces(resource{spans: []span{{name: "bad\xff", trace: 1}}})

	err := consume(td)

	assert.True(t, consumererror.IsPermanent(err), "%v", err)
	assert.ErrorContains(t, err, firstTraceID(td, 0)+" (sent again with invalid UTF-8 replaced by U+FFFD, values repaired: 1)")
	assert.ErrorContains(t, err, "refused")
	assert.Equal(t, int32(2), requests.Load(), "sent repaired once, not again")
}

func TestExportDoesNotRepairTraceRefusedForAnotherReason(t *testing.T) {
	fake, requests := refusingInvalidUTF8(t, true, true)
	logs, consume := newObservedExporter(t, fake.URL)

	err := consume(newTraces(resource{spans: []span{{name: "valid", trace: 1}}}))

	assert.True(t, consumererror.IsPermanent(err), "%v", err)
	assert.Equal(t, int32(1), requests.Load())
	assert.Zero(t, logs.FilterMessageSnippet("sending it again").Len())
}

func TestExportRetriesTheRepairedTrace(t *testing.T) {
	fake := newFakeMLflow(t)
	var requests atomic.Int32
	fake.respond = func(w http.ResponseWriter, _ string) {
		switch requests.Add(1) {
		case 1:
			writeMLflowError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "refused")
		case 2: // the repaired trace
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}
	_, consume := newObservedExporter(t, fake.URL)

	err := consume(newTraces(resource{spans: []span{{name: "bad\xff", trace: 1}}}))

	assert.False(t, consumererror.IsPermanent(err), "%v", err)
	tracesErr, ok := errors.AsType[consumererror.Traces](err)
	require.True(t, ok, "want a consumererror.Traces, got %v", err)
	assert.Equal(t, []string{"bad\uFFFD"}, spanNames(tracesErr.Data()), "the retry sends the repaired copy")
}

// BenchmarkWithValidUTF8 measures what a refused trace of 100 spans costs before it is dropped
// or sent again; batches the server accepts are not scanned.
func BenchmarkWithValidUTF8(b *testing.B) {
	spans := make([]span, 100)
	for i := range spans {
		spans[i] = span{name: "llm call", trace: 1, parent: i > 0, attrs: map[string]string{
			"mlflow.spanInputs":  `{"messages":[{"role":"user","content":"What is the weather in Paris?"}]}`,
			"mlflow.spanOutputs": `"It is sunny."`,
		}}
	}
	for _, bc := range []struct {
		name string
		text string
	}{{"valid", "café"}, {"one invalid value", "caf\xe9"}} {
		b.Run(bc.name, func(b *testing.B) {
			td := newTraces(resource{spans: spans})
			td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(50).Attributes().PutStr("note", bc.text)
			b.ReportAllocs()
			for b.Loop() {
				withValidUTF8(td)
			}
		})
	}
}
