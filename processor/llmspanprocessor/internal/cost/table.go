// Package cost prices LLM calls from token usage: an embedded price table generated from the
// genai-prices package (scripts/gen-prices.sh), overridable from configuration, and the
// cache-aware arithmetic MLflow's inclusive token usage needs.
package cost // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/cost"

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/confmap"
)

// defaultPrices is prices.json, written by scripts/gen-prices.sh. Its notice is
// LICENSE.genai-prices next to it.
//
//go:embed prices.json
var defaultPrices []byte

// Price is what a model costs, in USD per million tokens. A cache price the source table
// does not give is the input price.
type Price struct {
	Input, Output, CacheRead, CacheWrite float64
	// Tiers, by ascending Start, are genai-prices' threshold tiers (long-context prices): the
	// last one whose Start a call's input tokens exceed prices all of its tokens.
	Tiers []Tier
}

// Tier is a Price, without tiers, for calls with more than Start input tokens.
type Tier struct {
	Start int64
	Price Price
}

// Entry is a price given in configuration. Model is matched case-insensitively, exactly or,
// when it ends with '*', as a prefix; an empty Provider matches any provider.
type Entry struct {
	Provider   string   `mapstructure:"provider"`
	Model      string   `mapstructure:"model"`
	Input      float64  `mapstructure:"input"`
	Output     float64  `mapstructure:"output"`
	CacheRead  *float64 `mapstructure:"cache_read"`
	CacheWrite *float64 `mapstructure:"cache_write"`
}

// Validate checks one entry.
func (e Entry) Validate() error {
	if strings.TrimSpace(e.Model) == "" {
		return fmt.Errorf("model must not be empty")
	}
	for _, p := range []*float64{&e.Input, &e.Output, e.CacheRead, e.CacheWrite} {
		if p != nil && !(*p >= 0 && !math.IsInf(*p, 1)) { // NaN fails >= 0
			return fmt.Errorf("model %q: prices must be finite and not negative, got %v", e.Model, *p)
		}
	}
	return nil
}

func (e Entry) price() Price {
	p := Price{Input: e.Input, Output: e.Output, CacheRead: e.Input, CacheWrite: e.Input}
	if e.CacheRead != nil {
		p.CacheRead = *e.CacheRead
	}
	if e.CacheWrite != nil {
		p.CacheWrite = *e.CacheWrite
	}
	return p
}

// Table finds the price of a provider's model. Lookups are safe for concurrent use; each
// distinct (provider, model) pair is resolved once and remembered, up to maxCached pairs.
type Table struct {
	overrides []override
	providers []*provider
	byID      map[string]*provider
	// Source describes the default table, for logs: "genai-prices 0.2.3 (2026-11-24)".
	Source string

	mu    sync.RWMutex
	cache map[key]result
}

const maxCached = 10000

type key struct{ provider, model string }

type result struct {
	price Price
	ok    bool
}

type override struct {
	provider, model string // lower case; model without its '*'
	prefix          bool
	price           Price
}

type provider struct {
	id            string
	providerMatch matcher
	modelMatch    matcher
	fallback      []string
	models        []model
}

type model struct {
	match matcher
	price Price
}

// file is the shape of prices.json.
type file struct {
	Source    string `json:"source"`
	Version   string `json:"version"`
	Generated string `json:"generated"`
	Providers []struct {
		ID            string          `json:"id"`
		ProviderMatch json.RawMessage `json:"provider_match"`
		ModelMatch    json.RawMessage `json:"model_match"`
		Fallback      []string        `json:"fallback"`
		Models        []struct {
			ID    string          `json:"id"`
			Match json.RawMessage `json:"match"`
			filePrice
			Tiers []struct {
				Start int64 `json:"start"`
				filePrice
			} `json:"tiers"`
		} `json:"models"`
	} `json:"providers"`
}

// filePrice is a price in prices.json: a model's, or one of its tiers'.
type filePrice struct {
	Input      float64  `json:"input"`
	Output     float64  `json:"output"`
	CacheRead  *float64 `json:"cache_read"`
	CacheWrite *float64 `json:"cache_write"`
}

func (f filePrice) price() Price {
	return Entry{Input: f.Input, Output: f.Output, CacheRead: f.CacheRead, CacheWrite: f.CacheWrite}.price()
}

// New builds a table from the embedded default prices (unless useDefault is false) and
// entries, which take precedence over them.
func New(useDefault bool, entries []Entry) (*Table, error) {
	t := &Table{byID: map[string]*provider{}, cache: map[key]result{}}
	for _, e := range entries {
		o := override{provider: strings.ToLower(strings.TrimSpace(e.Provider)), model: strings.ToLower(strings.TrimSpace(e.Model)), price: e.price()}
		if strings.HasSuffix(o.model, "*") {
			o.model, o.prefix = strings.TrimSuffix(o.model, "*"), true
		}
		t.overrides = append(t.overrides, o)
	}
	if !useDefault {
		return t, nil
	}
	var f file
	if err := json.Unmarshal(defaultPrices, &f); err != nil {
		return nil, fmt.Errorf("embedded prices.json: %w", err)
	}
	t.Source = fmt.Sprintf("genai-prices %s (%s)", f.Version, f.Generated)
	for _, fp := range f.Providers {
		p := &provider{id: fp.ID, fallback: fp.Fallback}
		var err error
		if p.providerMatch, err = compileRaw(fp.ProviderMatch); err != nil {
			return nil, fmt.Errorf("provider %s: %w", fp.ID, err)
		}
		if p.modelMatch, err = compileRaw(fp.ModelMatch); err != nil {
			return nil, fmt.Errorf("provider %s: %w", fp.ID, err)
		}
		for _, fm := range fp.Models {
			m, err := compileRaw(fm.Match)
			if err != nil {
				return nil, fmt.Errorf("provider %s, model %s: %w", fp.ID, fm.ID, err)
			}
			price := fm.price()
			for _, ft := range fm.Tiers {
				price.Tiers = append(price.Tiers, Tier{Start: ft.Start, Price: ft.price()})
			}
			p.models = append(p.models, model{match: m, price: price})
		}
		t.providers = append(t.providers, p)
		t.byID[p.id] = p
	}
	return t, nil
}

