package llmspanprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor"

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/cost"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"
)

// Config defines the configuration of the llmspan processor.
type Config struct {
	// Dialects restricts normalization to the named dialects. Empty means all of them.
	// Precedence between dialects is fixed and does not follow this list's order.
	Dialects []string `mapstructure:"dialects"`

	// MaxValueSize caps, in bytes, each MLflow attribute value the processor writes. A longer
	// value is not written; the source attributes still carry it. 0 disables the cap.
	MaxValueSize int `mapstructure:"max_value_size"`

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
	if err := cfg.Cost.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("cost: %w", err))
	}
	return errors.Join(errs...)
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
