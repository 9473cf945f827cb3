// Package dialect reads LLM spans written in the conventions of instrumentation libraries.
// A dialect answers two questions: does this span speak me, and what does it say. It fills a
// Record and never writes to the span; turning records into MLflow attributes is the job of
// package mlflowattr.
package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"math/bits"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/strtab"
)

// Dialect is one instrumentation convention.
type Dialect struct {
	// Name identifies the dialect in configuration and telemetry.
	Name string
	// Scopes are instrumentation scope names that identify the dialect by themselves.
	Scopes []string
	// ScopePrefixes are beginnings of scope names that identify the dialect, for libraries
	// that name a tracer per instrumented package ("openlit." matches "openlit.instrumentation.openai").
	ScopePrefixes []string
	// CacheExclusiveScopes are scope names whose spans count input tokens without the cache
	// reads and writes, as the provider's API does; the processor adds the cache to them.
	CacheExclusiveScopes []string
	// Namespaces are first segments of attribute keys that identify the dialect: "gen_ai"
	// matches "gen_ai.request.model".
	Namespaces []string
	// IdentifyingKeys are whole attribute keys that identify the dialect, for a namespace that
	// also holds keys which say nothing about the span: Langfuse's SDKs copy their trace-level
	// langfuse.* keys onto every span of a trace, whatever instrumentation wrote it.
	IdentifyingKeys []string
	// Read fills rec, which is empty, from span.
	Read func(span ptrace.Span, rec *Record)
}

// All lists every dialect in precedence order: a span that speaks several is read by the
// first. More specific conventions come before the generic ones they build on.
var All = []Dialect{
	// Frameworks identified by their instrumentation scope or own namespace, most of which
	// also write GenAI keys.
	claudeCode,
	geminiCLI,
	// VoltAgent's agent spans carry ai.model.* keys, which would make them vercel_ai's.
	voltAgent,
	vercelAI,
	genkit,
	pydanticAI,
	strands,
	googleADK,
	semanticKernel,
	agentFramework,
	liteLLM,
	liveKit,
	laminar,
	springAI,
	// SDK attributes that may sit on spans of any convention below; Langfuse's only on its
	// own observations, since its trace-level keys sit on every span.
	langfuse,
	mcp,
	// Instrumentation libraries; OpenLLMetry and OpenLIT write GenAI keys plus their own.
	// Agno's spans are OpenInference plus agno.* ids: it comes first.
	agno,
	openInference,
	openLLMetry,
	openLIT,
	genAI,
}

// Names lists the names of All, in order.
func Names() []string {
	names := make([]string, len(All))
	for i, d := range All {
		names[i] = d.Name
	}
	return names
}

