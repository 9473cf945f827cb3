package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/confmap"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/strictconf"
)

// Config defines the mlflow receiver's configuration.
type Config struct {
	// ServerConfig is where MLflow clients connect (MLFLOW_TRACKING_URI=http://<endpoint>):
	// endpoint, TLS, auth, CORS, max_request_body_size.
	ServerConfig confighttp.ServerConfig `mapstructure:",squash"`

	// Upstream is a real MLflow tracking server. When set, experiment calls are forwarded to it,
	// so experiment ids are MLflow's own and spans carry mlflow.experimentId. When unset, the
	// receiver keeps its own name<->id registry and spans carry mlflow.experimentName.
	Upstream configoptional.Optional[confighttp.ClientConfig] `mapstructure:"upstream"`

	// RegistryFile is where the local experiment registry is kept across restarts (local mode
	// only). Empty keeps it in memory.
	RegistryFile string `mapstructure:"registry_file"`

	// TraceTimeout bounds how long a trace's root span is held waiting for the trace's tags
	// and metadata (StartTraceV3) before it is sent on with whatever of them has arrived.
	TraceTimeout time.Duration `mapstructure:"trace_timeout"`

	// MaxPendingTraces bounds how many traces the receiver tracks at once to join spans with
	// trace info; past it the least recently active one is released early.
	MaxPendingTraces int `mapstructure:"max_pending_traces"`

	// LateTagWait bounds how long a tag call for a trace whose root span went on is retried
	// against the upstream while the upstream does not have the trace yet (the pipeline delays
	// it). 0 relays such a call once.
	LateTagWait time.Duration `mapstructure:"late_tag_wait"`

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

// Validate checks the configuration, naming the offending field.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.ServerConfig.NetAddr.Endpoint == "" {
		errs = append(errs, errors.New("endpoint: must not be empty"))
	}
	if cfg.TraceTimeout <= 0 {
		errs = append(errs, fmt.Errorf("trace_timeout: must be positive, got %s", cfg.TraceTimeout))
	}
	if cfg.MaxPendingTraces <= 0 {
		errs = append(errs, fmt.Errorf("max_pending_traces: must be positive, got %d", cfg.MaxPendingTraces))
	}
	if cfg.LateTagWait < 0 {
		errs = append(errs, fmt.Errorf("late_tag_wait: must not be negative, got %s", cfg.LateTagWait))
	}
	if cfg.Upstream.HasValue() {
		switch e := cfg.Upstream.Get().Endpoint; {
		case e == "":
			errs = append(errs, errors.New("upstream::endpoint: must not be empty"))
		case !strings.HasPrefix(e, "http://") && !strings.HasPrefix(e, "https://"):
			// A bare host:port would fail every forwarded call with a URL parse error.
			errs = append(errs, fmt.Errorf("upstream::endpoint: %q must start with http:// or https://", e))
		}
		if cfg.RegistryFile != "" {
			errs = append(errs, errors.New("registry_file: only used without upstream, where experiment ids are the upstream's"))
		}
	}
	return errors.Join(errs...)
}
