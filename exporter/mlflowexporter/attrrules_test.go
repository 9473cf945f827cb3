package mlflowexporter

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// attrCase is a span attribute and whether the real MLflow server refuses it (see
// TestIntegration, "the repairs change exactly what MLflow refuses").
type attrCase struct {
	name string
	// child puts the attribute on a child span instead of the root.
	child   bool
	set     func(pcommon.Map)
	refused bool
}

func putStr(k, v string) func(pcommon.Map) { return func(m pcommon.Map) { m.PutStr(k, v) } }

var attrCases = func() []attrCase {
	rep := strings.Repeat
	const name = mlflow.AttrTraceTagPrefix + tagTraceName
	usage, cost := mlflow.AttrChatTokenUsage, mlflow.AttrLLMCost
	return []attrCase{
		{name: "session id of 250 characters", set: putStr(mlflow.AttrSessionID, rep("s", 250))},
		{name: "session id of 251 characters", set: putStr(mlflow.AttrSessionID, rep("s", 251)), refused: true},
		{name: "session id of 250 two-byte characters", set: putStr(mlflow.AttrSessionID, rep("é", 250))},
		{name: "session id of 251 two-byte characters", set: putStr(mlflow.AttrSessionID, rep("é", 251)), refused: true},
		{name: "JSON session id of 250 characters", set: putStr(mlflow.AttrSessionID, mlflow.JSONText(rep("s", 250)))},
		{name: "JSON session id of 251 characters", set: putStr(mlflow.AttrSessionID, mlflow.JSONText(rep("s", 251))), refused: true},
		{name: "session id of 251 characters on a child", child: true, set: putStr(mlflow.AttrSessionID, rep("s", 251)), refused: true},
		{name: "conversation id of 251 characters", set: putStr(attrConversationID, rep("s", 251)), refused: true},
		{name: "integer session id", set: func(m pcommon.Map) { m.PutInt(mlflow.AttrSessionID, 12345) }},
		{name: "double session id", set: func(m pcommon.Map) { m.PutDouble(mlflow.AttrSessionID, 1.5) }},
		{name: "boolean session id", set: func(m pcommon.Map) { m.PutBool(mlflow.AttrSessionID, true) }},
		{name: "list session id", set: func(m pcommon.Map) { m.PutEmptySlice(mlflow.AttrSessionID).AppendEmpty().SetStr("a") }},
		{name: "long list session id", refused: true, set: func(m pcommon.Map) { m.PutEmptySlice(mlflow.AttrSessionID).AppendEmpty().SetStr(rep("s", 300)) }},
		{name: "map session id", set: func(m pcommon.Map) { m.PutEmptyMap(mlflow.AttrSessionID).PutStr("id", "a") }},
		{name: "bytes session id", set: func(m pcommon.Map) { m.PutEmptyBytes(mlflow.AttrSessionID).FromRaw([]byte("abc")) }},
		{name: "list conversation id", set: func(m pcommon.Map) { m.PutEmptySlice(attrConversationID).AppendEmpty().SetStr("a") }},
		{name: "JSON list session id", set: putStr(mlflow.AttrSessionID, `["a"]`)},
		{name: "long JSON list session id", set: putStr(mlflow.AttrSessionID, `["`+rep("s", 300)+`"]`), refused: true},
		{name: "integer trace name", set: func(m pcommon.Map) { m.PutInt(name, 7) }},
		{name: "list trace name", set: func(m pcommon.Map) { m.PutEmptySlice(name).AppendEmpty().SetStr("a") }},
		{name: "map trace name", set: func(m pcommon.Map) { m.PutEmptyMap(name).PutStr("a", "b") }},
		{name: "integer user id", set: func(m pcommon.Map) { m.PutInt("user.id", 7) }},
		{name: "list user id", set: func(m pcommon.Map) { m.PutEmptySlice("user.id").AppendEmpty().SetStr("a") }},
		{name: "list model", set: func(m pcommon.Map) { m.PutEmptySlice(mlflow.AttrLLMModel).AppendEmpty().SetStr("a") }},
		{name: "map model", set: func(m pcommon.Map) { m.PutEmptyMap(mlflow.AttrLLMModel).PutStr("a", "b") }},
		{name: "list provider", set: func(m pcommon.Map) { m.PutEmptySlice(mlflow.AttrLLMProvider).AppendEmpty().SetStr("a") }},
		{name: "list span type", refused: true, set: func(m pcommon.Map) { m.PutEmptySlice(mlflow.AttrSpanType).AppendEmpty().SetStr("a") }},
		{name: "integer span type", set: func(m pcommon.Map) { m.PutInt(mlflow.AttrSpanType, 3) }},
		{name: "maps nested 32 deep", set: func(m pcommon.Map) { nestedMaps(m.PutEmptyMap("deep"), 32) }},
		{name: "maps nested 33 deep", set: func(m pcommon.Map) { nestedMaps(m.PutEmptyMap("deep"), 33) }, refused: true},
		{name: "maps nested 32 deep holding a string", set: func(m pcommon.Map) { nestedMaps(m.PutEmptyMap("deep"), 32).PutStr("k", "v") }, refused: true},
		{name: "maps nested 31 deep holding a string", set: func(m pcommon.Map) { nestedMaps(m.PutEmptyMap("deep"), 31).PutStr("k", "v") }},
		{name: "lists nested 47 deep holding a string", set: func(m pcommon.Map) { nestedSlices(m.PutEmptySlice("deep"), 47).AppendEmpty().SetStr("x") }},
		{name: "lists nested 48 deep", set: func(m pcommon.Map) { nestedSlices(m.PutEmptySlice("deep"), 48) }},
		{name: "lists nested 49 deep", set: func(m pcommon.Map) { nestedSlices(m.PutEmptySlice("deep"), 49) }, refused: true},
		{name: "lists nested 48 deep holding a string", set: func(m pcommon.Map) { nestedSlices(m.PutEmptySlice("deep"), 48).AppendEmpty().SetStr("x") }, refused: true},
		{name: "map span type", refused: true, set: func(m pcommon.Map) { m.PutEmptyMap(mlflow.AttrSpanType).PutStr("a", "b") }},
		{name: "JSON list span type", set: putStr(mlflow.AttrSpanType, `["a"]`)},
		{name: "JSON object span type", set: putStr(mlflow.AttrSpanType, `{"a":1}`)},
		{name: "JSON number span type", set: putStr(mlflow.AttrSpanType, `3`)},
		{name: "JSON null span type", set: putStr(mlflow.AttrSpanType, `null`)},
		{name: "list span type on a child", child: true, refused: true, set: func(m pcommon.Map) { m.PutEmptySlice(mlflow.AttrSpanType).AppendEmpty().SetStr("a") }},
		{name: "long list trace name", refused: true, set: func(m pcommon.Map) { m.PutEmptySlice(name).AppendEmpty().SetStr(rep("n", 4100)) }},
		{name: "list session id of 250 characters", set: func(m pcommon.Map) {
			l := m.PutEmptySlice(mlflow.AttrSessionID)
			l.AppendEmpty().SetStr(rep("s", 119))
			l.AppendEmpty().SetStr(rep("s", 119)) // ["s...", "s..."]: 2*121 + 2 + 2 = 246
			l.AppendEmpty().SetInt(12)            // + ", 12" = 250
		}},
		{name: "list session id of 251 characters", refused: true, set: func(m pcommon.Map) {
			l := m.PutEmptySlice(mlflow.AttrSessionID)
			l.AppendEmpty().SetStr(rep("s", 119))
			l.AppendEmpty().SetStr(rep("s", 119))
			l.AppendEmpty().SetInt(123)
		}},
		{name: "map session id of 251 characters", refused: true, set: func(m pcommon.Map) { m.PutEmptyMap(mlflow.AttrSessionID).PutStr("k", rep("é", 242)) }}, // {"k": "é..."}: 9 + 242
		{name: "map session id of 250 characters", set: func(m pcommon.Map) { m.PutEmptyMap(mlflow.AttrSessionID).PutStr("k", rep("é", 241)) }},
		{name: "trace name of 4096 characters", set: putStr(name, rep("n", 4096))},
		{name: "trace name of 4097 characters", set: putStr(name, rep("n", 4097)), refused: true},
		{name: "JSON trace name of 4097 characters", set: putStr(name, mlflow.JSONText(rep("n", 4097))), refused: true},
		{name: "trace name of 4097 characters on a child", child: true, set: putStr(name, rep("n", 4097))},
		{name: "token usage", set: putStr(usage, `{"input_tokens":1,"output_tokens":2,"total_tokens":3}`)},
		{name: "token usage with a text count", set: putStr(usage, `{"input_tokens":"many"}`), refused: true},
		{name: "token usage with a null count", set: putStr(usage, `{"output_tokens": null}`), refused: true},
		{name: "token usage with a text cache count", set: putStr(usage, `{"cache_read_input_tokens":"x"}`), refused: true},
		{name: "token usage with a text 1-hour cache count", set: putStr(usage, `{"cache_creation_input_tokens_above_1hr":"x"}`), refused: true},
		{name: "token usage with fractional, boolean and huge counts", set: putStr(usage, `{"input_tokens":1.5,"output_tokens":true,"total_tokens":1e400}`)},
		{name: "token usage with text under another key", set: putStr(usage, `{"tokens":"many"}`)},
		{name: "token usage that is not JSON", set: putStr(usage, `many`)},
		{name: "token usage that is an array", set: putStr(usage, `[1,2]`)},
		{name: "token usage that is JSON text of an object", set: putStr(usage, mlflow.JSONText(`{"input_tokens":"many"}`))},
		{name: "token usage as a map with a text count", set: func(m pcommon.Map) { m.PutEmptyMap(usage).PutStr("input_tokens", "many") }, refused: true},
		{name: "token usage as a map", set: func(m pcommon.Map) { m.PutEmptyMap(usage).PutInt("input_tokens", 1) }},
		{name: "token usage as an integer", set: func(m pcommon.Map) { m.PutInt(usage, 5) }},
		{name: "cost", set: putStr(cost, `{"input_cost":0.1,"output_cost":2,"total_cost":2.1}`)},
		{name: "cost with a text amount", set: putStr(cost, `{"input_cost":"x"}`), refused: true},
		{name: "cost with a null amount", set: putStr(cost, `{"total_cost":null}`), refused: true},
		{name: "cost with text under another key", set: putStr(cost, `{"currency":"USD"}`)},
		{name: "cost that is not JSON", set: putStr(cost, `abc`), refused: true},
		{name: "cost that is empty", set: putStr(cost, ``), refused: true},
		{name: "cost that is an array", set: putStr(cost, `[1]`), refused: true},
		{name: "cost that is a number", set: putStr(cost, `0.5`), refused: true},
		{name: "cost that is null", set: putStr(cost, `null`), refused: true},
		{name: "cost that is JSON text of an object", set: putStr(cost, mlflow.JSONText(`{"input_cost":1}`)), refused: true},
		{name: "cost that is a double", set: func(m pcommon.Map) { m.PutDouble(cost, 0.5) }, refused: true},
		{name: "cost on a child", child: true, set: putStr(cost, `abc`), refused: true},
		{name: "cost as a map", set: func(m pcommon.Map) { m.PutEmptyMap(cost).PutDouble("input_cost", 0.5) }},
	}
}()

