package llmredactionprocessor

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmredactionprocessor/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name     string
		expected *Config
		errMsg   string
	}{
		{name: "", expected: &Config{Content: ContentRedact, Mode: ModeMask, SummaryAttributes: true}},
		{name: "custom", expected: &Config{
			Content: ContentRedact, Mode: ModeHash, HashSalt: "s3cret", Detectors: []string{"email", "credit_card"},
			Custom:      []CustomDetector{{Name: "employee_id", Regex: `EMP-\d{6}`}},
			AllowValues: []string{"support@example.com"}, AllowPatterns: []string{`.*@example\.org`},
			Attributes: []string{"app.prompt", "app.payload.*"},
		}},
		{name: "strip", expected: &Config{Content: ContentDrop, Mode: ModeMask, MaxValueSize: 4096, SummaryAttributes: true}},
		{name: "bad_mode", errMsg: `mode: must be mask, hash or drop, got "scramble"`},
		{name: "hash_without_salt", errMsg: "hash_salt: required in hash mode"},
		{name: "unknown_detector", errMsg: `detectors: unknown "emial"`},
		{name: "bad_custom", errMsg: `custom[0]: name "Bad-Name" must match`},
		{name: "bad_custom", errMsg: "custom[0]: error parsing regexp"},
		{name: "bad_content", errMsg: `content: must be redact, drop or keep, got "strip"`},
		{name: "negative_size", errMsg: "max_value_size: must not be negative, got -1"},
	}
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	for _, tt := range tests {
		id := component.NewIDWithName(metadata.Type, tt.name)
		t.Run(id.String(), func(t *testing.T) {
			cfg := NewFactory().CreateDefaultConfig()
			sub, err := cm.Sub(id.String())
			require.NoError(t, err)
			require.NoError(t, sub.Unmarshal(cfg))
			err = confmap.Validate(cfg)
			if tt.errMsg != "" {
				assert.ErrorContains(t, err, tt.errMsg)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.expected, cfg)
		})
	}
}
