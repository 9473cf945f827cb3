package llmtraceprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor"

import (
	"cmp"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// Attributes the processor writes on a duplicate LLM span.
const (
	// AttrDuplicateOf holds the id (16 hex digits) of the span kept as the LLM call.
	AttrDuplicateOf = "llmtrace.duplicate_of"
	// AttrDuplicateTokenUsage and AttrDuplicateCost keep the duplicate's mlflow.chat.tokenUsage
	// and mlflow.llm.cost values, which the processor takes off the span.
	AttrDuplicateTokenUsage = "llmtrace.duplicate.token_usage"
	AttrDuplicateCost       = "llmtrace.duplicate.cost"
)

// dedupe marks the LLM spans that describe the same call as an LLM span below them and
// returns how many it marked.
//
// A call recorded twice is an LLM (or CHAT_MODEL) span with token usage whose nearest LLM
// ancestor, across spans of other types (HTTP client spans, say), has the same usage and model
// (modulo provider prefixes and version suffixes) and overlaps it in time. The innermost span,
// the one closest to the wire, is kept; each ancestor that repeats it (a framework span, a
// router's span) is marked: its usage is set to an empty value and its cost removed, both
// kept under llmtrace.duplicate.*, and llmtrace.duplicate_of names the kept span.
//
// MLflow computes trace usage from mlflow.chat.tokenUsage, and derives it from gen_ai.usage.*
// and similar attributes only when that key is absent; an empty value is a present key without
// usage, so the duplicate contributes nothing and hides nothing below it. Cost is computed from
// usage, so none is computed for the duplicate.
func dedupe(c *calls) int {
	v := c.v
	order := v.deepestFirst()
	// repeats[i] lists the ancestors marked as duplicates of span i, innermost first.
	repeats := map[int][]int{}
	marked := 0
	for _, i := range order {
		usage, ok := c.callUsage(i)
		if !ok {
			continue
		}
		for p := v.parent[i]; p >= 0; p = v.parent[p] {
			if !c.markable(p) || !c.info[p].hasUsage {
				continue // an LLM span without usage counts nothing
			}
			if c.info[p].usage != usage || !sameModel(c.info[i].model, c.info[p].model) || !overlap(v.spans[i], v.spans[p]) {
				break
			}
			c.mark(p, i)
			repeats[i] = append(repeats[i], p)
			marked++
		}
	}
	// Detached copies are looked for once every nested pair is marked: a call with its own
	// framework span is then known to be a call, not a copy of a parallel call with equal usage.
	repeated := repeatedSpans(v)
	for _, i := range order {
		usage, ok := c.callUsage(i)
		if !ok {
			continue
		}
		for _, layer := range append([]int{i}, repeats[i]...) {
			marked += c.dedupeDetached(layer, i, usage, repeated)
		}
	}
	return marked
}

// repeatedSpans reports, by span index, the spans others are marked as duplicates of. It reads
// the marks, not this pass's pairs, so that a call whose framework span a collector before
// marked is known as a call too.
func repeatedSpans(v *traceView) []bool {
	kept := map[string]bool{}
	for _, span := range v.spans {
		if id, ok := span.Attributes().Get(AttrDuplicateOf); ok {
			kept[id.AsString()] = true
		}
	}
	out := make([]bool, len(v.spans))
	if len(kept) > 0 {
		for i, span := range v.spans {
			out[i] = kept[span.SpanID().String()]
		}
	}
	return out
}

// calls holds what deduplication and the totals read of each span of a trace, read once: usage
// is parsed JSON. Every call is compared only with the spans of equal usage that may contain it
// in time, so that the work grows with the spans, not with calls times spans, also when many
// calls report the same counts (one prompt template over many inputs).
type calls struct {
	v    *traceView
	info []callInfo
	// byUsage holds the markable spans with each usage.
	byUsage map[tokenUsage]byStart
}

// byStart holds spans ordered by start time, each with the latest end among it and the spans
// before it, so that the spans that may contain a time range are found without reading others.
type byStart []startEntry

type startEntry struct {
	span   int
	maxEnd pcommon.Timestamp
}

// containing calls f with each span of s whose time range may hold span i's (its start is not
// later), latest start first, and stops after the spans that all end before span i does.
func (s byStart) containing(v *traceView, i int, f func(j int)) {
	start, end := v.spans[i].StartTimestamp(), v.spans[i].EndTimestamp()
	k := sort.Search(len(s), func(n int) bool { return v.spans[s[n].span].StartTimestamp() > start })
	for k--; k >= 0 && s[k].maxEnd >= end; k-- {
		f(s[k].span)
	}
}

type callInfo struct {
	usage    tokenUsage
	hasUsage bool // any span; the rest is read of LLM spans only
	model    string
	llm      bool
	fromSDK  bool // recorded by MLflow's SDK: mlflow.traceRequestId on every span
	dup      bool // marked as a duplicate, by this pass or a collector before
}

func newCalls(v *traceView) *calls {
	c := &calls{v: v, info: make([]callInfo, len(v.spans)), byUsage: map[tokenUsage]byStart{}}
	for i, span := range v.spans {
		in := &c.info[i]
		in.usage, in.hasUsage = usageOf(span)
		if !isLLM(span) {
			continue
		}
		_, in.fromSDK = span.Attributes().Get(mlflow.AttrTraceRequestID)
		in.model, in.llm, in.dup = modelOf(span), true, isDuplicate(span)
		if in.hasUsage && c.markable(i) {
			s := c.byUsage[in.usage]
			s = append(s, startEntry{span: i})
			c.byUsage[in.usage] = s
		}
	}
	for _, s := range c.byUsage {
		slices.SortStableFunc(s, func(a, b startEntry) int {
			return cmp.Compare(v.spans[a.span].StartTimestamp(), v.spans[b.span].StartTimestamp())
		})
		for k := range s {
			s[k].maxEnd = v.spans[s[k].span].EndTimestamp()
			if k > 0 {
				s[k].maxEnd = max(s[k].maxEnd, s[k-1].maxEnd)
			}
		}
	}
	return c
}

// callUsage returns the usage of an LLM span not marked as a duplicate; ok is false for other
// spans and for LLM spans without usage.
func (c *calls) callUsage(i int) (tokenUsage, bool) {
	usage, ok := c.counted(i)
	return usage, ok && c.info[i].llm
}

// counted returns the usage span i adds to the trace's: none once it is marked a duplicate,
// whose usage the mark empties.
func (c *calls) counted(i int) (tokenUsage, bool) {
	in := c.info[i]
	return in.usage, in.hasUsage && !in.dup
}

// markable reports whether span i may be marked as a duplicate: an LLM span not marked yet, and
// not recorded by MLflow's SDK, whose mlflow.* attributes are its own and are never rewritten.
func (c *calls) markable(i int) bool {
	in := c.info[i]
	return in.llm && !in.dup && !in.fromSDK
}

// mark marks span i as a duplicate of span kept.
func (c *calls) mark(i, kept int) {
	markDuplicate(c.v.spans[i], c.v.spans[kept].SpanID())
	c.info[i].dup = true
}

// dedupeDetached marks, as duplicates of the kept span, the framework spans that repeat layer
// (kept itself, or an ancestor marked as its duplicate) without being its ancestors. A
// framework that does not make its span the current context (OpenInference's LangChain tracer,
// for one) leaves the SDK's span under the framework span's ancestor instead: the framework
// span is then a relative of layer, deeper than layer, below layer's parent, that contains
// layer in time and has kept's usage and model. Deeper, so that two sibling calls are never
// taken for one; a span with duplicates of its own is a call too.
func (c *calls) dedupeDetached(layer, kept int, usage tokenUsage, repeated []bool) int {
	v, marked := c.v, 0
	c.byUsage[usage].containing(v, layer, func(j int) {
		if j == kept || repeated[j] || !c.markable(j) ||
			v.depth[j] <= v.depth[layer] || !contains(v.spans[j], v.spans[layer]) || !v.below(j, v.parent[layer]) {
			return
		}
		if sameModel(c.info[kept].model, c.info[j].model) {
			c.mark(j, kept)
			marked++
		}
	})
	return marked
}

// contains reports whether outer's time range holds inner's.
func contains(outer, inner ptrace.Span) bool {
	return outer.StartTimestamp() <= inner.StartTimestamp() && inner.EndTimestamp() <= outer.EndTimestamp()
}

func isDuplicate(span ptrace.Span) bool {
	_, ok := span.Attributes().Get(AttrDuplicateOf)
	return ok
}

func markDuplicate(span ptrace.Span, kept pcommon.SpanID) {
	attrs := span.Attributes()
	if v, ok := attrs.Get(mlflow.AttrChatTokenUsage); ok {
		v.CopyTo(attrs.PutEmpty(AttrDuplicateTokenUsage))
		attrs.PutEmpty(mlflow.AttrChatTokenUsage)
	}
	if v, ok := attrs.Get(mlflow.AttrLLMCost); ok {
		v.CopyTo(attrs.PutEmpty(AttrDuplicateCost))
		attrs.Remove(mlflow.AttrLLMCost)
	}
	attrs.PutStr(AttrDuplicateOf, kept.String())
}

// tokenUsage is the part of mlflow.chat.tokenUsage two records of one call share.
type tokenUsage struct {
	input, output, total int64
}

// usageOf reads a span's mlflow.chat.tokenUsage: JSON text, or a map; ok is false when the span
// has none, or only zeros. A count that is not a number counts 0.
func usageOf(span ptrace.Span) (tokenUsage, bool) {
	v, ok := span.Attributes().Get(mlflow.AttrChatTokenUsage)
	if !ok {
		return tokenUsage{}, false
	}
	var u tokenUsage
	switch v.Type() {
	case pcommon.ValueTypeStr:
		text := v.Str()
		if !isLowerASCII(text) {
			// Go matches JSON keys to struct fields ignoring case (folding some non-ASCII
			// letters too), where MLflow matches them exactly: such text is read through a map.
			var raw map[string]any
			if json.Unmarshal([]byte(text), &raw) != nil {
				return tokenUsage{}, false
			}
			u = tokenUsage{input: rawCount(raw[mlflow.UsageInputTokens]), output: rawCount(raw[mlflow.UsageOutputTokens]), total: rawCount(raw[mlflow.UsageTotalTokens])}
			break
		}
		var counts struct {
			Input  float64 `json:"input_tokens"`
			Output float64 `json:"output_tokens"`
			Total  float64 `json:"total_tokens"`
		}
		// A count of another type is left 0, and the others still read (an UnmarshalTypeError).
		if err := json.Unmarshal([]byte(text), &counts); err != nil && !isTypeError(err) {
			return tokenUsage{}, false
		}
		u = tokenUsage{input: int64(counts.Input), output: int64(counts.Output), total: int64(counts.Total)}
	case pcommon.ValueTypeMap:
		m := v.Map()
		u = tokenUsage{input: count(m, mlflow.UsageInputTokens), output: count(m, mlflow.UsageOutputTokens), total: count(m, mlflow.UsageTotalTokens)}
	default:
		return tokenUsage{}, false
	}
	if u.total == 0 {
		u.total = u.input + u.output
	}
	return u, u.total > 0
}

// isLowerASCII reports whether s has no upper-case letter and no byte outside ASCII, as the
// token usage every writer writes: keys then match struct fields exactly.
func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// rawCount reads a count decoded into an any: a JSON number; 0 for other values.
func rawCount(v any) int64 {
	n, _ := v.(float64)
	return int64(n)
}

func isTypeError(err error) bool {
	_, ok := errors.AsType[*json.UnmarshalTypeError](err)
	return ok
}

// count reads a count of a token usage map: an int or a double; 0 for other values.
func count(m pcommon.Map, key string) int64 {
	v, _ := m.Get(key)
	switch v.Type() {
	case pcommon.ValueTypeInt:
		return v.Int()
	case pcommon.ValueTypeDouble:
		return int64(v.Double())
	}
	return 0
}

func modelOf(span ptrace.Span) string {
	if v, ok := span.Attributes().Get(mlflow.AttrLLMModel); ok {
		return mlflow.ValueText(v)
	}
	return ""
}

// sameModel reports whether two model names may name the same model: equal once provider
// prefixes ("openai/", "us.anthropic.") are dropped, or one is the other with a version
// suffix ("gpt-4o" and "gpt-4o-2024-08-06"). A missing name matches any.
func sameModel(a, b string) bool {
	a, b = normalizeModel(a), normalizeModel(b)
	if a == "" || b == "" || a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	return strings.HasPrefix(b, a+"-") && isVersion(b[len(a)+1:])
}

func normalizeModel(m string) string {
	m = strings.ToLower(strings.TrimSpace(m))
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:]
	}
	if i := strings.LastIndexByte(m, ':'); i >= 0 {
		m = m[:i] // Bedrock's ":0"
	}
	// Bedrock's "us.anthropic." and "anthropic.": dotted words before the name.
	if i := strings.LastIndexByte(m, '.'); i >= 0 && strings.Trim(m[:i], "abcdefghijklmnopqrstuvwxyz.") == "" {
		m = m[i+1:]
	}
	return m
}

// isVersion reports whether s is a version or date suffix: "2024-08-06", "20241022", "v2",
// "001", "latest".
func isVersion(s string) bool {
	for seg := range strings.SplitSeq(s, "-") {
		switch {
		case seg == "latest" || seg == "preview":
		case strings.TrimPrefix(seg, "v") != "" && strings.Trim(strings.TrimPrefix(seg, "v"), "0123456789") == "":
		default:
			return false
		}
	}
	return true
}

// overlap reports whether two spans' time ranges overlap; a span without an end overlaps all.
func overlap(a, b ptrace.Span) bool {
	if a.EndTimestamp() == 0 || b.EndTimestamp() == 0 {
		return true
	}
	return a.StartTimestamp() <= b.EndTimestamp() && b.StartTimestamp() <= a.EndTimestamp()
}
