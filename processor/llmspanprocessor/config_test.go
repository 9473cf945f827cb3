package llmspanprocessor

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/cost"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/metadata"
)

func ptr[T any](v T) *T { return &v }

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		id       component.ID
		expected *Config
		errMsg   string
	}{
		{id: component.NewID(metadata.Type), expected: &Config{SourceAttributes: "keep", Content: "keep", Cost: CostConfig{Enabled: true, DefaultPrices: true}}},
		{
			id: component.NewIDWithName(metadata.Type, "custom"),
			expected: &Config{
				Dialects: []string{"genai"}, MaxValueSize: 65536, SourceAttributes: "drop", Content: "drop",
				Mappings: []MappingConfig{
					{Attribute: "acme.llm.prompt", Field: "inputs"},
					{Attribute: "acme.llm.kind", Field: "span_type", Values: map[string]string{"chat": "CHAT_MODEL", "tool": "TOOL"}},
					{Attribute: "acme.llm.model", Field: "model", Override: true},
				},
				Cost: CostConfig{Enabled: true, DefaultPrices: true},
			},
		},
		{
			id: component.NewIDWithName(metadata.Type, "prices"),
			expected: &Config{SourceAttributes: "keep", Content: "keep", Cost: CostConfig{Enabled: true, DefaultPrices: false, PricesFile: "testdata/prices.yaml", Prices: []cost.Entry{
				{Provider: "openai", Model: "ft:gpt-4o-mini:acme*", Input: 0.3, Output: 1.2, CacheRead: ptr(0.15)},
				{Model: "in-house-llm", Input: 1, Output: 2},
			}}},
		},
		{id: component.NewIDWithName(metadata.Type, "cost_disabled"), expected: &Config{SourceAttributes: "keep", Content: "keep", Cost: CostConfig{DefaultPrices: true}}},
		{id: component.NewIDWithName(metadata.Type, "negative_price"), errMsg: `cost: prices[0]: model "x": prices must be finite and not negative, got -1`},
		{id: component.NewIDWithName(metadata.Type, "empty_model"), errMsg: "cost: prices[0]: model must not be empty"},
		{id: component.NewIDWithName(metadata.Type, "nothing_to_price"), errMsg: "cost: default_prices is false and no prices or prices_file is given"},
		{id: component.NewIDWithName(metadata.Type, "unknown_dialect"), errMsg: `dialects: unknown ["openinference_typo"]; known dialects are`},
		{id: component.NewIDWithName(metadata.Type, "duplicate_dialect"), errMsg: `dialects: "genai" is listed twice`},
		{id: component.NewIDWithName(metadata.Type, "negative_size"), errMsg: "max_value_size: must not be negative, got -1"},
		{id: component.NewIDWithName(metadata.Type, "bad_source_attributes"), errMsg: `source_attributes: must be "keep" or "drop", got "delete"`},
		{id: component.NewIDWithName(metadata.Type, "bad_content"), errMsg: `content: must be "keep" or "drop", got "redact"`},
		{id: component.NewIDWithName(metadata.Type, "mapping_unknown_field"), errMsg: `mappings[0]: field: unknown "prompt"; known fields are span_type, inputs, outputs, model`},
		{id: component.NewIDWithName(metadata.Type, "mapping_empty_attribute"), errMsg: "mappings[0]: attribute must not be empty"},
		{id: component.NewIDWithName(metadata.Type, "mapping_duplicate"), errMsg: `mappings[1]: attribute "acme.llm.prompt" is already mapped by mappings[0]`},
		{id: component.NewIDWithName(metadata.Type, "mapping_values_not_span_type"), errMsg: "mappings[0]: values: only a span_type mapping takes values"},
		{id: component.NewIDWithName(metadata.Type, "mapping_empty_span_type"), errMsg: `mappings[0]: values: "chat" maps to an empty span type`},
		{id: component.NewIDWithName(metadata.Type, "mapping_mlflow_attribute"), errMsg: `mappings[0]: attribute "mlflow.spanInputs" is one MLflow reads itself`},
	}
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.id.String(), func(t *testing.T) {
			cfg := NewFactory().CreateDefaultConfig()
			sub, err := cm.Sub(tt.id.String())
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