// nestedMaps nests maps in m until depth maps (m counted) are nested, and returns the innermost,
// empty.
func nestedMaps(m pcommon.Map, depth int) pcommon.Map {
	for range depth - 1 {
		m = m.PutEmptyMap("d")
	}
	return m
}

// nestedSlices nests slices in s until depth slices (s counted) are nested, and returns the
// innermost, empty.
func nestedSlices(s pcommon.Slice, depth int) pcommon.Slice {
	for range depth - 1 {
		s = s.AppendEmpty().SetEmptySlice()
	}
	return s
}

// newAttrCaseTraces is a trace of a root and its child, with c's attribute.
func newAttrCaseTraces(c attrCase) ptrace.Traces {
	td := newTraces(resource{spans: []span{{name: "root", trace: 1}, {name: "child", trace: 1, parent: true}}})
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	spans.At(1).SetParentSpanID(spans.At(0).SpanID())
	target := spans.At(0)
	if c.child {
		target = spans.At(1)
	}
	c.set(target.Attributes())
	return td
}

func TestWithRepairsRepairsWhatMLflowRefuses(t *testing.T) {
	for _, c := range attrCases {
		t.Run(c.name, func(t *testing.T) {
			td := newAttrCaseTraces(c)
			want := ptrace.NewTraces()
			td.CopyTo(want)

			got, done := withRepairs(td)

			assert.Equal(t, c.refused, done.total() > 0, "repaired: %v", done)
			if !c.refused {
				assert.Equal(t, want, got)
			}
			assert.Equal(t, want, td, "the input is not changed")
		})
	}
}

