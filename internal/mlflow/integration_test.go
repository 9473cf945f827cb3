package mlflow_test

import (
	"errors"
	"net/http"
	"testing"

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
}
