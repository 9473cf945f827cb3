package llmspanprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor"

import (
	"errors"
	"fmt"
	"strings"

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
	return errors.Join(errs...)
}