func TestWithRepairsTruncates(t *testing.T) {
	rep := strings.Repeat
	tests := []struct {
		name, key, value, want, did string
	}{
		{"session id", mlflow.AttrSessionID, rep("s", 300), rep("s", 250), "session.id over 250 characters truncated"},
		{"on a character boundary", mlflow.AttrSessionID, rep("😀", 251), rep("😀", 250), "session.id over 250 characters truncated"},
		{"JSON text, unquoted", mlflow.AttrSessionID, mlflow.JSONText(rep(`"`, 251)), mlflow.JSONText(rep(`"`, 250)), "session.id over 250 characters truncated"},
		{"conversation id", attrConversationID, rep("c", 251), rep("c", 250), "gen_ai.conversation.id over 250 characters truncated"},
		{"trace name", mlflow.AttrTraceTagPrefix + tagTraceName, rep("n", 5000), rep("n", 4096), "mlflow.traceTag.mlflow.traceName over 4096 characters truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			td := newTraces(resource{spans: []span{{name: "root", trace: 1, attrs: map[string]string{tt.key: tt.value}}}})

			got, done := withRepairs(td)

			assert.Equal(t, repairs{tt.did: 1}, done)
			v, _ := got.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().Get(tt.key)
			assert.Equal(t, tt.want, v.Str())
		})
	}
}

