package cost

import (
	"math"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"
)

// Outcome tells what Fill did with a record.
type Outcome uint8

const (
	NotPriced    Outcome = iota // not an LLM call with usage and a model, or cost already set
	FromSource                  // the span reported its own cost
	Priced                      // priced from the table
	UnknownModel                // an LLM call with usage whose model the table does not price
)

// Fill sets rec.Cost, unless a dialect or the span's own cost attributes (FromAttributes)
// already did, for an LLM, chat-model or embedding span with token usage and a model: to the
// usage priced from t. t may be nil: only source costs are then passed on. last is the
// caller's memo of its previous lookup (see Last).
func (t *Table) Fill(rec *dialect.Record, last *Last) Outcome {
	if rec.Cost.Set {
		return FromSource
	}
	switch rec.SpanType {
	case mlflow.SpanTypeLLM, mlflow.SpanTypeChatModel, mlflow.SpanTypeEmbedding:
	default:
		return NotPriced
	}
	if t == nil || rec.Model == "" || (!rec.Usage.Input.Set && !rec.Usage.Output.Set) {
		return NotPriced
	}
	price, ok := last.lookup(t, rec.Provider, rec.Model)
	if !ok {
		return UnknownModel
	}
	rec.Cost = price.Of(rec.Usage)
	return Priced
}

// Last remembers one goroutine's previous lookup. The spans of a batch mostly share their
// model, and the memo spares them the hashing and the lock of the table's shared cache, whose
// reader count every core's lookups would otherwise write. The zero value is empty: it holds
// no model, and Fill never looks one up without a model.
type Last struct {
	provider, model string
	price           Price
	ok              bool
}

func (l *Last) lookup(t *Table, provider, model string) (Price, bool) {
	if l.model != model || l.provider != provider {
		l.price, l.ok = t.Lookup(provider, model)
		l.provider, l.model = provider, model
	}
	return l.price, l.ok
}

// Of prices usage: uncached input tokens (input − cache read − cache creation, never below
// zero) at the input price, cache reads and cache writes each at their own price, output at
// the output price, all at the prices of the tier the input tokens reach. Counts the usage
// leaves out are 0.
func (p Price) Of(u dialect.Usage) dialect.Cost {
	p = p.tier(u.Input.N)
	uncached := max(u.Input.N-u.CacheRead.N-u.CacheCreation.N, 0)
	in := roundCost((float64(uncached)*p.Input + float64(u.CacheRead.N)*p.CacheRead + float64(u.CacheCreation.N)*p.CacheWrite) / 1e6)
	out := roundCost(float64(u.Output.N) * p.Output / 1e6)
	return dialect.Cost{Input: in, Output: out, Total: roundCost(in + out), Set: true}
}

// tier returns the prices for a call with the given input tokens, which are inclusive of the
// cache as genai-prices' tier thresholds are.
func (p Price) tier(input int64) Price {
	for i := len(p.Tiers) - 1; i >= 0; i-- {
		if input > p.Tiers[i].Start {
			return p.Tiers[i].Price
		}
	}
	return p
}

// roundCost rounds a computed cost to whole 1e-12 USD. Products of token counts and prices
// per million carry float noise in their last digits (291 × 1.1 / 1e6 is
// 0.00032010000000000003) that tells nothing about the price and that MLflow would show. From
// $1000 on, a float64 holds fewer than twelve decimals, and the cost is left as it is.
func roundCost(usd float64) float64 {
	if usd >= 1e3 {
		return usd
	}
	return math.Round(usd*1e12) / 1e12
}

// Source-reported cost attributes, read when a dialect did not fill the record's cost.
const (
	attrOICostPrompt     = "llm.cost.prompt"     // OpenInference
	attrOICostCompletion = "llm.cost.completion" // OpenInference
	attrOICostTotal      = "llm.cost.total"      // OpenInference
	attrOpenLITCost      = "gen_ai.usage.cost"   // OpenLIT: total only
)

// IsSourceKey reports whether FromAttributes reads key k, so that a caller walking a span's
// keys anyway calls it only for spans that hold one.
func IsSourceKey(k string) bool {
	switch k {
	case attrOICostPrompt, attrOICostCompletion, attrOICostTotal, attrOpenLITCost:
		return true
	}
	return false
}

// FromAttributes reads a cost the instrumentation already reported on the span: OpenInference
// llm.cost.{prompt,completion,total} or OpenLIT gen_ai.usage.cost (a total, above 0). A missing part is
// 0 and a missing total is input + output. It reports false when no such attribute holds a
// finite, non-negative number (ints, doubles and numeric strings are read).
func FromAttributes(attrs pcommon.Map) (dialect.Cost, bool) {
	in, okIn := number(attrs, attrOICostPrompt)
	out, okOut := number(attrs, attrOICostCompletion)
	total, okTotal := number(attrs, attrOICostTotal)
	if !okTotal {
		total, okTotal = number(attrs, attrOpenLITCost)
		okTotal = okTotal && total > 0 // OpenLIT writes 0 for a model it has no price for
	}
	if !okIn && !okOut && !okTotal {
		return dialect.Cost{}, false
	}
	if !okTotal {
		total = in + out
	}
	return dialect.Cost{Input: in, Output: out, Total: total, Set: true}, true
}

func number(attrs pcommon.Map, key string) (float64, bool) {
	v, ok := attrs.Get(key)
	if !ok {
		return 0, false
	}
	var f float64
	switch v.Type() {
	case pcommon.ValueTypeDouble:
		f = v.Double()
	case pcommon.ValueTypeInt:
		f = float64(v.Int())
	case pcommon.ValueTypeStr:
		var err error
		if f, err = strconv.ParseFloat(v.Str(), 64); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, false
	}
	return f, true
}
