package mlflowexporter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// TestIntegration exports through the factory-built exporter (gzip, the default) to a real
// tracking server and reads the traces back. The subtests share the server; each writes its
// own traces, most into their own experiments.
func TestIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real MLflow server")
	}
	dir := t.TempDir()
	srv := mlflowtest.StartWith(t, mlflowtest.Options{Dir: dir})
	api := srv.Client

	t.Run("default experiment", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, nil)
		td := newTraces(resource{spans: []span{{name: "root", trace: 1}}})

		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		tr := srv.WaitForTrace(t, firstTraceID(td, 0))
		assert.Equal(t, mlflow.DefaultExperimentID, tr.Info.ExperimentID)
	})

	t.Run("a batch over max_spans_per_request lands whole", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, func(c *Config) { c.MaxSpansPerRequest = 2 })
		td := chunkTestTraces()

		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		// Sent as five requests, traces 1 and 3 in two pieces each.
		traceOf := map[string]string{}
		for _, rs := range td.ResourceSpans().All() {
			for _, s := range rs.ScopeSpans().At(0).Spans().All() {
				traceOf[s.Name()] = mlflow.TraceID(s.TraceID())
			}
		}
		for _, want := range [][]string{{"a1", "a2", "a3"}, {"b1"}, {"c1", "c2", "c3", "c4"}} {
			tr := srv.WaitForTrace(t, traceOf[want[0]])
			assert.ElementsMatch(t, want, names(tr.Spans))
		}
	})

	t.Run("a trace over max_spans_per_request is stored as if sent whole", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, func(c *Config) { c.MaxSpansPerRequest = 2 })
		usage := `{"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}`
		spans := []span{{name: "agent", trace: 1, attrs: map[string]string{mlflow.AttrTraceTagPrefix + "team": "search"}}}
		for i := range 5 {
			spans = append(spans, span{name: fmt.Sprintf("llm %d", i), trace: 1, parent: true,
				attrs: map[string]string{mlflow.AttrChatTokenUsage: usage}})
		}
		// The resource's team must not overwrite the root's tag, as in one request; it does
		// when the root's piece goes first.
		td := newTraces(resource{attrs: map[string]string{"team": "platform"}, spans: spans})

		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		tr := srv.WaitForSpans(t, firstTraceID(td, 0), len(spans))
		assert.Len(t, tr.Spans, len(spans))
		assert.Equal(t, "search", tr.Info.Tags["team"], "the root's tag")
		assert.Equal(t, "OK", tr.Info.State)
		assert.JSONEq(t, `{"input_tokens": 5, "output_tokens": 10, "total_tokens": 15}`,
			tr.Info.TraceMetadata[mlflow.MetadataTokenUsage], "usage summed over every piece")
	})

	t.Run("a tag set between the spans and the trace info stays", func(t *testing.T) {
		// A proxy sets the tag on the stored trace, as a late SetTraceTag relayed by the
		// receiver may, between the exporter's spans and its StartTraceV3.
		target, err := url.Parse(srv.URL)
		require.NoError(t, err)
		proxy := httputil.NewSingleHostReverseProxy(target)
		var tagged atomic.Bool
		front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == mlflow.PathStartTraceV3 && !tagged.Swap(true) {
				var body struct {
					Trace struct {
						TraceInfo struct {
							TraceID string `json:"trace_id"`
						} `json:"trace_info"`
					} `json:"trace"`
				}
				raw, err := io.ReadAll(r.Body)
				require.NoError(t, err)
				require.NoError(t, json.Unmarshal(raw, &body))
				r.Body = io.NopCloser(bytes.NewReader(raw))
				tag, err := http.NewRequestWithContext(r.Context(), http.MethodPatch,
					srv.URL+"/api/2.0/mlflow/traces/"+body.Trace.TraceInfo.TraceID+"/tags", strings.NewReader(`{"key":"review","value":"approved"}`))
				require.NoError(t, err)
				resp, err := http.DefaultClient.Do(tag)
				require.NoError(t, err)
				resp.Body.Close()
				require.Equal(t, http.StatusOK, resp.StatusCode)
			}
			proxy.ServeHTTP(w, r)
		}))
		t.Cleanup(front.Close)
		exp := newTestExporter(t, front.URL, nil)
		td := newTraces(resource{spans: []span{{name: "agent", trace: 1, attrs: map[string]string{
			mlflow.AttrTraceMetadataPrefix + "app.version": "1.2",
			mlflow.AttrTraceTagPrefix + "review":           "pending",
			mlflow.AttrTraceTagPrefix + "team":             "search",
			// Skipped on the spans, stored from StartTraceV3, as when the SDK sends it.
			mlflow.AttrTraceTagPrefix + "reviewed!": "yes",
		}}}})

		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		require.True(t, tagged.Load(), "the trace info was sent")
		info := srv.WaitForTrace(t, firstTraceID(td, 0)).Info
		assert.Equal(t, "approved", info.Tags["review"], "not undone by the trace info")
		assert.Equal(t, "search", info.Tags["team"], "the root's tags, stored with the spans")
		assert.Equal(t, "yes", info.Tags["reviewed!"], "a key the spans cannot carry")
		assert.Equal(t, "agent", info.Tags[tagTraceName], "the name, sent with the trace info")
		assert.Equal(t, "1.2", info.TraceMetadata["app.version"])
	})

	t.Run("an experiment name MLflow refuses fails its spans only", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, nil)
		td := newTraces(
			resource{attrs: map[string]string{mlflow.AttrExperimentName: strings.Repeat("n", mlflow.MaxExperimentNameChars+1)}, spans: []span{{name: "refused", trace: 1}}},
			resource{spans: []span{{name: "stored", trace: 2}}},
		)

		err := exp.ConsumeTraces(t.Context(), td)

		assert.True(t, consumererror.IsPermanent(err), "%v", err)
		assert.ErrorContains(t, err, "'name' exceeds the maximum length of 500 characters", "MLflow's message")
		tr := srv.WaitForTrace(t, firstTraceID(td, 1))
		assert.Equal(t, []string{"stored"}, names(tr.Spans))
	})

	t.Run("experiment by id", func(t *testing.T) {
		id, err := api.CreateExperiment(t.Context(), "it-by-id")
		require.NoError(t, err)
		exp := newTestExporter(t, srv.URL, func(c *Config) { c.ExperimentID = id })
		td := newTraces(resource{spans: []span{{name: "root", trace: 1}, {name: "child", trace: 1}}})

		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		tr := srv.WaitForTrace(t, firstTraceID(td, 0))
		assert.Equal(t, id, tr.Info.ExperimentID)
		assert.ElementsMatch(t, []string{"root", "child"}, names(tr.Spans))
		infos, err := api.SearchTraces(t.Context(), []string{id}, "")
		require.NoError(t, err)
		require.Len(t, infos, 1)
		assert.Equal(t, tr.Info.TraceID, infos[0].TraceID)
	})

	t.Run("experiment by name, created then found", func(t *testing.T) {
		first := newTraces(resource{spans: []span{{name: "first", trace: 1}}})
		second := newTraces(resource{spans: []span{{name: "second", trace: 1}}})
		byName := func(c *Config) { c.ExperimentName = "it-by-name" }

		require.NoError(t, newTestExporter(t, srv.URL, byName).ConsumeTraces(t.Context(), first))
		require.NoError(t, newTestExporter(t, srv.URL, byName).ConsumeTraces(t.Context(), second))

		created, err := api.GetExperimentByName(t.Context(), "it-by-name")
		require.NoError(t, err)
		assert.Equal(t, created.ID, srv.WaitForTrace(t, firstTraceID(first, 0)).Info.ExperimentID)
		assert.Equal(t, created.ID, srv.WaitForTrace(t, firstTraceID(second, 0)).Info.ExperimentID)
	})

	t.Run("routing by resource and span attributes", func(t *testing.T) {
		configured, err := api.CreateExperiment(t.Context(), "it-routing-configured")
		require.NoError(t, err)
		byID, err := api.CreateExperiment(t.Context(), "it-routing-by-id")
		require.NoError(t, err)
		exp := newTestExporter(t, srv.URL, func(c *Config) { c.ExperimentID = configured })
		td := newTraces(
			resource{spans: []span{{name: "unrouted", trace: 1}}},
			resource{attrs: map[string]string{mlflow.AttrExperimentID: byID}, spans: []span{{name: "by id", trace: 2}}},
			resource{attrs: map[string]string{mlflow.AttrExperimentName: "it-routing-by-name"}, spans: []span{{name: "by name", trace: 3}}},
			resource{spans: []span{{name: "by span", trace: 4, attrs: map[string]string{mlflow.AttrExperimentID: `"` + byID + `"`}}}},
		)

		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		byName, err := api.GetExperimentByName(t.Context(), "it-routing-by-name")
		require.NoError(t, err)
		for i, want := range []string{configured, byID, byName.ID, byID} {
			assert.Equal(t, want, srv.WaitForTrace(t, firstTraceID(td, i)).Info.ExperimentID, "resource %d", i)
		}
	})

	t.Run("routing table", func(t *testing.T) {
		byID, err := api.CreateExperiment(t.Context(), "it-table-by-id")
		require.NoError(t, err)
		exp := newTestExporter(t, srv.URL, func(c *Config) {
			c.Routing = RoutingConfig{
				Attribute: "app.name",
				Table: []RoutingRule{
					{Value: "checkout-agent", ExperimentName: "it-table-by-name"},
					{Value: "support-bot", ExperimentID: byID},
				},
				DefaultExperimentName: "it-table-default",
			}
		})
		td := newTraces(
			resource{attrs: map[string]string{"app.name": "checkout-agent"}, spans: []span{{name: "checkout", trace: 1}}},
			resource{spans: []span{{name: "support", trace: 2, attrs: map[string]string{"app.name": "support-bot"}}, {name: "support child", trace: 2, parent: true}}},
			resource{spans: []span{{name: "unrouted", trace: 3}}},
		)

		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		byName, err := api.GetExperimentByName(t.Context(), "it-table-by-name")
		require.NoError(t, err)
		def, err := api.GetExperimentByName(t.Context(), "it-table-default")
		require.NoError(t, err)
		assert.Equal(t, byName.ID, srv.WaitForTrace(t, firstTraceID(td, 0)).Info.ExperimentID)
		support := srv.WaitForSpans(t, firstTraceID(td, 1), 2)
		assert.Equal(t, byID, support.Info.ExperimentID)
		assert.ElementsMatch(t, []string{"support", "support child"}, names(support.Spans))
		assert.Equal(t, def.ID, srv.WaitForTrace(t, firstTraceID(td, 2)).Info.ExperimentID)
	})

	t.Run("JSON text values round-trip", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, nil)
		td := newTraces(resource{spans: []span{{name: "llm", trace: 1, attrs: map[string]string{
			mlflow.AttrSpanType:    `"CHAT_MODEL"`,
			mlflow.AttrSpanOutputs: `"123"`,
			mlflow.AttrSpanInputs:  `{"messages":[{"role":"user","content":"hi"}]}`,
		}}}})

		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		tr := srv.WaitForTrace(t, firstTraceID(td, 0))
		require.Len(t, tr.Spans, 1)
		assert.Equal(t, mlflow.SpanTypeChatModel, tr.Spans[0].SpanType())
		assert.Equal(t, "123", tr.Spans[0].Attributes[mlflow.AttrSpanOutputs], "a string, not the number 123")
		assert.Equal(t, map[string]any{"messages": []any{map[string]any{"role": "user", "content": "hi"}}},
			tr.Spans[0].Attributes[mlflow.AttrSpanInputs])
		assert.Equal(t, "hi", tr.Info.RequestPreview)
	})

	t.Run("doubles that are not finite round-trip", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, nil)
		td := newTraces(resource{spans: []span{{name: "score", trace: 1}}})
		attrs := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
		attrs.PutDouble("nan", math.NaN())
		attrs.PutDouble("inf", math.Inf(1))
		attrs.PutDouble("-inf", math.Inf(-1))

		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		tr, err := api.GetTrace(t.Context(), firstTraceID(td, 0))
		require.NoError(t, err)
		require.Len(t, tr.Spans, 1)
		got := tr.Spans[0].Attributes
		assert.True(t, math.IsNaN(got["nan"].(float64)), "%v", got["nan"])
		assert.Equal(t, math.Inf(1), got["inf"])
		assert.Equal(t, math.Inf(-1), got["-inf"])
	})

	t.Run("a span repeated in one batch is stored and counted once", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, nil)
		td := newTraces(resource{spans: []span{{name: "chat", trace: 1, attrs: map[string]string{
			mlflow.AttrSpanType:       mlflow.JSONText(mlflow.SpanTypeChatModel),
			mlflow.AttrChatTokenUsage: `{"input_tokens":10,"output_tokens":5,"total_tokens":15}`,
		}}}})
		spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
		spans.At(0).CopyTo(spans.AppendEmpty()) // a client's retry, batched with the original

		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		tr := srv.WaitForTrace(t, firstTraceID(td, 0))
		assert.Len(t, tr.Spans, 1)
		assert.JSONEq(t, `{"input_tokens":10,"output_tokens":5,"total_tokens":15}`, tr.Info.TraceMetadata[mlflow.MetadataTokenUsage])
	})

	t.Run("MLflow SDK trace info", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, nil)
		td := newTraces(resource{spans: []span{{name: "POST /chat", trace: 1, attrs: map[string]string{
			mlflow.AttrTraceMetadataPrefix + "app.version": "1.2.3",
			mlflow.AttrTraceTagPrefix + "team":             "search",
			// As the llmtrace processor names a trace: JSON text.
			mlflow.AttrTraceTagPrefix + mlflow.TagTraceName: mlflow.JSONText("weather"),
		}}}})

		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		info := srv.WaitForTrace(t, firstTraceID(td, 0)).Info
		assert.Equal(t, "1.2.3", info.TraceMetadata["app.version"])
		assert.Equal(t, "search", info.Tags["team"])
		assert.Equal(t, "weather", info.Tags[mlflow.TagTraceName])
	})

	t.Run("MLflow SDK trace info of a root named over MLflow's trace name limit", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, nil)
		name := strings.Repeat("é", maxTraceNameChars+1)
		td := newTraces(resource{spans: []span{{name: name, trace: 1, attrs: map[string]string{
			mlflow.AttrTraceMetadataPrefix + "app.version": "1.2.3",
		}}}})

		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		info := srv.WaitForTrace(t, firstTraceID(td, 0)).Info
		assert.Equal(t, "1.2.3", info.TraceMetadata["app.version"], "the trace info was recorded")
		assert.Equal(t, name[:2*maxTraceNameChars], info.Tags[mlflow.TagTraceName], "named after the root, truncated")
	})

	t.Run("MLflow SDK trace info with a session id over MLflow's limit", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, nil)
		session := strings.Repeat("é", maxSessionIDChars+50)
		td := newTraces(resource{spans: []span{{name: "agent", trace: 1, attrs: map[string]string{
			mlflow.AttrTraceMetadataPrefix + "app.version":          "1.2.3",
			mlflow.AttrTraceMetadataPrefix + mlflow.MetadataSession: session,
		}}}})

		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		info := srv.WaitForTrace(t, firstTraceID(td, 0)).Info
		assert.Equal(t, "1.2.3", info.TraceMetadata["app.version"], "the trace info was recorded")
		assert.Equal(t, session[:2*maxSessionIDChars], info.TraceMetadata[mlflow.MetadataSession], "truncated")
	})

	t.Run("trace info the app set replaces what the server derived from the spans", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, nil)
		td := newTraces(resource{spans: []span{{name: "agent", trace: 1, attrs: map[string]string{
			mlflow.AttrSpanInputs:                mlflow.JSONText("What is the weather in Paris?"),
			mlflow.AttrSpanOutputs:               mlflow.JSONText("It is sunny."),
			mlflow.AttrTraceMetadataPrefix + "k": "v",
			mlflow.AttrTraceClientRequestID:      "req-42",
			mlflow.AttrTraceRequestPreview:       "Paris weather?",
			mlflow.AttrTraceResponsePreview:      "sunny",
			mlflow.AttrTraceState:                mlflow.TraceStateError, // the span's status is unset: OK
		}}}})

		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		info := srv.WaitForTrace(t, firstTraceID(td, 0)).Info
		assert.Equal(t, "req-42", info.ClientRequestID)
		assert.Equal(t, "Paris weather?", info.RequestPreview)
		assert.Equal(t, "sunny", info.ResponsePreview)
		assert.Equal(t, mlflow.TraceStateError, info.State)
	})

	t.Run("experiment deleted for good is created again", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, func(c *Config) {
			c.ExperimentName = "it-recreated"
			c.RetryConfig.Enabled = true
			c.RetryConfig.InitialInterval = time.Millisecond
		})
		require.NoError(t, exp.ConsumeTraces(t.Context(), newTraces(resource{spans: []span{{name: "first", trace: 1}}})))
		deleted, err := api.GetExperimentByName(t.Context(), "it-recreated")
		require.NoError(t, err)
		deleteForGood(t, srv, dir, deleted.ID)

		td := newTraces(resource{spans: []span{{name: "second", trace: 1}}})
		require.NoError(t, exp.ConsumeTraces(t.Context(), td))

		created, err := api.GetExperimentByName(t.Context(), "it-recreated")
		require.NoError(t, err)
		assert.Equal(t, created.ID, srv.WaitForTrace(t, firstTraceID(td, 0)).Info.ExperimentID)
	})

	// The server stores a request all or nothing: one span it cannot take must not cost the
	// other traces of the batch.
	const sessionIDTooLong = "HTTP 400 INVALID_PARAMETER_VALUE: 'Session ID' exceeds the maximum length of 250 characters"
	// A session id list holding bytes: MLflow measures its Python repr, which the exporter does
	// not (README), so it is not repaired.
	longSessionIDList := func(s ptrace.Span) {
		list := s.Attributes().PutEmptySlice(mlflow.AttrSessionID)
		list.AppendEmpty().SetEmptyBytes().FromRaw([]byte(strings.Repeat("b", 300)))
	}
	t.Run("a trace the server refuses does not lose the others in its batch", func(t *testing.T) {
		tests := []struct {
			name string
			bad  func(ptrace.Span)
			says string
		}{
			{"empty span id", func(s ptrace.Span) { s.SetSpanID(pcommon.SpanID{}) }, `"bad" of trace ` /* then its id */},
			{"session id list of bytes over 250 characters", longSessionIDList, sessionIDTooLong},
			// Repaired and sent again, then refused for the session id.
			{"text that is not UTF-8 and a session id list of bytes over 250 characters", func(s ptrace.Span) {
				s.Attributes().PutStr("note", "caf\xe9")
				longSessionIDList(s)
			}, "(sent again with invalid UTF-8 replaced by U+FFFD, values repaired: 1): Permanent error: MLflow refused spans for experiment 0: mlflow: " + sessionIDTooLong},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				exp := newTestExporter(t, srv.URL, nil)
				td := newTraces(
					resource{spans: []span{{name: "good", trace: 1}, {name: "good child", trace: 1, parent: true}}},
					resource{spans: []span{{name: "bad", trace: 2}}},
					resource{spans: []span{{name: "also good", trace: 3}}},
				)
				badTraceID := firstTraceID(td, 1)
				tt.bad(td.ResourceSpans().At(1).ScopeSpans().At(0).Spans().At(0))

				err := exp.ConsumeTraces(t.Context(), td)

				assert.True(t, consumererror.IsPermanent(err), "%v", err)
				assert.ErrorContains(t, err, badTraceID)
				assert.ErrorContains(t, err, tt.says, "MLflow's message")
				// The server answers once it has stored the spans: no need to wait.
				good, err := api.GetTrace(t.Context(), firstTraceID(td, 0))
				require.NoError(t, err)
				assert.ElementsMatch(t, []string{"good", "good child"}, names(good.Spans))
				_, err = api.GetTrace(t.Context(), firstTraceID(td, 2))
				assert.NoError(t, err)
			})
		}
	})

	t.Run("the repairs change exactly what MLflow refuses", func(t *testing.T) {
		for _, c := range attrCases {
			t.Run(c.name, func(t *testing.T) {
				td := newAttrCaseTraces(c)

				status, body := postAsIs(t, srv.URL, td)

				assert.Equal(t, c.refused, status != http.StatusOK, "HTTP %d %s", status, body)
				repaired, done := withRepairs(td)
				assert.Equal(t, c.refused, done.total() > 0, "repaired: %v", done)
				if done.total() > 0 {
					status, body := postAsIs(t, srv.URL, repaired)
					assert.Equal(t, http.StatusOK, status, "repaired: HTTP %d %s", status, body)
				}
			})
		}
	})

	t.Run("the nesting repair changes exactly what MLflow refuses, in every part of a trace", func(t *testing.T) {
		holding := func(m pcommon.Map, depth int) { nestedMaps(m.PutEmptyMap("deep"), depth).PutStr("k", "v") }
		listHolding := func(m pcommon.Map, depth int) { nestedSlices(m.PutEmptySlice("deep"), depth).AppendEmpty().SetStr("x") }
		tests := []struct {
			name    string
			attrs   func(rs ptrace.ResourceSpans) pcommon.Map
			set     func(pcommon.Map)
			refused bool
		}{
			{"resource, maps 32 deep", resourceAttrs, func(m pcommon.Map) { holding(m, 32) }, false},
			{"resource, maps 33 deep", resourceAttrs, func(m pcommon.Map) { holding(m, 33) }, true},
			{"scope, maps 31 deep", scopeAttrs, func(m pcommon.Map) { holding(m, 31) }, false},
			{"scope, maps 32 deep", scopeAttrs, func(m pcommon.Map) { holding(m, 32) }, true},
			{"event, maps 31 deep", eventAttrs, func(m pcommon.Map) { holding(m, 31) }, false},
			{"event, maps 32 deep", eventAttrs, func(m pcommon.Map) { holding(m, 32) }, true},
			{"link, lists 47 deep", linkAttrs, func(m pcommon.Map) { listHolding(m, 47) }, false},
			{"link, lists 48 deep", linkAttrs, func(m pcommon.Map) { listHolding(m, 48) }, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				td := newTraces(resource{spans: []span{{name: "root", trace: 1}}})
				tt.set(tt.attrs(td.ResourceSpans().At(0)))

				status, body := postAsIs(t, srv.URL, td)

				assert.Equal(t, tt.refused, status != http.StatusOK, "HTTP %d %s", status, body)
				repaired, done := withRepairs(td)
				assert.Equal(t, tt.refused, done[didNesting] > 0, "repaired: %v", done)
				if done.total() > 0 {
					status, body := postAsIs(t, srv.URL, repaired)
					assert.Equal(t, http.StatusOK, status, "repaired: HTTP %d %s", status, body)
				}
			})
		}
	})

	t.Run("values MLflow refuses are stored repaired", func(t *testing.T) {
		rep := strings.Repeat
		tests := []struct {
			name   string
			attrs  map[string]string
			set    func(pcommon.Map) // more attributes, of other types
			says   string            // in MLflow's answer to the trace as it is
			did    []string
			stored func(t *testing.T, tr *mlflow.Trace)
		}{
			{
				name:  "session id over 250 characters",
				attrs: map[string]string{mlflow.AttrSessionID: rep("é", 300)},
				says:  "'Session ID' exceeds the maximum length of 250 characters",
				did:   []string{"session.id over 250 characters truncated"},
				stored: func(t *testing.T, tr *mlflow.Trace) {
					assert.Equal(t, rep("é", 250), tr.Info.TraceMetadata[mlflow.MetadataSession])
					assert.Equal(t, rep("é", 250), tr.Spans[0].Attributes[mlflow.AttrSessionID])
				},
			},
			{
				name:  "conversation id over 250 characters",
				attrs: map[string]string{attrConversationID: rep("c", 251)},
				says:  "'Session ID' exceeds the maximum length of 250 characters",
				did:   []string{"gen_ai.conversation.id over 250 characters truncated"},
				stored: func(t *testing.T, tr *mlflow.Trace) {
					assert.Equal(t, rep("c", 250), tr.Info.TraceMetadata[mlflow.MetadataSession])
				},
			},
			{
				name:  "trace name over 4096 characters, as JSON text",
				attrs: map[string]string{mlflow.AttrTraceTagPrefix + tagTraceName: mlflow.JSONText(rep("n", 5000))},
				says:  "'Trace name' exceeds the maximum length of 4096 characters",
				did:   []string{"mlflow.traceTag.mlflow.traceName over 4096 characters truncated"},
				stored: func(t *testing.T, tr *mlflow.Trace) {
					assert.Equal(t, rep("n", 4096), tr.Info.Tags[tagTraceName])
				},
			},
			{
				name: "malformed token usage",
				attrs: map[string]string{
					mlflow.AttrChatTokenUsage: `{"input_tokens":"many","output_tokens":5}`,
					mlflow.AttrSpanType:       mlflow.JSONText(mlflow.SpanTypeChatModel),
				},
				says: "Failed to log OpenTelemetry spans",
				did:  []string{"malformed mlflow.chat.tokenUsage moved to mlflow.chat.tokenUsage.malformed"},
				stored: func(t *testing.T, tr *mlflow.Trace) {
					attrs := tr.Spans[0].Attributes
					assert.NotContains(t, attrs, mlflow.AttrChatTokenUsage)
					assert.Equal(t, map[string]any{"input_tokens": "many", "output_tokens": int64(5)}, attrs[mlflow.AttrChatTokenUsage+malformedSuffix])
					assert.Equal(t, mlflow.SpanTypeChatModel, tr.Spans[0].SpanType())
					assert.NotContains(t, tr.Info.TraceMetadata, mlflow.MetadataTokenUsage)
				},
			},
			{
				name:  "malformed cost",
				attrs: map[string]string{mlflow.AttrLLMCost: "0.25 USD"},
				says:  "Failed to log OpenTelemetry spans",
				did:   []string{"malformed mlflow.llm.cost moved to mlflow.llm.cost.malformed"},
				stored: func(t *testing.T, tr *mlflow.Trace) {
					assert.NotContains(t, tr.Spans[0].Attributes, mlflow.AttrLLMCost)
					assert.Equal(t, "0.25 USD", tr.Spans[0].Attributes[mlflow.AttrLLMCost+malformedSuffix])
				},
			},
			{
				name: "session id list whose text is over 250 characters",
				set: func(m pcommon.Map) {
					l := m.PutEmptySlice(mlflow.AttrSessionID)
					l.AppendEmpty().SetStr(rep("s", 200))
					l.AppendEmpty().SetStr(rep("t", 100))
				},
				says: "'Session ID' exceeds the maximum length of 250 characters",
				did:  []string{"session.id over 250 characters truncated"},
				stored: func(t *testing.T, tr *mlflow.Trace) {
					want := `["` + rep("s", 200) + `", "` + rep("t", 250-206) // MLflow's own text of the list, cut
					assert.Equal(t, want, tr.Info.TraceMetadata[mlflow.MetadataSession])
					assert.Equal(t, want, tr.Spans[0].Attributes[mlflow.AttrSessionID])
				},
			},
			{
				name: "maps nested too deep",
				set:  func(m pcommon.Map) { nestedMaps(m.PutEmptyMap("deep"), 33) },
				says: "Invalid OpenTelemetry format",
				did:  []string{didNesting},
				stored: func(t *testing.T, tr *mlflow.Trace) {
					// The 32nd map, whose contents were too deep, is its JSON text; the maps
					// above it stay maps.
					got, err := json.Marshal(tr.Spans[0].Attributes["deep"])
					require.NoError(t, err)
					assert.Equal(t, strings.Repeat(`{"d":`, 31)+`"{\"d\":{}}"`+strings.Repeat("}", 31), string(got))
				},
			},
			{
				name: "span type that is a list",
				set:  func(m pcommon.Map) { m.PutEmptySlice(mlflow.AttrSpanType).AppendEmpty().SetStr(mlflow.SpanTypeLLM) },
				says: "type 'list' is not supported",
				did:  []string{"malformed mlflow.spanType moved to mlflow.spanType.malformed"},
				stored: func(t *testing.T, tr *mlflow.Trace) {
					assert.NotContains(t, tr.Spans[0].Attributes, mlflow.AttrSpanType)
					assert.Equal(t, []any{mlflow.SpanTypeLLM}, tr.Spans[0].Attributes[mlflow.AttrSpanType+malformedSuffix])
				},
			},
			{
				name: "all of them, and text that is not UTF-8",
				attrs: map[string]string{
					"note":                                      "caf\xe9",
					mlflow.AttrSessionID:                        rep("s", 251),
					mlflow.AttrTraceTagPrefix + tagTraceName:    rep("n", 4097),
					mlflow.AttrChatTokenUsage:                   `{"input_tokens":null}`,
					mlflow.AttrLLMCost:                          `[0.25]`,
					mlflow.AttrTraceTagPrefix + "kept as it is": "v",
				},
				says: "Invalid OpenTelemetry format", // its parser refuses the invalid UTF-8 first
				did: []string{
					didUTF8,
					"session.id over 250 characters truncated",
					"mlflow.traceTag.mlflow.traceName over 4096 characters truncated",
					"malformed mlflow.chat.tokenUsage moved to mlflow.chat.tokenUsage.malformed",
					"malformed mlflow.llm.cost moved to mlflow.llm.cost.malformed",
				},
				stored: func(t *testing.T, tr *mlflow.Trace) {
					attrs := tr.Spans[0].Attributes
					assert.Equal(t, "caf\uFFFD", attrs["note"])
					assert.Equal(t, rep("s", 250), tr.Info.TraceMetadata[mlflow.MetadataSession])
					assert.Equal(t, rep("n", 4096), tr.Info.Tags[tagTraceName])
					assert.Equal(t, "v", tr.Info.Tags["kept as it is"])
					assert.Equal(t, map[string]any{"input_tokens": nil}, attrs[mlflow.AttrChatTokenUsage+malformedSuffix])
					assert.Equal(t, []any{0.25}, attrs[mlflow.AttrLLMCost+malformedSuffix])
				},
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				logs, consume := newObservedExporter(t, srv.URL)
				td := newTraces(
					resource{spans: []span{{name: "refused as it is", trace: 1, attrs: tt.attrs}}},
					resource{spans: []span{{name: "good", trace: 2}}},
				)
				if tt.set != nil {
					tt.set(td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes())
				}
				badTrace := newTraces()
				td.ResourceSpans().At(0).CopyTo(badTrace.ResourceSpans().AppendEmpty())
				status, body := postAsIs(t, srv.URL, badTrace)
				require.NotEqual(t, http.StatusOK, status, "MLflow refuses the trace as it is")
				assert.Contains(t, body, tt.says)

				require.NoError(t, consume(td))

				tr, err := api.GetTrace(t.Context(), firstTraceID(td, 0))
				require.NoError(t, err)
				require.Len(t, tr.Spans, 1)
				tt.stored(t, tr)
				_, err = api.GetTrace(t.Context(), firstTraceID(td, 1))
				assert.NoError(t, err, "the other trace of the batch")
				warned := logs.FilterMessageSnippet("sending it again with the values it refuses repaired").All()
				require.Len(t, warned, 1)
				fields := warned[0].ContextMap()
				assert.Equal(t, firstTraceID(td, 0), fields["trace_id"])
				var did []any
				for _, d := range tt.did {
					did = append(did, d)
				}
				assert.Equal(t, did, fields["repaired"])
				assert.Contains(t, fields["error"], tt.says, "MLflow's message")
			})
		}
	})

	t.Run("text that is not UTF-8 is stored repaired", func(t *testing.T) {
		for _, traces := range []int{1, 2} {
			t.Run(fmt.Sprintf("batch of %d traces", traces), func(t *testing.T) {
				exp := newTestExporter(t, srv.URL, nil)
				resources := []resource{{spans: []span{{name: "bad \xff name", trace: 1, attrs: map[string]string{
					"note":     "caf\xe9 cr\xe8me",
					"key \xfe": "v",
				}}}}}
				if traces == 2 {
					resources = append(resources, resource{spans: []span{{name: "good", trace: 2}}})
				}
				td := newTraces(resources...)
				rs := td.ResourceSpans().At(0)
				rs.Resource().Attributes().PutStr("host.name", "h\xf0st")
				rs.ScopeSpans().At(0).Scope().SetName("scope\xc3")
				bad := rs.ScopeSpans().At(0).Spans().At(0)
				bad.Status().SetCode(ptrace.StatusCodeError)
				bad.Status().SetMessage("failed \xe9")
				bad.Events().AppendEmpty().SetName("event \xe9")

				require.NoError(t, exp.ConsumeTraces(t.Context(), td))

				tr, err := api.GetTrace(t.Context(), firstTraceID(td, 0))
				require.NoError(t, err)
				require.Len(t, tr.Spans, 1)
				got := tr.Spans[0]
				assert.Equal(t, "bad \uFFFD name", got.Name)
				assert.Equal(t, "failed \uFFFD", got.StatusMessage)
				assert.Equal(t, "caf\uFFFD cr\uFFFDme", got.Attributes["note"])
				assert.Equal(t, "v", got.Attributes["key \uFFFD"])
				if traces == 2 {
					_, err = api.GetTrace(t.Context(), firstTraceID(td, 1))
					assert.NoError(t, err)
				}
			})
		}
	})

	t.Run("a span MLflow can never store does not hold back its batch, nor its siblings", func(t *testing.T) {
		for name, spoil := range map[string]func(ptrace.Span){
			// What an instrumentation that never set the start gets: past 2^63 ns, which
			// SQLite cannot hold (the server answers 500, and retrying cannot help).
			"unset start":      func(s ptrace.Span) { s.SetStartTimestamp(pcommon.NewTimestampFromTime(time.Time{})) },
			"all-zero span id": func(s ptrace.Span) { s.SetSpanID(pcommon.SpanID{}) },
		} {
			t.Run(name, func(t *testing.T) {
				exp := newTestExporter(t, srv.URL, nil)
				td := newTraces(
					resource{spans: []span{{name: "good", trace: 1}}},
					resource{spans: []span{{name: "bad", trace: 2}, {name: "its sibling", trace: 2, parent: true}}},
				)
				spoil(td.ResourceSpans().At(1).ScopeSpans().At(0).Spans().At(0))

				err := exp.ConsumeTraces(t.Context(), td)

				assert.True(t, consumererror.IsPermanent(err), "%v", err)
				assert.ErrorContains(t, err, firstTraceID(td, 1))
				assert.ErrorContains(t, err, "which MLflow cannot store")
				_, err = api.GetTrace(t.Context(), firstTraceID(td, 0))
				assert.NoError(t, err)
				sibling, err := api.GetTrace(t.Context(), firstTraceID(td, 1))
				require.NoError(t, err)
				assert.Equal(t, []string{"its sibling"}, names(sibling.Spans))
			})
		}
	})

	t.Run("unknown experiment is permanent, with MLflow's message", func(t *testing.T) {
		exp := newTestExporter(t, srv.URL, func(c *Config) { c.ExperimentID = "987654" })

		err := exp.ConsumeTraces(t.Context(), newTraces(resource{spans: []span{{name: "lost", trace: 1}}}))

		assert.True(t, consumererror.IsPermanent(err), "%v", err)
		assert.ErrorContains(t, err, "HTTP 404 RESOURCE_DOES_NOT_EXIST")
		assert.ErrorContains(t, err, "987654")
	})
}

