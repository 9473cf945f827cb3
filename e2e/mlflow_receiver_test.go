//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// TestMLflowSDKThroughReceiver: the same MLflow-SDK-traced app logs once straight to a real
// MLflow server and once to the collector's mlflow receiver (mlflow receiver -> llmspan -> mlflow
// exporter -> the same server). Both traces must be the same: span tree, names, inputs and
// outputs, span types, tags and metadata; the one through the collector arrives exactly once.
func TestMLflowSDKThroughReceiver(t *testing.T) {
	srv := mlflowtest.Start(t)
	col := startCollector(t, map[string]string{"MLFLOW_TRACKING_URI": srv.URL})
	stub := startStubLLM(t)
	suffix := time.Now().UnixNano()

	runApp := func(trackingURI, experiment string) (appOutput, *mlflow.Trace) {
		app := parseAppOutput(t, python(t, "app_mlflow_sdk.py", map[string]string{
			"MLFLOW_TRACKING_URI":    trackingURI,
			"MLFLOW_EXPERIMENT_NAME": experiment,
			"OPENAI_BASE_URL":        stub,
			"OPENAI_API_KEY":         "sk-stub",
		}))
		return app, srv.WaitForSpans(t, "tr-"+app.TraceID, 3)
	}
	_, direct := runApp(srv.URL, fmt.Sprintf("e2e-sdk-direct-%d", suffix))
	viaExperiment := fmt.Sprintf("e2e-sdk-collector-%d", suffix)
	via, collected := runApp("http://"+col.MLflow, viaExperiment)

	// In the experiment the app asked for, with the server's real id, exactly once.
	exp, err := srv.Client.GetExperimentByName(context.Background(), viaExperiment)
	require.NoError(t, err)
	assert.Equal(t, exp.ID, collected.Info.ExperimentID)
	col.Stop(t) // a graceful stop flushes every queue: anything duplicated has landed now
	infos, err := srv.Client.SearchTraces(context.Background(), []string{exp.ID}, "")
	require.NoError(t, err)
	require.Len(t, infos, 1, "one trace in the experiment")
	assert.Equal(t, "tr-"+via.TraceID, infos[0].TraceID)
	collected = srv.WaitForSpans(t, "tr-"+via.TraceID, 3)
	require.Len(t, collected.Spans, len(direct.Spans), "no span twice")

	assert.Equal(t, describeSpans(direct), describeSpans(collected))
	assert.Equal(t, "session-sdk-7", collected.Info.TraceMetadata["mlflow.trace.session"])
	assert.Equal(t, "alice", collected.Info.TraceMetadata["mlflow.trace.user"])
	for _, key := range []string{"app.version", "mlflow.trace.session", "mlflow.trace.user", "mlflow.trace.tokenUsage", "mlflow.source.name", "mlflow.source.type"} {
		assert.Equal(t, direct.Info.TraceMetadata[key], collected.Info.TraceMetadata[key], "metadata %s", key)
	}
	for _, key := range []string{"team", "env", "reviewed!", "mlflow.traceName"} {
		assert.NotEmpty(t, direct.Info.Tags[key], "tag %s", key)
		assert.Equal(t, direct.Info.Tags[key], collected.Info.Tags[key], "tag %s", key)
	}
	assert.Equal(t, direct.Info.RequestPreview, collected.Info.RequestPreview)
	assert.Equal(t, direct.Info.ResponsePreview, collected.Info.ResponsePreview)
	assert.Equal(t, direct.Info.State, collected.Info.State)
}

