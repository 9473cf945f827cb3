package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/strtab"
)

// Field is one fact a dialect reads from a single attribute.
type Field uint8

const (
	FieldOperation Field = iota // the dialect's own span kind or operation name
	FieldInput                  // input messages
	FieldOutput                 // output messages
	FieldSystemInstructions
	FieldToolDefinitions
	FieldToolArguments
	FieldToolResult
	FieldToolName
	FieldAgentName
	FieldModel
	FieldProvider
	FieldSessionID
	FieldUserID
	FieldInputTokens
	FieldOutputTokens
	FieldTotalTokens
	FieldCacheReadTokens
	FieldCacheCreationTokens
	FieldFinishReasons // of the response's choices, for output messages that name none
	FieldRetrievalQuery
	FieldRetrievalDocuments
	FieldMemoryRecords // of a memory operation: written, or found by a search
	numFields
)

// Key says which field an attribute fills, and its rank: when several attributes fill the same
// field, the lowest rank wins, so current names can outrank deprecated ones.
type Key struct {
	Field Field
	Rank  uint8
}

// Keys maps attribute keys to fields: a dialect's vocabulary as one table.
type Keys map[string]Key

// KeyTable is a Keys table built for the lookup made for every attribute key of a span.
type KeyTable = strtab.Table[Key]

// Fields collects the best-ranked value of each field while a dialect walks a span's
// attributes once.
type Fields struct {
	vals [numFields]pcommon.Value
	rank [numFields]uint8
	set  [numFields]bool
}

// Put offers v for k.Field at k.Rank plus offset; the offset ranks a whole source (an event,
// say) below another.
func (f *Fields) Put(k Key, v pcommon.Value, offset uint8) {
	r := k.Rank + offset
	if f.set[k.Field] && f.rank[k.Field] <= r {
		return
	}
	f.vals[k.Field], f.rank[k.Field], f.set[k.Field] = v, r, true
}

// Has reports whether a value was collected for field.
func (f *Fields) Has(field Field) bool { return f.set[field] }

// Get returns the value collected for field.
func (f *Fields) Get(field Field) (pcommon.Value, bool) {
	return f.vals[field], f.set[field]
}

// Any returns the value collected for field, as an Any.
func (f *Fields) Any(field Field) Any {
	if !f.set[field] {
		return Any{}
	}
	return Some(f.vals[field])
}

// Str returns the field as a string; "" when absent or not a scalar.
func (f *Fields) Str(field Field) string {
	if !f.set[field] {
		return ""
	}
	return scalarString(f.vals[field])
}

// FillCommon copies the fields whose meaning is the same in every dialect into rec: model,
// provider, session, user and token usage.
func (f *Fields) FillCommon(rec *Record) {
	rec.Model = f.Str(FieldModel)
	rec.Provider = lower(f.Str(FieldProvider))
	if isFrameworkProvider(rec.Provider) {
		rec.Provider = ""
	}
	rec.SessionID = f.Str(FieldSessionID)
	rec.UserID = f.Str(FieldUserID)
	rec.Usage = Usage{
		Input:         f.count(FieldInputTokens),
		Output:        f.count(FieldOutputTokens),
		Total:         f.count(FieldTotalTokens),
		CacheRead:     f.count(FieldCacheReadTokens),
		CacheCreation: f.count(FieldCacheCreationTokens),
	}
}

// isFrameworkProvider reports the gen_ai.system / gen_ai.provider.name values that name the
// instrumenting framework, not the model provider: they are not written as the provider.
func isFrameworkProvider(p string) bool {
	_, ok := frameworkProviders.Get(p)
	return ok
}

// frameworkProviders are the frameworks instrumentations name as the system: Strands, Google
// ADK and Spring AI on their own spans, OpenLIT on the spans of the frameworks it instruments
// (its semcov GEN_AI_SYSTEM_* values for agent, workflow, memory and tool libraries).
var frameworkProviders = strtab.New(map[string]bool{
	"strands-agents": true, "gcp.vertex.agent": true, "spring_ai": true,
	"langchain": true, "langgraph": true, "llama_index": true, "llamaindex": true, "haystack": true,
	"embedchain": true, "mem0": true, "crewai": true, "ag2": true, "dynamiq": true, "phidata": true,
	"agno": true, "julep": true, "controlflow": true, "letta": true, "pydantic_ai": true,
	"openai_agents": true, "mastra": true, "claude_agent_sdk": true, "google_adk": true,
	"strands_agents": true, "vercel_ai": true, "crawl4ai": true, "firecrawl": true, "mcp": true,
})