// postAsIs sends td to experiment 0 of the server at url as the exporter does, without its
// repairs, and returns the answer's status and body.
func postAsIs(t *testing.T, url string, td ptrace.Traces) (int, string) {
	t.Helper()
	body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+mlflow.PathOTLPTraces, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set(mlflow.HeaderExperimentID, mlflow.DefaultExperimentID)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(answer)
}

func names(spans []mlflow.Span) []string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = s.Name
	}
	return out
}

// deleteForGood deletes an experiment and then removes it with mlflow gc, as an operator does to
// reuse its name, from the store of srv, started in dir.
func deleteForGood(t *testing.T, srv *mlflowtest.Server, dir, id string) {
	t.Helper()
	resp, err := http.Post(srv.URL+"/api/2.0/mlflow/experiments/delete", "application/json",
		strings.NewReader(`{"experiment_id": "`+id+`"}`))
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)
	out, err := exec.CommandContext(t.Context(), mlflowtest.Bin(t), "gc", "--experiment-ids", id, "--tracking-uri", srv.URL,
		"--backend-store-uri", "sqlite:///"+filepath.Join(dir, "mlflow.db")).CombinedOutput()
	require.NoError(t, err, string(out))
}

func resourceAttrs(rs ptrace.ResourceSpans) pcommon.Map { return rs.Resource().Attributes() }

func scopeAttrs(rs ptrace.ResourceSpans) pcommon.Map {
	return rs.ScopeSpans().At(0).Scope().Attributes()
}

func eventAttrs(rs ptrace.ResourceSpans) pcommon.Map {
	return rs.ScopeSpans().At(0).Spans().At(0).Events().AppendEmpty().Attributes()
}

func linkAttrs(rs ptrace.ResourceSpans) pcommon.Map {
	span := rs.ScopeSpans().At(0).Spans().At(0)
	link := span.Links().AppendEmpty()
	link.SetTraceID(span.TraceID())
	link.SetSpanID(span.SpanID())
	return link.Attributes()
}
