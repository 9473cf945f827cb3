//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// TestMLflowSDKRelayThroughReceiver: an app pointed at the collector logs a trace and tags it
// at once (a tag call on an ended trace, relayed once the trace landed), then reads it back,
// searches it and logs a feedback on it: calls the mlflow receiver does not serve, relayed to
// its upstream, the real server, where the tag and the feedback land.
func TestMLflowSDKRelayThroughReceiver(t *testing.T) {
	srv := mlflowtest.Start(t)
	col := startCollector(t, map[string]string{"MLFLOW_TRACKING_URI": srv.URL})
	out := python(t, "app_mlflow_relay.py", map[string]string{
		"MLFLOW_TRACKING_URI":    "http://" + col.MLflow,
		"SERVER_URI":             srv.URL,
		"MLFLOW_EXPERIMENT_NAME": fmt.Sprintf("e2e-sdk-relay-%d", time.Now().UnixNano()),
	})
	var app struct {
		TraceID       string   `json:"trace_id"`
		GotTraceID    string   `json:"got_trace_id"`
		GotSpans      []string `json:"got_spans"`
		FoundTraceIDs []string `json:"found_trace_ids"`
		FeedbackID    string   `json:"feedback_id"`
	}
	require.NoError(t, json.Unmarshal(out, &app), string(out))
	id := "tr-" + app.TraceID

	// get_trace and search_traces answered what the server holds.
	assert.Equal(t, id, app.GotTraceID)
	assert.Equal(t, []string{"answer"}, app.GotSpans)
	assert.Contains(t, app.FoundTraceIDs, id)

	// The feedback is in the server, read back directly, under the id the client was answered.
	resp, err := http.Get(srv.URL + "/api/3.0/mlflow/traces/" + id)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	var stored struct {
		Trace struct {
			TraceInfo struct {
				Tags        map[string]string `json:"tags"`
				Assessments []struct {
					ID       string         `json:"assessment_id"`
					Name     string         `json:"assessment_name"`
					Feedback map[string]any `json:"feedback"`
					Source   map[string]any `json:"source"`
				} `json:"assessments"`
			} `json:"trace_info"`
		} `json:"trace"`
	}
	require.NoError(t, json.Unmarshal(body, &stored), string(body))
	assessments := stored.Trace.TraceInfo.Assessments
	require.Len(t, assessments, 1, string(body))
	assert.Equal(t, app.FeedbackID, assessments[0].ID)
	assert.Equal(t, "quality", assessments[0].Name)
	assert.Equal(t, true, assessments[0].Feedback["value"])
	assert.Equal(t, "alice", assessments[0].Source["source_id"])
	// The tag set on the ended trace, before it landed, is in the server too.
	assert.Equal(t, "yes", stored.Trace.TraceInfo.Tags["reviewed"], string(body))
}
