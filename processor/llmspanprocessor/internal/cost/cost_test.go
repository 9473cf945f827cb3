package cost

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"
)

func defaultTable(t testing.TB) *Table {
	t.Helper()
	tab, err := New(true, nil)
	require.NoError(t, err)
	return tab
}

// TestEmbeddedTable checks that every match clause of the generated table compiles, and that
// the file records where it came from.
func TestEmbeddedTable(t *testing.T) {
	tab := defaultTable(t)
	assert.Regexp(t, `^genai-prices \d+\.\d+\.\d+ \(\d{4}-\d{2}-\d{2}\)$`, tab.Source)
	assert.Greater(t, len(tab.providers), 20)
	var head struct{ License string }
	require.NoError(t, json.Unmarshal(defaultPrices, &head))
	assert.Contains(t, head.License, "MIT")
	_, err := os.Stat("LICENSE.genai-prices")
	assert.NoError(t, err, "the MIT notice must ship with the data")
}

func TestLookup(t *testing.T) {
	tab := defaultTable(t)
	tests := []struct {
		provider, model string
		input, output   float64
		cacheRead       float64
	}{
		{"openai", "gpt-4o-mini", 0.15, 0.6, 0.075},
		{"", "gpt-4o-mini", 0.15, 0.6, 0.075},                    // provider from the model name
		{"openai", "gpt-4o-mini-2024-08-06", 0.15, 0.6, 0.075},   // unknown date: stripped
		{"OpenAI", "GPT-4o-mini-2024-07-18", 0.15, 0.6, 0.075},   // case-insensitive
		{"", "openai/gpt-4o-mini", 0.15, 0.6, 0.075},             // routing prefix
		{"azure.ai.openai", "gpt-4o-mini", 0.15, 0.6, 0.075},     // provider by provider_match
		{"langchain", "gpt-4o-mini", 0.15, 0.6, 0.075},           // unknown provider: from the model
		{"anthropic", "claude-3-5-haiku-20241022", 0.8, 4, 0.08}, // date in the table's match
		{"aws.bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0", 0.8, 4, 0.08},
		{"gcp.vertex_ai", "claude-3-5-haiku@20241022", 0.8, 4, 0.08},
		{"litellm", "perplexity/sonar", 1, 1, 1},            // LiteLLM routes: the prefix is the provider
		{"deepseek", "deepseek-chat", 0.27, 1.1, 0.07},      // the regular price, not the off-peak discount
		{"deepseek", "deepseek-reasoner", 0.55, 2.19, 0.14}, // idem
	}
	for _, tt := range tests {
		t.Run(tt.provider+"/"+tt.model, func(t *testing.T) {
			p, ok := tab.Lookup(tt.provider, tt.model)
			require.True(t, ok)
			assert.InDelta(t, tt.input, p.Input, 1e-9)
			assert.InDelta(t, tt.output, p.Output, 1e-9)
			assert.InDelta(t, tt.cacheRead, p.CacheRead, 1e-9)
		})
	}
	for _, m := range []string{"", "no-such-model-xyz", "gpt-4o-mini-but-not-really-9"} {
		_, ok := tab.Lookup("openai", m)
		assert.False(t, ok, m)
	}
}

// TestTiers: above a tier's start, all of a call's tokens are priced at the tier's rates
// (genai-prices' threshold tiers), the cache included; the threshold counts input inclusive of
// the cache.
func TestTiers(t *testing.T) {
	sonnet, ok := defaultTable(t).Lookup("anthropic", "claude-sonnet-4-5-20250929")
	require.True(t, ok)
	require.Len(t, sonnet.Tiers, 1, "the long-context tier of genai-prices 0.2.3")
	assert.Equal(t, Tier{Start: 200_000, Price: Price{Input: 6, Output: 22.5, CacheRead: 0.6, CacheWrite: 7.5}}, sonnet.Tiers[0])

	p := Price{Input: 1, Output: 2, CacheRead: 0.1, CacheWrite: 1.5, Tiers: []Tier{
		{Start: 100, Price: Price{Input: 10, Output: 20, CacheRead: 1, CacheWrite: 15}},
		{Start: 1000, Price: Price{Input: 100, Output: 200, CacheRead: 10, CacheWrite: 150}},
	}}
	tests := []struct {
		name  string
		usage dialect.Usage
		rates Price
	}{
		{"at a start: the lower prices", dialect.Usage{Input: count(100), Output: count(7)}, p},
		{"above it", dialect.Usage{Input: count(101), Output: count(7)}, p.Tiers[0].Price},
		{"cache counted in the threshold", dialect.Usage{Input: count(101), CacheRead: count(60), CacheCreation: count(40), Output: count(7)}, p.Tiers[0].Price},
		{"the highest tier reached", dialect.Usage{Input: count(5000), CacheRead: count(1000), Output: count(7)}, p.Tiers[1].Price},
		{"output alone: the base prices", dialect.Usage{Output: count(5000)}, p},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flat := tt.rates
			flat.Tiers = nil
			assert.Equal(t, flat.Of(tt.usage), p.Of(tt.usage))
		})
	}
}

