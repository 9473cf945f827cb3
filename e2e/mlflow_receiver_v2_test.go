//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// TestMLflowV2TraceThroughReceiver: a trace logged with MLflow 2's calls (v2 StartTrace,
// traces.json, v2 EndTrace; bodies from the SDK's own REST store) through the collector is
// stored with EndTrace's status as its state, ERROR though every span is OK, and with
// EndTrace's tags and metadata.
func TestMLflowV2TraceThroughReceiver(t *testing.T) {
	srv := mlflowtest.Start(t)
	col := startCollector(t, map[string]string{"MLFLOW_TRACKING_URI": srv.URL})
	app := parseAppOutput(t, python(t, "app_mlflow_v2.py", map[string]string{
		"MLFLOW_TRACKING_URI":    "http://" + col.MLflow,
		"MLFLOW_EXPERIMENT_NAME": fmt.Sprintf("e2e-sdk-v2-%d", time.Now().UnixNano()),
	}))
	id := "tr-" + app.TraceID
	srv.WaitForSpans(t, id, 2)
	col.Stop(t) // the exporter records the trace info after the spans: flushed now

	tr, err := srv.Client.GetTrace(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, mlflow.TraceStateError, tr.Info.State)
	for _, s := range tr.Spans {
		assert.Equal(t, "OK", s.StatusCode, "span %s: only the trace failed", s.Name)
	}
	assert.Equal(t, "v2", tr.Info.Tags["team"])
	assert.Equal(t, "bob", tr.Info.TraceMetadata["mlflow.trace.user"])
	assert.Equal(t, "2.22", tr.Info.TraceMetadata["app.version"], "StartTrace's metadata too")
}
