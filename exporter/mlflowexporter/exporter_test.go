package mlflowexporter

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

func TestExportToConfiguredExperiment(t *testing.T) {
	tests := []struct {
		name      string
		configure func(*Config)
		wantID    string
		wantGzip  bool
	}{
		{name: "default experiment", wantID: "0", wantGzip: true},
		{name: "by id", configure: func(c *Config) { c.ExperimentID = "42" }, wantID: "42", wantGzip: true},
		{name: "by name", configure: func(c *Config) { c.ExperimentName = "agents" }, wantID: "100", wantGzip: true},
		{name: "uncompressed", configure: func(c *Config) { c.ClientConfig.Compression = configcompression.Type("none") }, wantID: "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeMLflow(t)
			exp := newTestExporter(t, fake.URL, tt.configure)
			td := newTraces(resource{spans: []span{{name: "root", trace: 1}, {name: "child", trace: 1}}})

			require.NoError(t, exp.ConsumeTraces(t.Context(), td))

			got := fake.received()
			require.Len(t, got, 1)
			assert.Equal(t, tt.wantID, got[0].experimentID)
			assert.Equal(t, "application/x-protobuf", got[0].contentType)
			assert.Equal(t, tt.wantGzip, got[0].contentEncoding == "gzip")
			assert.Equal(t, td, got[0].traces)
		})
	}
}