// Select returns the dialects of All named in names, in precedence order, and the names it
// does not know. An empty names selects all.
func Select(names []string) (selected []Dialect, unknown []string) {
	if len(names) == 0 {
		return All, nil
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	for _, d := range All {
		if want[d.Name] {
			selected = append(selected, d)
			delete(want, d.Name)
		}
	}
	for _, n := range names {
		if want[n] {
			unknown = append(unknown, n)
		}
	}
	return selected, unknown
}

// Detector finds the dialect of a span with lookup tables built once: each scope name and key
// namespace maps to the set of dialects it identifies, as a bit mask in precedence order.
type Detector struct {
	dialects       []Dialect
	scopes         map[string]uint64
	cacheExclusive map[string]bool
	prefixes       []scopePrefix
	namespaces     *strtab.Table[namespace]
}

type scopePrefix struct {
	prefix string
	mask   uint64
}

// namespace is what the first segment of an attribute key identifies: dialects by itself
// (mask), and, when keys is not nil, dialects by some whole keys under it.
type namespace struct {
	mask uint64
	keys *strtab.Table[uint64]
}

// NewDetector builds a detector for at most 64 dialects, given in precedence order.
func NewDetector(dialects []Dialect) *Detector {
	if len(dialects) > 64 {
		panic("dialect: more than 64 dialects")
	}
	d := &Detector{dialects: make([]Dialect, len(dialects)), scopes: map[string]uint64{}, cacheExclusive: map[string]bool{}}
	namespaces := map[string]namespace{}
	keys := map[string]map[string]uint64{} // namespace → key → mask
	for i, dl := range dialects {
		for _, s := range dl.Scopes {
			d.scopes[s] |= 1 << i
		}
		for _, s := range dl.CacheExclusiveScopes {
			d.cacheExclusive[s] = true
		}
		for _, p := range dl.ScopePrefixes {
			d.prefixes = append(d.prefixes, scopePrefix{p, 1 << i})
		}
		for _, ns := range dl.Namespaces {
			n := namespaces[ns]
			n.mask |= 1 << i
			namespaces[ns] = n
		}
		for _, k := range dl.IdentifyingKeys {
			ns, _, _ := strings.Cut(k, ".")
			if keys[ns] == nil {
				keys[ns] = map[string]uint64{}
			}
			keys[ns][k] |= 1 << i
		}
		d.dialects[i] = dl
	}
	for ns, m := range keys {
		n := namespaces[ns]
		n.keys = strtab.New(m)
		namespaces[ns] = n
	}
	d.namespaces = strtab.New(namespaces)
	return d
}

// Dialects returns the detector's dialects; Detect's results index into it.
func (d *Detector) Dialects() []Dialect { return d.dialects }

// CacheExclusive reports whether a scope's spans count input tokens without the cache (see
// Dialect.CacheExclusiveScopes). Call it once per scope.
func (d *Detector) CacheExclusive(scope string) bool { return d.cacheExclusive[scope] }

// ScopeMask returns the dialects a scope name identifies. Call it once per scope.
func (d *Detector) ScopeMask(scope string) uint64 {
	mask := d.scopes[scope]
	for _, p := range d.prefixes {
		if strings.HasPrefix(scope, p.prefix) {
			mask |= p.mask
		}
	}
	return mask
}

// Detect returns the index of the first dialect, in precedence order, that the span's scope
// (scopeMask) or one of its attribute keys identifies.
func (d *Detector) Detect(scopeMask uint64, attrs pcommon.Map) (int, bool) {
	m := d.KeyMasks(scopeMask)
	for k := range attrs.All() {
		m.Add(k)
	}
	return First(m.Mask)
}

// KeyMasks collects the dialects that the attribute keys of one span identify by their
// namespace, for callers that walk a span's keys themselves; First then picks the dialect.
// A span's keys mostly share a namespace ("gen_ai."): the last one looked up is kept, and a
// key under it costs a prefix test instead of a lookup.
type KeyMasks struct {
	Mask uint64 // the scope's dialects and those of the keys added
	d    *Detector
	// last is the namespace last looked up, with its '.', and lastMask what it identifies;
	// last is "" when none was, or when the namespace has identifying keys (each is looked up).
	last     string
	lastMask uint64
}

// KeyMasks starts collecting the dialects of a span of a scope that identifies scopeMask.
func (d *Detector) KeyMasks(scopeMask uint64) KeyMasks {
	return KeyMasks{Mask: scopeMask, d: d}
}

// Add adds the dialects that key k identifies.
func (m *KeyMasks) Add(k string) {
	if m.last != "" && strings.HasPrefix(k, m.last) { // then k's first '.' ends m.last too
		m.Mask |= m.lastMask
		return
	}
	i := strings.IndexByte(k, '.')
	if i <= 0 {
		return
	}
	ns, _ := m.d.namespaces.Get(k[:i])
	if ns.keys != nil {
		mask, _ := ns.keys.Get(k)
		m.Mask |= ns.mask | mask
		m.last = ""
		return
	}
	m.Mask |= ns.mask
	m.last, m.lastMask = k[:i+1], ns.mask
}

// First returns the index of the first dialect, in precedence order, in mask.
func First(mask uint64) (int, bool) {
	if mask == 0 {
		return 0, false
	}
	return bits.TrailingZeros64(mask), true
}