// TestMLflowSDKAppTraceInfoThroughReceiver: the trace info an app sets with
// mlflow.update_current_trace besides tags and metadata (client request id, previews, state)
// reaches MLflow through the collector as it does sent to the server directly; state ERROR wins
// over the root span's OK status.
func TestMLflowSDKAppTraceInfoThroughReceiver(t *testing.T) {
	srv := mlflowtest.Start(t)
	col := startCollector(t, map[string]string{"MLFLOW_TRACKING_URI": srv.URL})
	stub := startStubLLM(t)
	suffix := time.Now().UnixNano()

	runApp := func(trackingURI, experiment string) string {
		app := parseAppOutput(t, python(t, "app_mlflow_sdk.py", map[string]string{
			"MLFLOW_TRACKING_URI":    trackingURI,
			"MLFLOW_EXPERIMENT_NAME": experiment,
			"OPENAI_BASE_URL":        stub,
			"OPENAI_API_KEY":         "sk-stub",
			"APP_SET_TRACE_INFO":     "1",
		}))
		srv.WaitForSpans(t, "tr-"+app.TraceID, 3)
		return "tr-" + app.TraceID
	}
	directID := runApp(srv.URL, fmt.Sprintf("e2e-sdk-info-direct-%d", suffix))
	viaID := runApp("http://"+col.MLflow, fmt.Sprintf("e2e-sdk-info-collector-%d", suffix))
	col.Stop(t) // the exporter records the trace info after the spans: flushed now

	for name, id := range map[string]string{"direct": directID, "through the collector": viaID} {
		tr, err := srv.Client.GetTrace(context.Background(), id)
		require.NoError(t, err, name)
		assert.Equal(t, "req-e2e-42", tr.Info.ClientRequestID, name)
		assert.Equal(t, "Paris weather?", tr.Info.RequestPreview, name)
		assert.Equal(t, "sunny, 21 C", tr.Info.ResponsePreview, name)
		assert.Equal(t, mlflow.TraceStateError, tr.Info.State, name)
		for _, s := range tr.Spans {
			if s.ParentSpanID == "" {
				assert.Equal(t, "OK", s.StatusCode, "%s: the root span itself did not fail", name)
			}
		}
	}
}

// spanView is what must match between two traces of the same app: everything but ids and times.
type spanView struct {
	Parent  string // the parent span's name
	Type    string
	Inputs  string
	Outputs string
	Model   any
	Usage   string
}

func describeSpans(tr *mlflow.Trace) map[string]spanView {
	names := map[string]string{}
	for _, s := range tr.Spans {
		names[s.SpanID] = s.Name
	}
	out := map[string]spanView{}
	for _, s := range tr.Spans {
		out[s.Name] = spanView{
			Parent:  names[s.ParentSpanID],
			Type:    s.SpanType(),
			Inputs:  mustJSON(s.Attributes[mlflow.AttrSpanInputs]),
			Outputs: mustJSON(s.Attributes[mlflow.AttrSpanOutputs]),
			Model:   s.Attributes[mlflow.AttrLLMModel],
			Usage:   mustJSON(s.Attributes[mlflow.AttrChatTokenUsage]),
		}
	}
	return out
}

// TestMLflowReceiverBasicAuth: with basicauth on the receiver, an MLflow client without
// credentials is refused with 401 and one with them logs its trace.
func TestMLflowReceiverBasicAuth(t *testing.T) {
	srv := mlflowtest.Start(t)
	col := startCollector(t, map[string]string{"MLFLOW_TRACKING_URI": srv.URL}, "e2e/testdata/mlflow-receiver-basicauth.yaml")
	stub := startStubLLM(t)
	env := map[string]string{
		"MLFLOW_TRACKING_URI":    "http://" + col.MLflow,
		"MLFLOW_EXPERIMENT_NAME": fmt.Sprintf("e2e-sdk-auth-%d", time.Now().UnixNano()),
		"OPENAI_BASE_URL":        stub,
		"OPENAI_API_KEY":         "sk-stub",
	}

	// Without credentials: the client fails on its first call with the server's 401.
	root := mlflowtest.RepoRoot(t)
	cmd := exec.Command(filepath.Join(root, ".venv", "bin", "python"), filepath.Join(root, "e2e", "python", "app_mlflow_sdk.py"))
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "a client without credentials must fail")
	assert.Contains(t, string(out), "401")

	env["MLFLOW_TRACKING_USERNAME"] = "agent"
	env["MLFLOW_TRACKING_PASSWORD"] = "s3cret"
	app := parseAppOutput(t, python(t, "app_mlflow_sdk.py", env))
	srv.WaitForSpans(t, "tr-"+app.TraceID, 3)
}