func TestExportRoutesByExperiment(t *testing.T) {
	tests := []struct {
		name string
		td   ptrace.Traces
		// want maps experiment ids to the names of the spans they receive.
		want map[string][]string
	}{
		{
			name: "resource id",
			td: newTraces(
				resource{attrs: map[string]string{mlflow.AttrExperimentID: "7"}, spans: []span{{name: "a", trace: 1}}},
				resource{spans: []span{{name: "b", trace: 2}}},
			),
			want: map[string][]string{"7": {"a"}, "0": {"b"}},
		},
		{
			name: "resource name, created",
			td: newTraces(
				resource{attrs: map[string]string{mlflow.AttrExperimentName: "agents"}, spans: []span{{name: "a", trace: 1}}},
			),
			want: map[string][]string{"100": {"a"}},
		},
		{
			name: "resource wins over span",
			td: newTraces(resource{
				attrs: map[string]string{mlflow.AttrExperimentID: "7"},
				spans: []span{{name: "a", trace: 1, attrs: map[string]string{mlflow.AttrExperimentID: "8"}}},
			}),
			want: map[string][]string{"7": {"a"}},
		},
		{
			name: "id wins over name",
			td: newTraces(resource{
				attrs: map[string]string{mlflow.AttrExperimentID: "7", mlflow.AttrExperimentName: "agents"},
				spans: []span{{name: "a", trace: 1}},
			}),
			want: map[string][]string{"7": {"a"}},
		},
		{
			name: "span attribute, trace follows",
			td: newTraces(resource{spans: []span{
				{name: "child", trace: 1},
				{name: "root", trace: 1, attrs: map[string]string{mlflow.AttrExperimentID: "7"}},
				{name: "other", trace: 2},
			}}),
			want: map[string][]string{"7": {"child", "root"}, "0": {"other"}},
		},
		{
			name: "JSON text value, as MLflow's SDK writes it",
			td: newTraces(resource{spans: []span{
				{name: "a", trace: 1, attrs: map[string]string{mlflow.AttrExperimentID: `"9"`}},
			}}),
			want: map[string][]string{"9": {"a"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeMLflow(t)
			exp := newTestExporter(t, fake.URL, nil)

			require.NoError(t, exp.ConsumeTraces(t.Context(), tt.td))

			got := map[string][]string{}
			for _, r := range fake.received() {
				_, dup := got[r.experimentID]
				assert.False(t, dup, "more than one request for experiment %s", r.experimentID)
				got[r.experimentID] = spanNames(r.traces)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestExportRoutesByTable(t *testing.T) {
	fake := newFakeMLflow(t)
	exp := newTestExporter(t, fake.URL, func(c *Config) {
		c.ExperimentID = "3"
		c.Routing = RoutingConfig{
			Attribute: "app.name",
			Table: []RoutingRule{
				{Value: "checkout-agent", ExperimentName: "checkout"},
				{Value: "support-bot", ExperimentID: "12"},
			},
			DefaultExperimentName: "other",
		}
	})
	app := func(name string) map[string]string { return map[string]string{"app.name": name} }
	td := newTraces(
		resource{attrs: app("checkout-agent"), spans: []span{{name: "a", trace: 1}}},
		resource{spans: []span{{name: "b", trace: 2, attrs: app("support-bot")}, {name: "b child", trace: 2, parent: true}}},
		resource{attrs: app("checkout-agent"), spans: []span{{name: "c", trace: 3}}},
		resource{attrs: app("unknown"), spans: []span{{name: "d", trace: 4}}},
		resource{attrs: map[string]string{mlflow.AttrExperimentID: "8"}, spans: []span{{name: "e", trace: 5, attrs: app("support-bot")}}},
	)

	require.NoError(t, exp.ConsumeTraces(t.Context(), td))

	got := map[string][]string{}
	for _, r := range fake.received() {
		_, dup := got[r.experimentID]
		assert.False(t, dup, "more than one request for experiment %s", r.experimentID)
		got[r.experimentID] = spanNames(r.traces)
	}
	// The fake creates experiments with ids 100, 101, ... in order of first use.
	assert.Equal(t, map[string][]string{"100": {"a", "c"}, "12": {"b", "b child"}, "101": {"d"}, "8": {"e"}}, got)
}

func TestExportErrors(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		header        map[string]string
		body          string
		wantPermanent bool
		wantMsg       string
	}{
		{
			name:          "MLflow error",
			status:        http.StatusNotFound,
			body:          `{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "No Experiment with id=0 exists"}`,
			wantPermanent: true,
			wantMsg:       "HTTP 404 RESOURCE_DOES_NOT_EXIST: No Experiment with id=0 exists",
		},
		{
			name:          "MLflow bad request",
			status:        http.StatusBadRequest,
			body:          `{"error_code": "INVALID_PARAMETER_VALUE", "message": "Invalid experiment ID"}`,
			wantPermanent: true,
			wantMsg:       "HTTP 400 INVALID_PARAMETER_VALUE: Invalid experiment ID",
		},
		{
			name:          "FastAPI validation error",
			status:        http.StatusUnprocessableEntity,
			body:          `{"detail":[{"type":"missing","loc":["header","x-mlflow-experiment-id"],"msg":"Field required"}]}`,
			wantPermanent: true,
			wantMsg:       "HTTP 422: header.x-mlflow-experiment-id: Field required",
		},
		{
			name:          "FastAPI detail",
			status:        http.StatusNotImplemented,
			body:          `{"detail":"REST OTLP span logging is not supported by FileStore"}`,
			wantPermanent: false,
			wantMsg:       "HTTP 501: REST OTLP span logging is not supported by FileStore",
		},
		{
			name:          "unauthorized",
			status:        http.StatusUnauthorized,
			body:          "You are not authenticated.",
			wantPermanent: true,
			wantMsg:       "HTTP 401: You are not authenticated.",
		},
		{
			name:    "too many requests",
			status:  http.StatusTooManyRequests,
			header:  map[string]string{"Retry-After": "7"},
			wantMsg: "HTTP 429",
		},
		{name: "unavailable", status: http.StatusServiceUnavailable, wantMsg: "HTTP 503"},
		{name: "request timeout", status: http.StatusRequestTimeout, wantMsg: "HTTP 408"},
		{name: "server error", status: http.StatusInternalServerError, body: "boom", wantMsg: "HTTP 500: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeMLflow(t)
			fake.respond = func(w http.ResponseWriter, _ string) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}
			exp := newTestExporter(t, fake.URL, nil)

			err := exp.ConsumeTraces(t.Context(), newTraces(resource{spans: []span{{name: "a", trace: 1}}}))

			require.Error(t, err)
			assert.Equal(t, tt.wantPermanent, consumererror.IsPermanent(err), err.Error())
			assert.ErrorContains(t, err, "MLflow refused spans for experiment 0: mlflow: "+tt.wantMsg)
		})
	}
}

func TestExportTimeoutIsRetryable(t *testing.T) {
	fake := newFakeMLflow(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	fake.respond = func(http.ResponseWriter, string) { <-release }
	exp := newTestExporter(t, fake.URL, func(c *Config) { c.ClientConfig.Timeout = 50 * time.Millisecond })

	err := exp.ConsumeTraces(t.Context(), newTraces(resource{spans: []span{{name: "a", trace: 1}}}))

	require.Error(t, err)
	assert.False(t, consumererror.IsPermanent(err), err.Error())
	assert.ErrorContains(t, err, "sending spans to experiment 0")
}

func TestExportRetriesOnlyFailedExperiments(t *testing.T) {
	fake := newFakeMLflow(t)
	fake.respond = func(w http.ResponseWriter, id string) {
		switch id {
		case "1":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "2":
			writeMLflowError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "bad span")
		}
	}
	exp := newTestExporter(t, fake.URL, nil)
	td := newTraces(
		resource{attrs: map[string]string{mlflow.AttrExperimentID: "1"}, spans: []span{{name: "unavailable", trace: 1}}},
		resource{attrs: map[string]string{mlflow.AttrExperimentID: "2"}, spans: []span{{name: "refused", trace: 2}}},
		resource{spans: []span{{name: "stored", trace: 3}}},
	)

	err := exp.ConsumeTraces(t.Context(), td)

	require.Error(t, err)
	assert.False(t, consumererror.IsPermanent(err), err.Error())
	tracesErr, ok := errors.AsType[consumererror.Traces](err)
	require.True(t, ok, "want a consumererror.Traces, got %v", err)
	assert.Equal(t, []string{"unavailable"}, spanNames(tracesErr.Data()))
	assert.Len(t, fake.received(), 3)
}

func TestExportRetryWaitsForTheLongestRetryAfter(t *testing.T) {
	fake := newFakeMLflow(t)
	var mu sync.Mutex
	tries := map[string][]time.Time{} // by experiment
	fake.respond = func(w http.ResponseWriter, id string) {
		mu.Lock()
		defer mu.Unlock()
		tries[id] = append(tries[id], time.Now())
		if len(tries[id]) == 1 {
			w.Header().Set("Retry-After", id) // seconds: experiment 1 asks for 1 s, 2 for 2 s
			w.WriteHeader(http.StatusTooManyRequests)
		}
	}
	exp := newTestExporter(t, fake.URL, func(c *Config) {
		c.RetryConfig.Enabled = true
		c.RetryConfig.InitialInterval = time.Millisecond
	})
	td := newTraces(
		resource{attrs: map[string]string{mlflow.AttrExperimentID: "1"}, spans: []span{{name: "a", trace: 1}}},
		resource{attrs: map[string]string{mlflow.AttrExperimentID: "2"}, spans: []span{{name: "b", trace: 2}}},
	)

	require.NoError(t, exp.ConsumeTraces(t.Context(), td))

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, tries["2"], 2)
	assert.GreaterOrEqual(t, tries["2"][1].Sub(tries["2"][0]), 2*time.Second)
}

func TestExportRetryGoesWhereTheFirstTryWent(t *testing.T) {
	fake := newFakeMLflow(t)
	var fail atomic.Bool
	fail.Store(true)
	fake.respond = func(w http.ResponseWriter, id string) {
		if id == "10" && fail.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}
	exp := newTestExporter(t, fake.URL, func(c *Config) {
		c.Routing.Attribute = "app.name"
		c.Routing.Table = []RoutingRule{{Value: "a", ExperimentID: "10"}, {Value: "b", ExperimentID: "20"}}
	})
	// The root goes to experiment 1 by its resource; its child follows the root's value, "a",
	// which the retry, without the root, no longer has.
	td := newTraces(
		resource{attrs: map[string]string{mlflow.AttrExperimentID: "1", "app.name": "a"}, spans: []span{{name: "root", trace: 1}}},
		resource{attrs: map[string]string{"app.name": "b"}, spans: []span{{name: "child", trace: 1, parent: true}}},
	)

	err := exp.ConsumeTraces(t.Context(), td)
	require.Error(t, err)
	tracesErr, ok := errors.AsType[consumererror.Traces](err)
	require.True(t, ok, "want a consumererror.Traces, got %v", err)
	fail.Store(false)
	require.NoError(t, exp.ConsumeTraces(t.Context(), tracesErr.Data())) // what the retry sender does

	var got []string
	for _, r := range fake.received() {
		got = append(got, r.experimentID+": "+strings.Join(spanNames(r.traces), ","))
	}
	assert.Equal(t, []string{"1: root", "10: child", "10: child"}, got)
}

func TestExportRefusesExperimentIDsThatAreNotNumbers(t *testing.T) {
	for _, id := range []string{"abc", `"12\n13"`} { // the latter is JSON text: a newline, which no header can carry
		t.Run(id, func(t *testing.T) {
			fake := newFakeMLflow(t)
			exp := newTestExporter(t, fake.URL, nil)
			td := newTraces(
				resource{spans: []span{{name: "a", trace: 1, attrs: map[string]string{mlflow.AttrExperimentID: id}}}},
				resource{spans: []span{{name: "b", trace: 2}}},
			)

			err := exp.ConsumeTraces(t.Context(), td)

			assert.True(t, consumererror.IsPermanent(err), "%v", err)
			assert.ErrorContains(t, err, mlflow.AttrExperimentID)
			got := fake.received()
			require.Len(t, got, 1, "the other experiment's spans are sent")
			assert.Equal(t, "0", got[0].experimentID)
			assert.Equal(t, []string{"b"}, spanNames(got[0].traces))
		})
	}
}

func TestExportResendsARefusedBatchTraceByTrace(t *testing.T) {
	fake := newFakeMLflow(t)
	var requests atomic.Int32
	fake.respond = func(w http.ResponseWriter, _ string) {
		switch requests.Add(1) {
		case 1: // the batch
			writeMLflowError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "bad span")
		case 3: // the second trace, alone
			w.WriteHeader(http.StatusServiceUnavailable)
		case 4: // the third
			writeMLflowError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "bad span")
		}
	}
	exp := newTestExporter(t, fake.URL, nil)
	td := newTraces(
		resource{spans: []span{{name: "stored", trace: 1}, {name: "stored child", trace: 1, parent: true}}},
		resource{spans: []span{{name: "unavailable", trace: 2}}},
		resource{spans: []span{{name: "refused", trace: 3}}},
	)

	err := exp.ConsumeTraces(t.Context(), td)

	require.Error(t, err)
	assert.False(t, consumererror.IsPermanent(err), err.Error())
	tracesErr, ok := errors.AsType[consumererror.Traces](err)
	require.True(t, ok, "want a consumererror.Traces, got %v", err)
	assert.Equal(t, []string{"unavailable"}, spanNames(tracesErr.Data()), "only the trace that may succeed is retried")
	var got []string
	for _, r := range fake.received() {
		got = append(got, strings.Join(spanNames(r.traces), ","))
	}
	assert.Equal(t, []string{"stored,stored child,unavailable,refused", "stored,stored child", "unavailable", "refused"}, got)
}

