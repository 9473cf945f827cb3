package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// Config defines the configuration of the mlflow exporter.
type Config struct {
	// ClientConfig's endpoint is the tracking server's base URL, e.g. http://mlflow:5000. Its
	// timeout bounds each HTTP request.
	ClientConfig confighttp.ClientConfig                                  `mapstructure:",squash"`
	QueueConfig  configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	RetryConfig  configretry.BackOffConfig                                `mapstructure:"retry_on_failure"`

	// ExperimentID is the experiment spans go to unless they name one themselves.
	ExperimentID string `mapstructure:"experiment_id"`
	// ExperimentName is the same by name: resolved once, created if missing. At most one of
	// ExperimentID and ExperimentName is set; with neither, spans go to MLflow's Default
	// experiment, "0".
	ExperimentName string `mapstructure:"experiment_name"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

// Validate checks the configuration.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.ClientConfig.Endpoint == "" {
		errs = append(errs, errors.New("endpoint must be specified"))
	} else if err := validateEndpoint(cfg.ClientConfig.Endpoint); err != nil {
		errs = append(errs, err)
	}
	switch c := cfg.ClientConfig.Compression; c {
	case "", configcompression.TypeGzip, configcompression.TypeDeflate, "none":
	default:
		errs = append(errs, fmt.Errorf("compression %q is not one the tracking server reads: use gzip, deflate or none", c))
	}
	if cfg.ExperimentID != "" && cfg.ExperimentName != "" {
		errs = append(errs, errors.New("experiment_id and experiment_name are mutually exclusive"))
	}
	if cfg.ExperimentID != "" && !isDigits(cfg.ExperimentID) {
		errs = append(errs, fmt.Errorf("experiment_id %q must be a number; to name an experiment use experiment_name", cfg.ExperimentID))
	}
	if cfg.ExperimentName != "" && strings.TrimSpace(cfg.ExperimentName) == "" {
		errs = append(errs, errors.New("experiment_name must not be blank"))
	}
	return errors.Join(errs...)
}

func validateEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		// url.Parse's error quotes the URL, password included.
		return errors.New("endpoint must be a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("endpoint %q must start with http:// or https://", u.Redacted())
	}
	if u.Host == "" {
		return fmt.Errorf("endpoint %q must name a host", u.Redacted())
	}
	return nil
}

func isDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// experiment is the configured experiment, the one spans go to unless they name another.
func (cfg *Config) experiment() experimentRef {
	switch {
	case cfg.ExperimentID != "":
		return experimentRef{id: cfg.ExperimentID}
	case cfg.ExperimentName != "":
		return experimentRef{name: cfg.ExperimentName}
	default:
		return experimentRef{id: mlflow.DefaultExperimentID}
	}
}