func TestCompileRegex(t *testing.T) {
	tests := []struct {
		pattern string
		matches map[string]bool
	}{
		{`^o[134]`, map[string]bool{"o3-mini": true, "gpt-4o": false}},
		// A whole-pattern lookahead: genai-prices' "not a TTS model".
		{`^(?!.*-[tT][tT][sS](?:$|-))`, map[string]bool{"gemini-2.5-pro": true, "gemini-2.5-pro-tts": false}},
		// A lookahead, then the pattern: mistral's model_match.
		{`^(?![^/]+/)(?:labs-)?(?:mistral|open-(?:mistral|mixtral))`, map[string]bool{
			"mistral-large": true, "labs-mistral-x": true, "open-mixtral-8x22b": true,
			"gpt-4o": false, "mistralai/mistral-large": false, "x-mistral": false,
		}},
		{`^(?![(/)\]])x`, map[string]bool{"x": true, "(x": false, "]x": false, ")x": false}},
	}
	for _, tt := range tests {
		m, err := compileRegex(tt.pattern)
		require.NoError(t, err, tt.pattern)
		for name, want := range tt.matches {
			assert.Equal(t, want, m.match(name), "%s on %s", tt.pattern, name)
		}
	}
	_, err := compileRegex(`^gpt(?=-4)`)
	assert.ErrorContains(t, err, "^gpt(?=-4)", "RE2 has no other lookaround")
}

func TestCandidates(t *testing.T) {
	assert.Equal(t, []candidate{{"", "openai/gpt-4o-2024-08-06"}, {"openai", "gpt-4o-2024-08-06"}, {"openai", "gpt-4o"}},
		candidates("", "openai/gpt-4o-2024-08-06"))
	assert.Equal(t, []candidate{{"aws", "us.anthropic.claude-3-haiku-20240307-v1:0"}, {"aws", "claude-3-haiku-20240307"}, {"aws", "claude-3-haiku"}},
		candidates("aws", "us.anthropic.claude-3-haiku-20240307-v1:0"))
	assert.Equal(t, []candidate{{"google", "claude-3-5-sonnet-v2@20241022"}, {"google", "claude-3-5-sonnet-v2"}},
		candidates("google", "claude-3-5-sonnet-v2@20241022"))
	assert.Equal(t, []candidate{{"", "gpt-4"}}, candidates("", "gpt-4"))
}

