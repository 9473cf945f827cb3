package mlflowreceiver

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	load := func(t *testing.T, name string) *Config {
		t.Helper()
		sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
		require.NoError(t, err)
		cfg := createDefaultConfig().(*Config)
		require.NoError(t, sub.Unmarshal(cfg))
		return cfg
	}

	t.Run("defaults", func(t *testing.T) {
		cfg := load(t, "")
		require.NoError(t, confmap.Validate(cfg))
		assert.Equal(t, createDefaultConfig(), cfg)
		assert.Equal(t, "localhost:5050", cfg.ServerConfig.NetAddr.Endpoint)
		assert.False(t, cfg.Upstream.HasValue())
		assert.Empty(t, cfg.RegistryFile)
		assert.Equal(t, 30*time.Second, cfg.TraceTimeout)
		assert.Equal(t, 10000, cfg.MaxPendingTraces)
		assert.Equal(t, 30*time.Second, cfg.LateTagWait)
	})
	t.Run("full", func(t *testing.T) {
		cfg := load(t, "full")
		require.NoError(t, confmap.Validate(cfg))
		assert.Equal(t, "0.0.0.0:5050", cfg.ServerConfig.NetAddr.Endpoint)
		assert.Equal(t, int64(1<<20), cfg.ServerConfig.MaxRequestBodySize)
		require.True(t, cfg.ServerConfig.Auth.HasValue())
		assert.Equal(t, component.MustNewIDWithName("basicauth", "clients"), cfg.ServerConfig.Auth.Get().Config.AuthenticatorID)
		assert.Equal(t, "/var/lib/otelcol/mlflow-experiments.json", cfg.RegistryFile)
		assert.Equal(t, 10*time.Second, cfg.TraceTimeout)
		assert.Equal(t, 500, cfg.MaxPendingTraces)
	})
	t.Run("upstream", func(t *testing.T) {
		cfg := load(t, "upstream")
		require.NoError(t, confmap.Validate(cfg))
		require.True(t, cfg.Upstream.HasValue())
		assert.Equal(t, "http://mlflow:5000", cfg.Upstream.Get().Endpoint)
		assert.Equal(t, 30*time.Second, cfg.Upstream.Get().Timeout, "defaults apply")
		assert.Equal(t, 10*time.Second, cfg.LateTagWait)
	})
	t.Run("upstream without a scheme", func(t *testing.T) {
		assert.EqualError(t, confmap.Validate(load(t, "upstream_no_scheme")),
			`upstream::endpoint: "127.0.0.1:5000" must start with http:// or https://`)
	})
	t.Run("typos", func(t *testing.T) {
		sub, err := cm.Sub(component.NewIDWithName(metadata.Type, "typos").String())
		require.NoError(t, err)
		err = sub.Unmarshal(createDefaultConfig())
		assert.ErrorContains(t, err, "invalid keys: endpont, upstream::endpoont")
	})
	t.Run("invalid", func(t *testing.T) {
		err := confmap.Validate(load(t, "bad"))
		require.Error(t, err)
		for _, field := range []string{"endpoint:", "trace_timeout:", "max_pending_traces:", "late_tag_wait:", "upstream::endpoint:", "registry_file:"} {
			assert.ErrorContains(t, err, field)
		}
	})
}