func TestWithRepairsMovesMalformedValuesAside(t *testing.T) {
	td := newTraces(resource{spans: []span{{name: "root", trace: 1, attrs: map[string]string{
		mlflow.AttrChatTokenUsage:                   `{"input_tokens":"many"}`,
		mlflow.AttrLLMCost:                          `abc`,
		mlflow.AttrLLMCost + malformedSuffix:        "replaced",
		mlflow.AttrSessionID:                        "ok",
		mlflow.AttrSpanType:                         mlflow.JSONText(mlflow.SpanTypeLLM),
		mlflow.AttrChatTokenUsage + "-not-the-same": `{"input_tokens":"many"}`,
	}}}})

	got, done := withRepairs(td)

	assert.Equal(t, repairs{
		"malformed mlflow.chat.tokenUsage moved to mlflow.chat.tokenUsage.malformed": 1,
		"malformed mlflow.llm.cost moved to mlflow.llm.cost.malformed":               1,
	}, done)
	assert.Equal(t, map[string]any{
		"mlflow.chat.tokenUsage.malformed":    `{"input_tokens":"many"}`,
		"mlflow.llm.cost.malformed":           `abc`,
		mlflow.AttrSessionID:                  "ok",
		mlflow.AttrSpanType:                   mlflow.JSONText(mlflow.SpanTypeLLM),
		"mlflow.chat.tokenUsage-not-the-same": `{"input_tokens":"many"}`,
	}, got.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().AsRaw())
}

func TestRepairsList(t *testing.T) {
	td := newTraces(resource{spans: []span{{name: "bad\xff", trace: 1, attrs: map[string]string{
		mlflow.AttrLLMCost:   `abc`,
		mlflow.AttrSessionID: strings.Repeat("s", 251),
	}}}})

	_, done := withRepairs(td)

	assert.Equal(t, []string{
		didUTF8,
		"session.id over 250 characters truncated",
		"malformed mlflow.llm.cost moved to mlflow.llm.cost.malformed",
	}, done.list(), "in the order of the rules")
	assert.Equal(t, 3, done.total())
}
