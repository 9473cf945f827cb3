//go:build e2e

package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// TestSelfTelemetry: after a trace goes through both receivers, the collector's Prometheus
// endpoint shows each component's own metrics: llmspan's normalized (by dialect) and
// unrecognized spans, the mlflow exporter's requests and spans by experiment and outcome, and
// the receivers' and exporter's obsreport counters.
func TestSelfTelemetry(t *testing.T) {
	srv := mlflowtest.Start(t)
	_, metricsPort, _ := net.SplitHostPort(freeAddr(t))
	col := startCollector(t, map[string]string{
		"MLFLOW_TRACKING_URI":    srv.URL,
		"MLFLOW_EXPERIMENT_NAME": fmt.Sprintf("e2e-telemetry-%d", time.Now().UnixNano()),
		"OTELCOL_METRICS_PORT":   metricsPort, // the last value of a variable wins
	})

	td, traceID, n := loadTrace(0)
	// A span no dialect knows, for the unrecognized counter.
	plain := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().AppendEmpty()
	td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).CopyTo(plain)
	plain.Attributes().Clear()
	plain.SetSpanID([8]byte{1, 2, 3, 4, 5, 6, 7, 8})
	plain.SetParentSpanID(td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).SpanID())
	plain.SetName("SELECT users")
	plain.Attributes().PutStr("db.system", "postgresql")
	col.sendOTLP(t, td)
	srv.WaitForSpans(t, traceID, n+1)

	viaMLflow, viaID, m := loadTrace(1)
	code, err := postOTLP(t.Context(), http.DefaultClient, "http://"+col.MLflow+mlflow.PathOTLPTraces, viaMLflow, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, code)
	srv.WaitForSpans(t, viaID, m)

	want := []string{
		`otelcol_processor_llmspan_spans_normalized(_total)?\{[^}]*dialect="[^"]+"`,
		`otelcol_processor_llmspan_spans_unrecognized(_total)?[{ ]`,
		`otelcol_exporter_mlflow_requests(_total)?\{[^}]*experiment_id="[0-9]+"[^}]*outcome="success"`,
		`otelcol_exporter_mlflow_spans(_total)?\{[^}]*outcome="success"`,
		`otelcol_exporter_mlflow_experiments_created(_total)?[{ ]`,
		`otelcol_receiver_accepted_spans(_total)?\{[^}]*receiver="mlflow"`,
		`otelcol_receiver_accepted_spans(_total)?\{[^}]*receiver="otlp"`,
		`otelcol_exporter_sent_spans(_total)?\{[^}]*exporter="mlflow"`,
	}
	var missing []string
	deadline := time.Now().Add(30 * time.Second)
	for {
		body := scrape(t, "http://localhost:"+metricsPort+"/metrics")
		missing = missing[:0]
		for _, re := range want {
			if !regexp.MustCompile(re).MatchString(body) {
				missing = append(missing, re)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	assert.Empty(t, missing, "metrics not exposed")
}

func scrape(t testing.TB, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