func TestOverrides(t *testing.T) {
	f := 0.5
	tab, err := New(true, []Entry{
		{Provider: "openai", Model: "gpt-4o-mini", Input: 100, Output: 200},
		{Model: "gpt-4o-mini", Input: 1, Output: 2},
		{Model: "ft:gpt-4o-mini:acme*", Input: 3, Output: 4, CacheRead: &f},
	})
	require.NoError(t, err)
	p, ok := tab.Lookup("openai", "gpt-4o-mini")
	require.True(t, ok)
	assert.Equal(t, Price{Input: 100, Output: 200, CacheRead: 100, CacheWrite: 100}, p, "provider-specific entry first; cache prices default to input")
	p, _ = tab.Lookup("azure", "gpt-4o-mini")
	assert.Equal(t, 1.0, p.Input, "any-provider entry over the default table")
	p, ok = tab.Lookup("openai", "ft:gpt-4o-mini:acme:custom:abc123")
	require.True(t, ok)
	assert.Equal(t, Price{Input: 3, Output: 4, CacheRead: 0.5, CacheWrite: 3}, p)
	p, _ = tab.Lookup("openai", "gpt-4o")
	assert.Equal(t, 2.5, p.Input, "others still from the default table")

	specific, err := New(false, []Entry{
		{Model: "gpt-4o*", Input: 5},
		{Model: "gpt-4o-mini*", Input: 0.6},
		{Model: "gpt-4o-mini", Input: 0.15},
	})
	require.NoError(t, err)
	p, _ = specific.Lookup("", "gpt-4o-mini")
	assert.Equal(t, 0.15, p.Input, "an exact model before any prefix")
	p, _ = specific.Lookup("", "gpt-4o-mini-2024-07-18")
	assert.Equal(t, 0.6, p.Input, "the longest prefix")
	p, _ = specific.Lookup("", "gpt-4o-2024-08-06")
	assert.Equal(t, 5.0, p.Input)

	only, err := New(false, []Entry{{Model: "mine", Input: 1, Output: 1}})
	require.NoError(t, err)
	_, ok = only.Lookup("openai", "gpt-4o")
	assert.False(t, ok, "default_prices: false")
	_, ok = only.Lookup("", "MINE")
	assert.True(t, ok)
}

