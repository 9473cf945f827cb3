package llmredactionprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmredactionprocessor"

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.opentelemetry.io/collector/config/configopaque"
)

// Modes of redaction.
const (
	ModeMask = "mask" // replace a match with [REDACTED:<detector>]
	ModeHash = "hash" // replace a match with [REDACTED:<detector>:<salted HMAC prefix>]
	ModeDrop = "drop" // remove an attribute in which anything matched
)

// Content policies.
const (
	ContentRedact = "redact" // keep message content, redacting what the detectors find
	ContentDrop   = "drop"   // remove message content attributes altogether
	ContentKeep   = "keep"   // leave content as it is (max_value_size still applies)
)

// Config defines the configuration of the llmredaction processor.
type Config struct {
	// Content is the policy for message content attributes: redact (default), drop or keep.
	Content string `mapstructure:"content"`
	// Mode is how a detected value is redacted: mask (default), hash or drop.
	Mode string `mapstructure:"mode"`
	// HashSalt keys the HMAC of hash mode; required there.
	HashSalt configopaque.String `mapstructure:"hash_salt"`
	// Detectors names the built-in detectors to run; empty means all of them.
	Detectors []string `mapstructure:"detectors"`
	// Custom adds detectors from regular expressions (RE2 syntax).
	Custom []CustomDetector `mapstructure:"custom"`
	// AllowValues are matches never redacted (exact, case-sensitive).
	AllowValues []string `mapstructure:"allow_values"`
	// AllowPatterns are regular expressions; a match that one of them matches entirely is kept.
	AllowPatterns []string `mapstructure:"allow_patterns"`
	// Attributes adds span and event attribute keys to treat as content; a trailing '*' makes a
	// key a prefix.
	Attributes []string `mapstructure:"attributes"`
	// MaxValueSize cuts every string attribute of a span and its events longer than this many
	// bytes, at a UTF-8 boundary, and appends a marker. 0 disables the cap.
	MaxValueSize int `mapstructure:"max_value_size"`
	// SummaryAttributes writes llm.redaction.count and llm.redaction.<detector> on spans in which
	// something was redacted. Default true.
	SummaryAttributes bool `mapstructure:"summary_attributes"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// CustomDetector is a named regular expression.
type CustomDetector struct {
	Name  string `mapstructure:"name"`
	Regex string `mapstructure:"regex"`
}

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Validate checks the configuration.
func (cfg *Config) Validate() error {
	var errs []error
	if !slices.Contains([]string{ContentRedact, ContentDrop, ContentKeep}, cfg.Content) {
		errs = append(errs, fmt.Errorf("content: must be redact, drop or keep, got %q", cfg.Content))
	}
	if !slices.Contains([]string{ModeMask, ModeHash, ModeDrop}, cfg.Mode) {
		errs = append(errs, fmt.Errorf("mode: must be mask, hash or drop, got %q", cfg.Mode))
	}
	if cfg.Mode == ModeHash && cfg.HashSalt == "" {
		errs = append(errs, errors.New("hash_salt: required in hash mode"))
	}
	known := BuiltinDetectors()
	for _, d := range cfg.Detectors {
		if !slices.Contains(known, d) {
			errs = append(errs, fmt.Errorf("detectors: unknown %q; known detectors are %s", d, strings.Join(known, ", ")))
		}
	}
	seen := map[string]bool{}
	for i, c := range cfg.Custom {
		switch {
		case !namePattern.MatchString(c.Name):
			errs = append(errs, fmt.Errorf("custom[%d]: name %q must match %s", i, c.Name, namePattern))
		case slices.Contains(known, c.Name) || seen[c.Name]:
			errs = append(errs, fmt.Errorf("custom[%d]: name %q is already used", i, c.Name))
		}
		seen[c.Name] = true
		if c.Regex == "" {
			errs = append(errs, fmt.Errorf("custom[%d]: regex must not be empty", i))
		} else if _, err := regexp.Compile(c.Regex); err != nil {
			errs = append(errs, fmt.Errorf("custom[%d]: %w", i, err))
		}
	}
	for i, p := range cfg.AllowPatterns {
		if _, err := regexp.Compile(p); err != nil {
			errs = append(errs, fmt.Errorf("allow_patterns[%d]: %w", i, err))
		}
	}
	for i, a := range cfg.Attributes {
		if strings.TrimSuffix(a, "*") == "" {
			errs = append(errs, fmt.Errorf("attributes[%d]: must not be empty", i))
		}
	}
	if cfg.MaxValueSize < 0 {
		errs = append(errs, fmt.Errorf("max_value_size: must not be negative, got %d", cfg.MaxValueSize))
	}
	return errors.Join(errs...)
}