// Lookup returns the price of model as served by provider (either may be empty; the model is
// required for a match). See the package README for the matching rules.
func (t *Table) Lookup(providerName, modelName string) (Price, bool) {
	k := key{providerName, modelName}
	t.mu.RLock()
	r, hit := t.cache[k]
	t.mu.RUnlock()
	if hit {
		return r.price, r.ok
	}
	r.price, r.ok = t.resolve(strings.ToLower(strings.TrimSpace(providerName)), strings.ToLower(strings.TrimSpace(modelName)))
	t.mu.Lock()
	if len(t.cache) < maxCached {
		t.cache[key{strings.Clone(providerName), strings.Clone(modelName)}] = r
	}
	t.mu.Unlock()
	return r.price, r.ok
}

// resolve tries the model name as given, then ever more normalized forms of it (see
// candidates), all against the configured entries first, then against the default table: a
// configured "gpt-4o" also prices "gpt-4o-2024-08-06", which the default table knows.
func (t *Table) resolve(prov, name string) (Price, bool) {
	if name == "" {
		return Price{}, false
	}
	cs := candidates(prov, name)
	for _, lookup := range [2]func(string, string) (Price, bool){t.lookupOverride, t.lookupDefault} {
		for _, c := range cs {
			if p, ok := lookup(c.provider, c.model); ok {
				return p, true
			}
		}
	}
	return Price{}, false
}

// lookupOverride finds the configured entry for the model: provider-specific entries first,
// and among them the most specific, an exact model before the longest prefix, so that
// "gpt-4o-mini" is not priced by a "gpt-4o*" listed before it. Ties go to the first listed
// (inline prices before prices_file).
func (t *Table) lookupOverride(prov, name string) (Price, bool) {
	for _, pass := range [2]bool{true, false} {
		best := -1
		for i, o := range t.overrides {
			if (o.provider != "") != pass || (pass && o.provider != prov) {
				continue
			}
			if !o.prefix && name == o.model {
				return o.price, true
			}
			if o.prefix && strings.HasPrefix(name, o.model) && (best < 0 || len(o.model) > len(t.overrides[best].model)) {
				best = i
			}
		}
		if best >= 0 {
			return t.overrides[best].price, true
		}
	}
	return Price{}, false
}

// lookupDefault follows genai-prices' own lookup: the provider by id, else by its
// provider_match, else by its model_match on the model name; then the provider's first model
// whose match accepts the name, then its fallback providers' models, then the name with a
// compact date (-20251211) rewritten to the dashed form. Unlike genai-prices, a provider that
// does not price the model is not the end: the providers found from the model name are tried.
func (t *Table) lookupDefault(prov, name string) (Price, bool) {
	if prov != "" {
		if p := t.providerByName(prov); p != nil {
			if price, ok := t.findModel(p, name); ok {
				return price, true
			}
		}
	}
	for _, p := range t.providers {
		if p.modelMatch != nil && p.modelMatch.match(name) {
			if price, ok := t.findModel(p, name); ok {
				return price, true
			}
		}
	}
	return Price{}, false
}

func (t *Table) providerByName(name string) *provider {
	if p, ok := t.byID[name]; ok {
		return p
	}
	for _, p := range t.providers {
		if p.providerMatch != nil && p.providerMatch.match(name) {
			return p
		}
	}
	return nil
}

func (t *Table) findModel(p *provider, name string) (Price, bool) {
	if price, ok := t.matchModel(p, name, true); ok {
		return price, true
	}
	if n := compactDate.ReplaceAllString(name, "-$1-$2-$3$4"); n != name {
		return t.matchModel(p, n, true)
	}
	return Price{}, false
}

func (t *Table) matchModel(p *provider, name string, fallback bool) (Price, bool) {
	for _, m := range p.models {
		if m.match.match(name) {
			return m.price, true
		}
	}
	if fallback {
		for _, id := range p.fallback {
			if fp, ok := t.byID[id]; ok {
				if price, ok := t.matchModel(fp, name, false); ok {
					return price, true
				}
			}
		}
	}
	return Price{}, false
}

// compactDate is genai-prices' _COMPACT_DATE_RE without its lookahead: the date must end the
// name or be followed by '-' or ':' (captured in $4 and kept).
var compactDate = regexp.MustCompile(`-(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])([-:]|$)`)

// ReadEntries reads a prices file: YAML or JSON with a top-level `prices` list of entries.
func ReadEntries(path string) ([]Entry, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	retrieved, err := confmap.NewRetrievedFromYAML(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	conf, err := retrieved.AsConf()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var f struct {
		Prices []Entry `mapstructure:"prices"`
	}
	if err := conf.Unmarshal(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var errs []error
	for i, e := range f.Prices {
		if err := e.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: prices[%d]: %w", path, i, err))
		}
	}
	return f.Prices, errors.Join(errs...)
}
