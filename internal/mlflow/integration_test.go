package mlflow_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// TestClientAgainstServer checks the client's calls and error handling against a real
// tracking server. Reading traces back is covered by the exporter's integration test.
func TestClientAgainstServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real MLflow server")
	}
	api := mlflowtest.Start(t).Client
	ctx := t.Context()

	_, err := api.GetExperimentByName(ctx, "client-test")
	assert.True(t, mlflow.IsNotFound(err), "%v", err)

	id, err := api.CreateExperiment(ctx, "client-test")
	require.NoError(t, err)
	_, err = api.CreateExperiment(ctx, "client-test")
	assert.True(t, mlflow.IsAlreadyExists(err), "%v", err)

	byName, err := api.GetExperimentByName(ctx, "client-test")
	require.NoError(t, err)
	byID, err := api.GetExperiment(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, byName, byID)
	assert.Equal(t, "client-test", byID.Name)
	assert.False(t, byID.Deleted())

	_, err = api.GetExperiment(ctx, "not-a-number")
	apiErr, ok := errors.AsType[*mlflow.APIError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Equal(t, "INVALID_PARAMETER_VALUE", apiErr.Code)
	assert.NotEmpty(t, apiErr.Message)

	_, err = api.GetTrace(ctx, mlflow.TraceID([16]byte{15: 1}))
	assert.True(t, mlflow.IsNotFound(err), "%v", err)

	infos, err := api.SearchTraces(ctx, []string{id}, "attributes.status = 'OK'")
	require.NoError(t, err)
	assert.Empty(t, infos)

	_, err = api.SearchTraces(ctx, []string{id}, "no such filter !!")
	assert.ErrorContains(t, err, "mlflow: HTTP 400 INVALID_PARAMETER_VALUE")

	// StartTrace sends every field an app can set; the server stores them as sent.
	sent := mlflow.TraceInfo{
		TraceID:           mlflow.TraceID([16]byte{15: 2}),
		ExperimentID:      id,
		ClientRequestID:   "req-42",
		State:             mlflow.TraceStateError,
		RequestTime:       time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC),
		ExecutionDuration: "1.5s",
		RequestPreview:    "custom request",
		ResponsePreview:   "custom response",
		TraceMetadata:     map[string]string{"app.version": "1.2"},
		Tags:              map[string]string{"team": "search"},
	}
	require.NoError(t, api.StartTrace(ctx, sent))
	// Searched, not got: GetTrace refuses a trace without spans.
	infos, err = api.SearchTraces(ctx, []string{id}, "")
	require.NoError(t, err)
	require.Len(t, infos, 1)
	got := infos[0]
	assert.Equal(t, sent.TraceID, got.TraceID)
	assert.Equal(t, "req-42", got.ClientRequestID)
	assert.Equal(t, mlflow.TraceStateError, got.State)
	assert.Equal(t, "custom request", got.RequestPreview)
	assert.Equal(t, "custom response", got.ResponsePreview)
	assert.True(t, sent.RequestTime.Equal(got.RequestTime), "%v", got.RequestTime)
	assert.Equal(t, "1.2", got.TraceMetadata["app.version"])
	assert.Equal(t, "search", got.Tags["team"])
}