func TestReadEntries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"prices":[{"provider":"x","model":"m","input":1,"output":2,"cache_write":3}]}`), 0o600))
	es, err := ReadEntries(path)
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, 3.0, *es[0].CacheWrite)

	require.NoError(t, os.WriteFile(path, []byte("prices:\n  - model: m\n    input: -1\n"), 0o600))
	_, err = ReadEntries(path)
	assert.ErrorContains(t, err, "prices[0]: model \"m\": prices must be finite and not negative, got -1")
	require.NoError(t, os.WriteFile(path, []byte("prices:\n  - model: m\n    output: .nan\n"), 0o600))
	_, err = ReadEntries(path)
	assert.ErrorContains(t, err, "got NaN")
	require.NoError(t, os.WriteFile(path, []byte("prices:\n  - model: m\n    cache_read: .inf\n"), 0o600))
	_, err = ReadEntries(path)
	assert.ErrorContains(t, err, "got +Inf")
	require.NoError(t, os.WriteFile(path, []byte("prices:\n  - model: m\n    inptu: 1\n"), 0o600))
	_, err = ReadEntries(path)
	assert.ErrorContains(t, err, "inptu")
	_, err = ReadEntries(filepath.Join(dir, "missing"))
	assert.Error(t, err)
}

func count(n int64) dialect.Count { return dialect.Count{N: n, Set: true} }

func TestOf(t *testing.T) {
	p := Price{Input: 3, Output: 15, CacheRead: 0.3, CacheWrite: 3.75}
	// 10,000 input tokens of which 6,000 read from and 2,000 written to the cache.
	c := p.Of(dialect.Usage{Input: count(10000), Output: count(1000), CacheRead: count(6000), CacheCreation: count(2000)})
	assert.InDelta(t, (2000*3+6000*0.3+2000*3.75)/1e6, c.Input, 1e-12)
	assert.InDelta(t, 1000*15/1e6, c.Output, 1e-12)
	assert.InDelta(t, c.Input+c.Output, c.Total, 1e-12)
	assert.True(t, c.Set)

	// Exclusive counts mislabelled as inclusive never go negative.
	c = p.Of(dialect.Usage{Input: count(10), CacheRead: count(500)})
	assert.InDelta(t, 500*0.3/1e6, c.Input, 1e-12)

	// Costs are whole 1e-12 USD: the float noise of the products is gone.
	tokens, price := 291.0, 1.1 // variables: constant arithmetic in Go is exact
	require.Equal(t, "0.00032010000000000003", strconv.FormatFloat(tokens*price/1e6, 'g', -1, 64))
	c = Price{Input: 1.1, Output: 4.4}.Of(dialect.Usage{Input: count(291), Output: count(291)})
	assert.Equal(t, 0.0003201, c.Input)
	assert.Equal(t, 0.0012804, c.Output)
	assert.Equal(t, 0.0016005, c.Total)
	// Large costs keep every bit they have.
	assert.Equal(t, 1076.5432091861999, roundCost(1076.5432091861999)) // the round trip would move it
}

func TestFromAttributes(t *testing.T) {
	attrs := pcommon.NewMap()
	_, ok := FromAttributes(attrs)
	assert.False(t, ok)

	attrs.PutDouble("llm.cost.prompt", 0.01)
	attrs.PutStr("llm.cost.completion", "0.02")
	c, ok := FromAttributes(attrs)
	require.True(t, ok)
	assert.InDelta(t, 0.03, c.Total, 1e-12)

	attrs = pcommon.NewMap()
	attrs.PutDouble("gen_ai.usage.cost", 0.5)
	c, _ = FromAttributes(attrs)
	assert.Equal(t, dialect.Cost{Total: 0.5, Set: true}, c)

	for _, bad := range []func(pcommon.Map){
		func(m pcommon.Map) { m.PutDouble("gen_ai.usage.cost", -1) },
		func(m pcommon.Map) { m.PutDouble("gen_ai.usage.cost", 0) }, // OpenLIT: no price for the model
		func(m pcommon.Map) { m.PutStr("gen_ai.usage.cost", "NaN") },
		func(m pcommon.Map) { m.PutBool("gen_ai.usage.cost", true) },
	} {
		m := pcommon.NewMap()
		bad(m)
		_, ok := FromAttributes(m)
		assert.False(t, ok)
	}
}

func TestFill(t *testing.T) {
	tab := defaultTable(t)
	var last Last // shared by every call, as the processor shares it within a batch
	llm := func() *dialect.Record {
		return &dialect.Record{SpanType: mlflow.SpanTypeChatModel, Model: "gpt-4o-mini", Provider: "openai",
			Usage: dialect.Usage{Input: count(1000), Output: count(100)}}
	}
	rec := llm()
	assert.Equal(t, Priced, tab.Fill(rec, &last))
	assert.InDelta(t, (1000*0.15+100*0.6)/1e6, rec.Cost.Total, 1e-12)

	rec = llm()
	rec.Cost = dialect.Cost{Total: 7, Set: true}
	assert.Equal(t, FromSource, tab.Fill(rec, &last), "a dialect's or the span's own cost comes first")
	assert.Equal(t, 7.0, rec.Cost.Total)

	rec = llm()
	rec.Model = "no-such-model"
	assert.Equal(t, UnknownModel, tab.Fill(rec, &last))
	assert.False(t, rec.Cost.Set)
	rec = llm()
	assert.Equal(t, Priced, tab.Fill(rec, &last), "the memo follows the model")

	rec = llm()
	rec.SpanType = mlflow.SpanTypeAgent
	assert.Equal(t, NotPriced, tab.Fill(rec, &last), "agent spans may carry roll-up usage")
	rec = llm()
	rec.Usage = dialect.Usage{}
	assert.Equal(t, NotPriced, tab.Fill(rec, &last))
	var none *Table
	assert.Equal(t, NotPriced, none.Fill(llm(), &last))
}

func TestFillMemoFollowsProvider(t *testing.T) {
	tab, err := New(true, []Entry{{Provider: "openai", Model: "gpt-4o-mini", Input: 100, Output: 200}})
	require.NoError(t, err)
	var last Last
	fill := func(provider string) float64 {
		rec := &dialect.Record{SpanType: mlflow.SpanTypeLLM, Model: "gpt-4o-mini", Provider: provider,
			Usage: dialect.Usage{Input: count(1_000_000)}}
		require.Equal(t, Priced, tab.Fill(rec, &last))
		return rec.Cost.Input
	}
	assert.Equal(t, 100.0, fill("openai"))
	assert.Equal(t, 0.15, fill("azure"), "the same model from another provider is looked up again")
	assert.Equal(t, 100.0, fill("openai"))
}

func TestLookupCachedDoesNotAllocate(t *testing.T) {
	tab := defaultTable(t)
	tab.Lookup("openai", "gpt-4o-mini-2024-08-06")
	allocs := testing.AllocsPerRun(100, func() { tab.Lookup("openai", "gpt-4o-mini-2024-08-06") })
	assert.Zero(t, allocs)
}

func BenchmarkLookup(b *testing.B) {
	tab := defaultTable(b)
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			tab.Lookup("openai", "gpt-4o-mini-2024-08-06")
		}
	})
	b.Run("uncached", func(b *testing.B) {
		for b.Loop() {
			tab.resolve("openai", "gpt-4o-mini-2024-08-06")
		}
	})
}
