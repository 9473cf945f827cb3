package mlflowreceiver

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configauth"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver/internal/metadata"
)

// TestAuth: with an authenticator (basicauth in practice), confighttp refuses a request
// without credentials before any handler runs.
func TestAuth(t *testing.T) {
	authID := component.MustNewIDWithName("basicauth", "clients")
	cfg := createDefaultConfig().(*Config)
	cfg.ServerConfig.NetAddr.Endpoint = freeAddr(t)
	cfg.ServerConfig.Auth = configoptional.Some(confighttp.AuthConfig{Config: configauth.Config{AuthenticatorID: authID}})
	rcv, err := NewFactory().CreateTraces(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, new(consumertest.TracesSink))
	require.NoError(t, err)
	host := hostWithExtensions{authID: tokenAuth{}}
	require.NoError(t, rcv.Start(context.Background(), host))
	t.Cleanup(func() { require.NoError(t, rcv.Shutdown(context.Background())) })

	get := func(token string) int {
		req, err := http.NewRequest(http.MethodGet, "http://"+cfg.ServerConfig.NetAddr.Endpoint+"/version", http.NoBody)
		require.NoError(t, err)
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusUnauthorized, get(""))
	assert.Equal(t, http.StatusOK, get("Basic good"))
}

type hostWithExtensions map[component.ID]component.Component

func (h hostWithExtensions) GetExtensions() map[component.ID]component.Component { return h }

// tokenAuth accepts "Authorization: Basic good".
type tokenAuth struct{}

func (tokenAuth) Start(context.Context, component.Host) error { return nil }
func (tokenAuth) Shutdown(context.Context) error              { return nil }
func (tokenAuth) Authenticate(ctx context.Context, headers map[string][]string) (context.Context, error) {
	if v := headers["Authorization"]; len(v) == 1 && v[0] == "Basic good" {
		return ctx, nil
	}
	return ctx, errors.New("missing or wrong credentials")
}
