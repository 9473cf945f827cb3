package llmtraceprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor"

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
)

// Config defines the configuration of the llmtrace processor.
type Config struct {
	// WaitDuration is the longest a trace is held, from its first span's arrival. A trace whose
	// root span has not arrived by then is sent on as it is.
	WaitDuration time.Duration `mapstructure:"wait_duration"`
	// RootGracePeriod is how long a trace is still held after its root span arrived, for
	// children exported after their parent. 0 sends it on at once.
	RootGracePeriod time.Duration `mapstructure:"root_grace_period"`
	// MaxTraces bounds the number of traces held; past it, the oldest is sent on early.
	MaxTraces int `mapstructure:"max_traces"`
	// MaxBytes bounds the held spans' size (their OTLP protobuf encoding); past it, the oldest
	// traces are sent on early. 0 means no byte bound.
	MaxBytes int64 `mapstructure:"max_bytes"`
	// CompleteOnRemoteParent lets a span whose parent is in another process (its OTLP span
	// flags say the parent is remote) complete the trace as a root span does: the collector
	// often sees only one service's part of a trace, whose root it never gets.
	CompleteOnRemoteParent bool `mapstructure:"complete_on_remote_parent"`
	// RememberReleasedSpans is how many spans of released traces are remembered, by trace and
	// span id, so that a client's retry arriving after its trace left is dropped rather than
	// sent again; the oldest traces are forgotten first. 0 remembers none.
	RememberReleasedSpans int `mapstructure:"remember_released_spans"`
	// MetadataKeys are the client metadata keys (a receiver's include_metadata) whose values
	// follow the spans: spans of one trace with other values are held apart, and released
	// traces go on with their own values, as the batch processor's metadata_keys. Without
	// keys, released traces go on without client metadata. Case-insensitive.
	MetadataKeys []string `mapstructure:"metadata_keys"`

	// Deduplicate marks an LLM span that describes the same call as an LLM span below it, so
	// MLflow counts the call's tokens and cost once.
	Deduplicate bool `mapstructure:"deduplicate"`
	// TraceName names a trace whose root span is a generic HTTP or RPC span after its first
	// agent or LLM span.
	TraceName bool `mapstructure:"trace_name"`
	// Session copies session.id and user.id to the root span from the span that carries them.
	Session bool `mapstructure:"session"`
	// Previews copies inputs and outputs to a root span that has none, from the uppermost spans
	// that have them, for MLflow's request and response previews.
	Previews bool `mapstructure:"previews"`
	// Totals writes the trace's token and cost totals on the root span as numbers
	// (llm.trace.total_tokens, llm.trace.cost_usd), for tail sampling on whole-trace usage.
	Totals bool `mapstructure:"totals"`
	// GenericRootAttributePrefixes are the attribute prefixes that make a SERVER or CLIENT root
	// span a generic transport span (see TraceName).
	GenericRootAttributePrefixes []string `mapstructure:"generic_root_attribute_prefixes"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

func createDefaultConfig() component.Config {
	return &Config{
		WaitDuration:                 30 * time.Second,
		RootGracePeriod:              time.Second,
		MaxTraces:                    10_000,
		MaxBytes:                     128 << 20,
		RememberReleasedSpans:        100_000,
		Deduplicate:                  true,
		TraceName:                    true,
		Session:                      true,
		Previews:                     true,
		Totals:                       true,
		GenericRootAttributePrefixes: []string{"http.", "rpc.", "url."},
	}
}

// Validate checks the configuration.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.WaitDuration <= 0 {
		errs = append(errs, fmt.Errorf("wait_duration: must be positive, got %s", cfg.WaitDuration))
	}
	if cfg.RootGracePeriod < 0 {
		errs = append(errs, fmt.Errorf("root_grace_period: must not be negative, got %s", cfg.RootGracePeriod))
	} else if cfg.WaitDuration > 0 && cfg.RootGracePeriod > cfg.WaitDuration {
		errs = append(errs, fmt.Errorf("root_grace_period: %s is longer than wait_duration %s", cfg.RootGracePeriod, cfg.WaitDuration))
	}
	if cfg.MaxTraces <= 0 {
		errs = append(errs, fmt.Errorf("max_traces: must be positive, got %d", cfg.MaxTraces))
	}
	if cfg.MaxBytes < 0 {
		errs = append(errs, fmt.Errorf("max_bytes: must not be negative (0 for no bound), got %d", cfg.MaxBytes))
	}
	if cfg.RememberReleasedSpans < 0 {
		errs = append(errs, fmt.Errorf("remember_released_spans: must not be negative (0 for none), got %d", cfg.RememberReleasedSpans))
	}
	seen := map[string]bool{}
	for i, k := range cfg.MetadataKeys {
		l := strings.ToLower(k)
		switch {
		case strings.TrimSpace(k) == "":
			errs = append(errs, fmt.Errorf("metadata_keys[%d]: must not be blank", i))
		case seen[l]:
			errs = append(errs, fmt.Errorf("metadata_keys[%d]: %q is listed twice (keys are case-insensitive)", i, k))
		}
		seen[l] = true
	}
	for i, p := range cfg.GenericRootAttributePrefixes {
		if strings.TrimSpace(p) == "" {
			errs = append(errs, fmt.Errorf("generic_root_attribute_prefixes[%d]: must not be blank", i))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}