// lower is strings.ToLower, without its cost for what provider names and operations mostly
// are already: lower-case ASCII, returned as it is.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			return strings.ToLower(s)
		}
	}
	return s
}

// withKeys returns a new table holding base and extra, extra winning; dialects that speak
// another convention plus their own keys build theirs once, at start.
func withKeys(base *KeyTable, extra Keys) *KeyTable {
	keys := make(Keys, base.Len()+len(extra))
	for k, v := range base.All() {
		keys[k] = v
	}
	for k, v := range extra {
		keys[k] = v
	}
	return strtab.New(keys)
}

// IncludeCache adds the cache counts to an input count that excludes them (Anthropic,
// Bedrock), so that input includes cached tokens as MLflow expects; a total that was
// input + output gets them too.
func (u *Usage) IncludeCache() {
	if !u.Input.Set {
		return
	}
	cache := u.CacheRead.N + u.CacheCreation.N
	if u.Total.Set && u.Total.N == u.Input.N+u.Output.N {
		u.Total.N += cache
	}
	u.Input.N += cache
}

// includeCacheIfExclusive adds the cache counts to the input when the source's own total
// shows the input left them out: total = input + output + cache, with some cache. Sources that
// pass on each model provider's counts (Strands) are inclusive with some providers and
// exclusive with others; an inclusive input never satisfies that sum.
func (u *Usage) includeCacheIfExclusive() {
	cache := u.CacheRead.N + u.CacheCreation.N
	if u.Total.Set && cache > 0 && u.Total.N == u.Input.N+u.Output.N+cache {
		u.IncludeCache()
	}
}

// includeReasoning adds the reasoning tokens to an output count that leaves them out, as
// Gemini's candidate count does, when the total shows it: total = input + output + reasoning.
// MLflow's output includes them, as OpenAI's completion tokens do.
func (u *Usage) includeReasoning(reasoning Count) {
	if reasoning.N > 0 && u.Total.Set && u.Total.N == u.Input.N+u.Output.N+reasoning.N {
		u.Output.N += reasoning.N
	}
}

// IncludeCacheIfBelow adds the cache counts to an input count smaller than them, which cannot
// include them: a source passed a provider's exclusive count on as it was (frameworks over
// Anthropic or Bedrock models: Strands, Agno, Google ADK, Agent Framework, OpenLIT, AI SDK 5).
// A total that was input + output gets the cache too. An exclusive input at least as large as
// the cache cannot be told from an inclusive one and stays as it is.
func (u *Usage) IncludeCacheIfBelow() {
	if u.Input.N < u.CacheRead.N+u.CacheCreation.N {
		u.IncludeCache()
	}
}

func (f *Fields) count(field Field) Count {
	if !f.set[field] {
		return Count{}
	}
	n, ok := ParseCount(f.vals[field])
	return Count{N: n, Set: ok}
}

// ParseCount reads a non-negative token count written as an int, an integral double or a
// numeric string (possibly JSON-quoted, as some SDKs double-encode).
func ParseCount(v pcommon.Value) (int64, bool) {
	switch v.Type() {
	case pcommon.ValueTypeInt:
		return v.Int(), v.Int() >= 0
	case pcommon.ValueTypeDouble:
		d := v.Double()
		if d < 0 || d >= math.MaxInt64 || d != math.Trunc(d) {
			return 0, false
		}
		return int64(d), true
	case pcommon.ValueTypeStr:
		s := strings.TrimSpace(v.Str())
		if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
			s = s[1 : len(s)-1]
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil && n >= 0
	default:
		return 0, false
	}
}

// countOf reads one token count attribute.
func countOf(v pcommon.Value) Count {
	n, ok := ParseCount(v)
	return Count{N: n, Set: ok}
}

// firstSet returns the first present value.
func firstSet(vals ...Any) Any {
	for _, v := range vals {
		if v.Set {
			return v
		}
	}
	return Any{}
}