func TestExportAllRefusedIsPermanent(t *testing.T) {
	fake := newFakeMLflow(t)
	fake.respond = func(w http.ResponseWriter, _ string) {
		writeMLflowError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "bad span")
	}
	exp := newTestExporter(t, fake.URL, nil)
	td := newTraces(
		resource{attrs: map[string]string{mlflow.AttrExperimentID: "1"}, spans: []span{{name: "a", trace: 1}}},
		resource{spans: []span{{name: "b", trace: 2}}},
	)

	err := exp.ConsumeTraces(t.Context(), td)

	assert.True(t, consumererror.IsPermanent(err), "%v", err)
}

func TestExportDoesNotLeakHeaders(t *testing.T) {
	fake := newFakeMLflow(t)
	fake.respond = func(w http.ResponseWriter, _ string) {
		writeMLflowError(w, http.StatusForbidden, "PERMISSION_DENIED", "Permission denied")
	}
	exp := newTestExporter(t, fake.URL, func(c *Config) {
		c.ClientConfig.Headers = configopaque.MapList{{Name: "Authorization", Value: "Bearer s3cret"}}
	})

	err := exp.ConsumeTraces(t.Context(), newTraces(resource{spans: []span{{name: "a", trace: 1}}}))

	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret")
	got := fake.received()
	require.Len(t, got, 1)
	assert.Equal(t, "Bearer s3cret", got[0].header.Get("Authorization"), "headers reach the server")
}

