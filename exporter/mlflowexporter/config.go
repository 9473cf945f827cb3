package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/strictconf"
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

	// Routing sends traces to experiments by the value of a resource or span attribute.
	Routing RoutingConfig `mapstructure:"routing"`

	// MaxSpansPerRequest caps the spans of one request to the tracking server: a larger batch
	// is sent in several requests of whole traces (a trace of more spans in pieces, its root
	// last), so that a request is stored within timeout. 0: no cap.
	MaxSpansPerRequest int `mapstructure:"max_spans_per_request"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

// Unmarshal decodes the configuration and refuses keys that no field reads, which the
// embedded confighttp settings would otherwise let through (see strictconf).
func (cfg *Config) Unmarshal(conf *confmap.Conf) error {
	if err := conf.Unmarshal(cfg); err != nil {
		return err
	}
	return strictconf.Check(conf, cfg)
}

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
	for name := range cfg.ClientConfig.Headers.Iter {
		// The HTTP client's headers override the request's, so it would send every span there.
		if strings.EqualFold(name, mlflow.HeaderExperimentID) {
			errs = append(errs, fmt.Errorf("headers must not set %s: the exporter sets it per request from experiment_id, experiment_name and routing", name))
		}
	}
	if cfg.ExperimentID != "" && cfg.ExperimentName != "" {
		errs = append(errs, errors.New("experiment_id and experiment_name are mutually exclusive"))
	}
	errs = append(errs, validateExperiment("", cfg.ExperimentID, cfg.ExperimentName)...)
	errs = append(errs, cfg.Routing.validate()...)
	if cfg.MaxSpansPerRequest < 0 {
		errs = append(errs, fmt.Errorf("max_spans_per_request must not be negative, got %d (0: no cap)", cfg.MaxSpansPerRequest))
	}
	return errors.Join(errs...)
}

// RoutingConfig routes traces by an attribute's value through a table.
type RoutingConfig struct {
	// Attribute is looked up on each span's resource, then on the span.
	Attribute string `mapstructure:"attribute"`
	// Table maps attribute values to experiments.
	Table []RoutingRule `mapstructure:"table"`
	// DefaultExperimentID or DefaultExperimentName (at most one) receives the traces whose
	// value is not in the table, or that have none; with neither, the exporter's experiment.
	DefaultExperimentID   string `mapstructure:"default_experiment_id"`
	DefaultExperimentName string `mapstructure:"default_experiment_name"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// RoutingRule sends the traces with one attribute value to one experiment, named by exactly
// one of ExperimentID and ExperimentName.
type RoutingRule struct {
	Value          string `mapstructure:"value"`
	ExperimentID   string `mapstructure:"experiment_id"`
	ExperimentName string `mapstructure:"experiment_name"`

	// prevent unkeyed literal initialization
	_ struct{}
}

func (r *RoutingConfig) validate() []error {
	var errs []error
	if r.Attribute == "" {
		if len(r.Table) > 0 || r.DefaultExperimentID != "" || r.DefaultExperimentName != "" {
			errs = append(errs, errors.New("routing.attribute must be specified with routing.table and routing.default_*"))
		}
	} else if strings.TrimSpace(r.Attribute) == "" {
		errs = append(errs, errors.New("routing.attribute must not be blank"))
	}
	if r.DefaultExperimentID != "" && r.DefaultExperimentName != "" {
		errs = append(errs, errors.New("routing.default_experiment_id and routing.default_experiment_name are mutually exclusive"))
	}
	errs = append(errs, validateExperiment("routing.default_", r.DefaultExperimentID, r.DefaultExperimentName)...)
	seen := map[string]int{}
	for i, rule := range r.Table {
		field := fmt.Sprintf("routing.table[%d]", i)
		value := strings.TrimSpace(rule.Value)
		if value == "" {
			errs = append(errs, fmt.Errorf("%s: value must be specified", field))
		} else if j, dup := seen[value]; dup {
			errs = append(errs, fmt.Errorf("%s: value %q is already routed by routing.table[%d]", field, value, j))
		} else {
			seen[value] = i
		}
		if (rule.ExperimentID == "") == (rule.ExperimentName == "") {
			errs = append(errs, fmt.Errorf("%s: set exactly one of experiment_id and experiment_name", field))
		}
		errs = append(errs, validateExperiment(field+".", rule.ExperimentID, rule.ExperimentName)...)
	}
	return errs
}

// validateExperiment checks an experiment id and name set under the field prefix.
func validateExperiment(prefix, id, name string) []error {
	var errs []error
	if id != "" && !isDigits(id) {
		errs = append(errs, fmt.Errorf("%sexperiment_id %q must be a number; to name an experiment use %sexperiment_name", prefix, id, prefix))
	}
	if name != "" && strings.TrimSpace(name) == "" {
		errs = append(errs, fmt.Errorf("%sexperiment_name must not be blank", prefix))
	}
	if n := utf8.RuneCountInString(name); n > mlflow.MaxExperimentNameChars {
		errs = append(errs, fmt.Errorf("%sexperiment_name has %d characters; MLflow takes at most %d", prefix, n, mlflow.MaxExperimentNameChars))
	}
	return errs
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

// experiment is the configured experiment, the one spans go to unless they name another or
// the routing table sends them elsewhere.
func (cfg *Config) experiment() experimentRef {
	switch {
	case cfg.Routing.DefaultExperimentID != "":
		return experimentRef{id: cfg.Routing.DefaultExperimentID}
	case cfg.Routing.DefaultExperimentName != "":
		return experimentRef{name: cfg.Routing.DefaultExperimentName}
	case cfg.ExperimentID != "":
		return experimentRef{id: cfg.ExperimentID}
	case cfg.ExperimentName != "":
		return experimentRef{name: cfg.ExperimentName}
	default:
		return experimentRef{id: mlflow.DefaultExperimentID}
	}
}

// routingTable returns the routing table, or nil when routing by attribute is not configured.
func (cfg *Config) routingTable() *routingTable {
	if cfg.Routing.Attribute == "" {
		return nil
	}
	t := &routingTable{attribute: cfg.Routing.Attribute, refs: map[string]experimentRef{}}
	for _, rule := range cfg.Routing.Table {
		ref := experimentRef{id: rule.ExperimentID, name: rule.ExperimentName}
		t.refs[strings.TrimSpace(rule.Value)] = ref
	}
	return t
}
