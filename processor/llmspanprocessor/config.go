package llmspanprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor"

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/cost"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"
)

// Config defines the configuration of the llmspan processor.
type Config struct {
	// Dialects restricts normalization to the named dialects. Empty means all of them.
	// Precedence between dialects is fixed and does not follow this list's order.
	Dialects []string `mapstructure:"dialects"`

	// MaxValueSize caps, in bytes, each MLflow attribute value the processor writes. A longer
	// value is truncated: its longest strings are cut and end with "…[truncated N bytes]", so
	// that it stays valid JSON; a value that cutting strings cannot make short enough is not
	// written. 0 disables the cap.
	MaxValueSize int `mapstructure:"max_value_size"`

	// SourceAttributes is "keep" (the default) or "drop": drop removes, from a span that
	// received MLflow attributes, the attributes its dialect (and the mappings that applied)
	// read to build them. See the README's Source attributes section.
	SourceAttributes string `mapstructure:"source_attributes"`

	// Content is "keep" (the default) or "drop": drop writes no mlflow.spanInputs and
	// mlflow.spanOutputs, and removes the attributes and events those would be read from.
	Content string `mapstructure:"content"`

	// Mappings read in-house attributes into MLflow fields, after the dialect.
	Mappings []MappingConfig `mapstructure:"mappings"`

	// Cost prices LLM calls from their token usage and writes mlflow.llm.cost.
	Cost CostConfig `mapstructure:"cost"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Validate checks the configuration.
func (cfg *Config) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for _, name := range cfg.Dialects {
		if seen[name] {
			errs = append(errs, fmt.Errorf("dialects: %q is listed twice", name))
		}
		seen[name] = true
	}
	if _, unknown := dialect.Select(cfg.Dialects); len(unknown) > 0 {
		errs = append(errs, fmt.Errorf("dialects: unknown %q; known dialects are %s",
			unknown, strings.Join(dialect.Names(), ", ")))
	}
	if cfg.MaxValueSize < 0 {
		errs = append(errs, fmt.Errorf("max_value_size: must not be negative, got %d", cfg.MaxValueSize))
	}
	if err := validateMode(cfg.SourceAttributes); err != nil {
		errs = append(errs, fmt.Errorf("source_attributes: %w", err))
	}
	if err := validateMode(cfg.Content); err != nil {
		errs = append(errs, fmt.Errorf("content: %w", err))
	}
	mappedBy := map[string]int{}
	for i, m := range cfg.Mappings {
		if err := m.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("mappings[%d]: %w", i, err))
		}
		if first, dup := mappedBy[m.Attribute]; dup && m.Attribute != "" {
			errs = append(errs, fmt.Errorf("mappings[%d]: attribute %q is already mapped by mappings[%d]", i, m.Attribute, first))
		} else {
			mappedBy[m.Attribute] = i
		}
	}
	if err := cfg.Cost.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("cost: %w", err))
	}
	return errors.Join(errs...)
}

// Values of source_attributes and content.
const (
	modeKeep = "keep"
	modeDrop = "drop"
)

func validateMode(mode string) error {
	switch mode {
	case "", modeKeep, modeDrop: // "" is a Config built in code: keep
		return nil
	}
	return fmt.Errorf("must be %q or %q, got %q", modeKeep, modeDrop, mode)
}

// MappingConfig reads one span attribute of an in-house convention into an MLflow field.
type MappingConfig struct {
	// Attribute is the span attribute key.
	Attribute string `mapstructure:"attribute"`
	// Field is one of span_type, inputs, outputs, model, provider, session_id, user_id,
	// input_tokens, output_tokens, total_tokens, cache_read_tokens, cache_creation_tokens, tools.
	Field string `mapstructure:"field"`
	// Values, for span_type only, maps the attribute's values to MLflow span types; a value
	// not listed sets nothing. Without it the value is the span type as it is.
	Values map[string]string `mapstructure:"values"`
	// Override replaces what the dialect read. Without it the mapping only fills a field the
	// dialect left empty.
	Override bool `mapstructure:"override"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Validate checks one mapping.
func (m *MappingConfig) Validate() error {
	var errs []error
	switch {
	case m.Attribute == "":
		errs = append(errs, errors.New("attribute must not be empty"))
	case strings.HasPrefix(m.Attribute, mlflow.AttrPrefix), m.Attribute == mlflow.AttrSessionID, m.Attribute == mlflow.AttrUserID:
		errs = append(errs, fmt.Errorf("attribute %q is one MLflow reads itself and cannot be mapped", m.Attribute))
	}
	field, ok := dialect.ParseMappedField(m.Field)
	if !ok {
		errs = append(errs, fmt.Errorf("field: unknown %q; known fields are %s", m.Field,
			strings.Join(dialect.MappedFieldNames(), ", ")))
	}
	if m.Values != nil && (!ok || field != dialect.MapSpanType) {
		errs = append(errs, errors.New("values: only a span_type mapping takes values"))
	}
	for from, to := range m.Values {
		if strings.TrimSpace(to) == "" {
			errs = append(errs, fmt.Errorf("values: %q maps to an empty span type", from))
		}
	}
	return errors.Join(errs...)
}

// mappings returns the validated mappings in the dialect package's form, or nil when there are
// none.
func (cfg *Config) mappings() []dialect.Mapping {
	if len(cfg.Mappings) == 0 {
		return nil
	}
	out := make([]dialect.Mapping, len(cfg.Mappings))
	for i, m := range cfg.Mappings {
		field, _ := dialect.ParseMappedField(m.Field) // Validate rejected unknown fields
		out[i] = dialect.Mapping{Attribute: m.Attribute, Field: field, Values: m.Values, Override: m.Override}
	}
	return out
}

// CostConfig configures pricing. See the README's Cost section.
type CostConfig struct {
	// Enabled turns pricing on: source-reported costs are passed on and LLM spans with token
	// usage and a known model are priced. Default true.
	Enabled bool `mapstructure:"enabled"`
	// DefaultPrices uses the embedded price table (generated from genai-prices). Default true;
	// false prices only the models listed in Prices and PricesFile.
	DefaultPrices bool `mapstructure:"default_prices"`
	// PricesFile names a YAML or JSON file with a top-level `prices` list of entries shaped like
	// Prices. It is read once at start.
	PricesFile string `mapstructure:"prices_file"`
	// Prices adds or overrides prices, in USD per million tokens. They take precedence over
	// PricesFile, which takes precedence over the default table.
	Prices []cost.Entry `mapstructure:"prices"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Validate checks the inline entries; the prices file is checked when the processor starts.
func (cfg *CostConfig) Validate() error {
	var errs []error
	for i, e := range cfg.Prices {
		if err := e.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("prices[%d]: %w", i, err))
		}
	}
	if cfg.Enabled && !cfg.DefaultPrices && len(cfg.Prices) == 0 && cfg.PricesFile == "" {
		errs = append(errs, errors.New("default_prices is false and no prices or prices_file is given: nothing could be priced"))
	}
	return errors.Join(errs...)
}

// table builds the price table, or returns nil when pricing is disabled.
func (cfg *CostConfig) table() (*cost.Table, error) {
	if !cfg.Enabled {
		return nil, nil
	}
	entries := cfg.Prices
	if cfg.PricesFile != "" {
		fromFile, err := cost.ReadEntries(cfg.PricesFile)
		if err != nil {
			return nil, fmt.Errorf("cost: prices_file: %w", err)
		}
		entries = append(slices.Clip(entries), fromFile...)
	}
	return cost.New(cfg.DefaultPrices, entries)
}
