package dialect

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// spanWithStrings builds a span with the given string attributes.
func spanWithStrings(attrs map[string]string) ptrace.Span {
	span := ptrace.NewSpan()
	for k, v := range attrs {
		span.Attributes().PutStr(k, v)
	}
	return span
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		name string
		v    pcommon.Value
		want int64
		ok   bool
	}{
		{"int", pcommon.NewValueInt(12), 12, true},
		{"zero", pcommon.NewValueInt(0), 0, true},
		{"negative", pcommon.NewValueInt(-1), 0, false},
		{"integral double", pcommon.NewValueDouble(7), 7, true},
		{"fractional double", pcommon.NewValueDouble(7.5), 0, false},
		{"huge double", pcommon.NewValueDouble(1e300), 0, false},
		{"string", pcommon.NewValueStr(" 174 "), 174, true},
		{"JSON-quoted string", pcommon.NewValueStr(`"26"`), 26, true},
		{"text", pcommon.NewValueStr("many"), 0, false},
		{"bool", pcommon.NewValueBool(true), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok := ParseCount(tt.v)
			assert.Equal(t, tt.ok, ok)
			if ok {
				assert.Equal(t, tt.want, n)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	all, unknown := Select(nil)
	assert.Equal(t, All, all)
	assert.Empty(t, unknown)

	got, unknown := Select([]string{"nope", "genai"})
	assert.Equal(t, []string{"nope"}, unknown)
	assert.Len(t, got, 1)
	assert.Equal(t, "genai", got[0].Name)
}

func TestDetectorPrecedence(t *testing.T) {
	first := Dialect{Name: "first", Scopes: []string{"lib.first"}, Namespaces: []string{"first"}}
	second := Dialect{Name: "second", Namespaces: []string{"gen_ai"}}
	d := NewDetector([]Dialect{first, second})

	attrs := pcommon.NewMap()
	attrs.PutStr("http.method", "GET")
	_, ok := d.Detect(0, attrs)
	assert.False(t, ok, "no dialect")

	attrs.PutStr("gen_ai.request.model", "m")
	i, ok := d.Detect(0, attrs)
	assert.True(t, ok)
	assert.Equal(t, 1, i)

	attrs.PutStr("first.kind", "x") // a later key of an earlier dialect still wins
	i, _ = d.Detect(0, attrs)
	assert.Equal(t, 0, i)

	i, ok = d.Detect(d.ScopeMask("lib.first"), pcommon.NewMap())
	assert.True(t, ok, "the scope alone identifies a dialect")
	assert.Equal(t, 0, i)
}

// KeyMasks keeps the last namespace it looked up: keys under it, keys under a namespace with
// identifying keys, and keys of other namespaces in between must each count as when alone.
func TestKeyMasksMatchesEachKeyAlone(t *testing.T) {
	d := NewDetector(All)
	keys := []string{
		"gen_ai.request.model", "gen_ai.usage.input_tokens", "gen_ai", "gen_ai_x.y", "langfuse.user.id",
		"langfuse.observation.type", "langfuse.observation.input", "gen_ai.system", ".x", "x.", "server.address",
		"server.port", "openinference.span.kind", "llm.model_name", "gen_ai.operation.name",
	}
	for start := range keys {
		m, want := d.KeyMasks(0), uint64(0)
		for _, k := range keys[start:] {
			m.Add(k)
			alone := d.KeyMasks(0)
			alone.Add(k)
			want |= alone.Mask
			assert.Equal(t, want, m.Mask, "after %q", k)
		}
	}
}

// The dialects in All must be complete: named, readable, and detectable.
func TestAllDialectsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range All {
		assert.NotEmpty(t, d.Name)
		assert.False(t, seen[d.Name], "duplicate %s", d.Name)
		seen[d.Name] = true
		assert.NotNil(t, d.Read, d.Name)
		assert.NotEmpty(t, slices.Concat(d.Scopes, d.ScopePrefixes, d.Namespaces, d.IdentifyingKeys), "%s cannot be detected", d.Name)
		assert.NotPanics(t, func() { d.Read(ptrace.NewSpan(), &Record{}) }, d.Name)
	}
}

func TestLower(t *testing.T) {
	for _, s := range []string{"", "openai", "OpenAI", "AWS.Bedrock", "Ärzte", "gcp.vertex.agent"} {
		assert.Equal(t, strings.ToLower(s), lower(s), s)
	}
	assert.True(t, isFrameworkProvider("strands-agents"))
	assert.True(t, isFrameworkProvider("langchain"), "OpenLIT's framework spans")
	assert.False(t, isFrameworkProvider("openai"))
}

func TestIncludeCacheIfBelow(t *testing.T) {
	n := func(v int64) Count { return Count{N: v, Set: true} }
	for _, tt := range []struct {
		name     string
		in, want Usage
	}{
		{
			"exclusive input and total (Anthropic through a framework)",
			Usage{Input: n(12), Output: n(80), Total: n(92), CacheRead: n(4000), CacheCreation: n(500)},
			Usage{Input: n(4512), Output: n(80), Total: n(4592), CacheRead: n(4000), CacheCreation: n(500)},
		},
		{
			"exclusive input, a total of its own kept",
			Usage{Input: n(12), Output: n(80), Total: n(4592), CacheRead: n(4000), CacheCreation: n(500)},
			Usage{Input: n(4512), Output: n(80), Total: n(4592), CacheRead: n(4000), CacheCreation: n(500)},
		},
		{
			"inclusive input",
			Usage{Input: n(4512), Output: n(80), CacheRead: n(4000), CacheCreation: n(500)},
			Usage{Input: n(4512), Output: n(80), CacheRead: n(4000), CacheCreation: n(500)},
		},
		{
			"no cache",
			Usage{Input: n(12), Output: n(80)},
			Usage{Input: n(12), Output: n(80)},
		},
		{
			"no input count",
			Usage{Output: n(80), CacheRead: n(4000)},
			Usage{Output: n(80), CacheRead: n(4000)},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in
			got.IncludeCacheIfBelow()
			assert.Equal(t, tt.want, got)
			got.IncludeCacheIfBelow()
			assert.Equal(t, tt.want, got, "idempotent")
		})
	}
}

func TestContentKeys(t *testing.T) {
	keys, prefixes, events := ContentKeys()
	for _, want := range []string{"gen_ai.input.messages", "input.value", "ai.prompt.messages", "lk.pii.user_input", "gen_ai.memory.records"} {
		assert.Contains(t, keys, want)
	}
	assert.Contains(t, prefixes, "llm.input_messages.")
	assert.Contains(t, events, "gen_ai.content.prompt")
	assert.NotContains(t, keys, "gen_ai.request.model", "not content")
	assert.True(t, slices.IsSorted(keys))
}
