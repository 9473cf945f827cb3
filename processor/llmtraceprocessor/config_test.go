package llmtraceprocessor

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	load := func(name string) *Config {
		sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
		require.NoError(t, err)
		cfg := createDefaultConfig().(*Config)
		require.NoError(t, sub.Unmarshal(cfg))
		return cfg
	}

	def := load("")
	require.NoError(t, confmap.Validate(def))
	assert.Equal(t, createDefaultConfig(), def)

	full := load("full")
	require.NoError(t, confmap.Validate(full))
	assert.Equal(t, &Config{
		WaitDuration:                 time.Minute,
		RootGracePeriod:              2 * time.Second,
		MaxTraces:                    500,
		MaxBytes:                     1 << 20,
		CompleteOnRemoteParent:       true,
		MetadataKeys:                 []string{"X-Tenant"},
		GenericRootAttributePrefixes: []string{"http.", "custom."},
	}, full)

	err = confmap.Validate(load("bad"))
	for _, want := range []string{
		"wait_duration: must be positive, got 0s",
		"max_traces: must be positive, got 0",
		"max_bytes: must not be negative (0 for no bound), got -1",
		"remember_released_spans: must not be negative (0 for none), got -1",
		"generic_root_attribute_prefixes[0]: must not be blank",
		"metadata_keys[1]: must not be blank",
		`metadata_keys[2]: "x-tenant" is listed twice (keys are case-insensitive)`,
	} {
		assert.ErrorContains(t, err, want)
	}
	cfg := createDefaultConfig().(*Config)
	cfg.RootGracePeriod = time.Hour
	assert.ErrorContains(t, cfg.Validate(), "root_grace_period: 1h0m0s is longer than wait_duration 30s")
}