func TestExperimentNameResolution(t *testing.T) {
	named := func(name string) ptrace.Traces {
		return newTraces(resource{attrs: map[string]string{mlflow.AttrExperimentName: name}, spans: []span{{name: "a", trace: 1}}})
	}

	t.Run("existing experiment, looked up once", func(t *testing.T) {
		fake := newFakeMLflow(t)
		fake.experiments["agents"] = "5"
		exp := newTestExporter(t, fake.URL, nil)

		require.NoError(t, exp.ConsumeTraces(t.Context(), named("agents")))
		require.NoError(t, exp.ConsumeTraces(t.Context(), named("agents")))

		lookups, creates := fake.counts()
		assert.Equal(t, 1, lookups)
		assert.Equal(t, 0, creates)
		for _, r := range fake.received() {
			assert.Equal(t, "5", r.experimentID)
		}
	})

	t.Run("concurrent batches create it once", func(t *testing.T) {
		fake := newFakeMLflow(t)
		exp := newTestExporter(t, fake.URL, nil)

		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() { assert.NoError(t, exp.ConsumeTraces(context.Background(), named("agents"))) })
		}
		wg.Wait()

		_, creates := fake.counts()
		assert.Equal(t, 1, creates)
		for _, r := range fake.received() {
			assert.Equal(t, "100", r.experimentID)
		}
	})

	t.Run("a cancelled batch fails alone", func(t *testing.T) {
		fake := newFakeMLflow(t)
		fake.experiments["agents"] = "5"
		started, release := make(chan struct{}), make(chan struct{})
		answer := sync.OnceFunc(func() { close(release) })
		t.Cleanup(answer)
		fake.lookup = func(http.ResponseWriter, string) bool {
			if fake.lookups == 1 {
				close(started)
				<-release // the first lookup is answered when the test says so
			}
			return false
		}
		exp := newTestExporter(t, fake.URL, nil)
		ctx1, cancel1 := context.WithCancel(t.Context())
		done1, done2 := make(chan error, 1), make(chan error, 1)

		go func() { done1 <- exp.ConsumeTraces(ctx1, named("agents")) }()
		<-started
		go func() { done2 <- exp.ConsumeTraces(t.Context(), named("agents")) }()
		cancel1()

		// Batch 1 gives up while its lookup still waits for the server; batch 2 gets the
		// answer of that same lookup, whether it joined it before or after the cancel.
		assert.ErrorIs(t, <-done1, context.Canceled)
		answer()
		require.NoError(t, <-done2)
		lookups, _ := fake.counts()
		assert.Equal(t, 1, lookups)
	})

	t.Run("created meanwhile by someone else", func(t *testing.T) {
		fake := newFakeMLflow(t)
		first := true
		fake.lookup = func(w http.ResponseWriter, name string) bool {
			if !first {
				return false
			}
			first = false
			// The lookup misses; by the time we create it, another collector has.
			fake.experiments[name] = "77"
			writeMLflowError(w, http.StatusNotFound, mlflow.ErrorCodeNotFound, "Could not find experiment")
			return true
		}
		exp := newTestExporter(t, fake.URL, nil)

		require.NoError(t, exp.ConsumeTraces(t.Context(), named("agents")))

		got := fake.received()
		require.Len(t, got, 1)
		assert.Equal(t, "77", got[0].experimentID)
	})

	t.Run("deleted experiment is permanent", func(t *testing.T) {
		fake := newFakeMLflow(t)
		fake.lookup = func(w http.ResponseWriter, name string) bool {
			writeJSON(w, map[string]any{"experiment": map[string]string{
				"experiment_id": "3", "name": name, "lifecycle_stage": "deleted",
			}})
			return true
		}
		exp := newTestExporter(t, fake.URL, nil)

		err := exp.ConsumeTraces(t.Context(), named("agents"))

		assert.True(t, consumererror.IsPermanent(err), "%v", err)
		assert.ErrorContains(t, err, `experiment "agents" (id 3) is deleted`)
		assert.Empty(t, fake.received())
	})

	t.Run("a 404 without MLflow's error code does not forget the experiment", func(t *testing.T) {
		fake := newFakeMLflow(t)
		fake.experiments["agents"] = "5"
		fake.respond = func(w http.ResponseWriter, _ string) {
			w.WriteHeader(http.StatusNotFound) // a server without /v1/traces
			_, _ = w.Write([]byte(`{"detail":"Not Found"}`))
		}
		exp := newTestExporter(t, fake.URL, nil)

		for range 2 {
			err := exp.ConsumeTraces(t.Context(), named("agents"))
			assert.True(t, consumererror.IsPermanent(err), "%v", err)
		}
		lookups, _ := fake.counts()
		assert.Equal(t, 1, lookups)
	})

	t.Run("server down is retryable, and not remembered", func(t *testing.T) {
		fake := newFakeMLflow(t)
		fake.experiments["agents"] = "5"
		down := true
		fake.lookup = func(w http.ResponseWriter, _ string) bool {
			if down {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
			return down
		}
		exp := newTestExporter(t, fake.URL, nil)

		err := exp.ConsumeTraces(t.Context(), named("agents"))
		require.Error(t, err)
		assert.False(t, consumererror.IsPermanent(err), err.Error())
		assert.ErrorContains(t, err, `resolving the experiment with name agents: looking up experiment "agents": mlflow: HTTP 503`)

		fake.mu.Lock()
		down = false
		fake.mu.Unlock()
		require.NoError(t, exp.ConsumeTraces(t.Context(), named("agents")))
		got := fake.received()
		require.Len(t, got, 1)
		assert.Equal(t, "5", got[0].experimentID)
	})
}
