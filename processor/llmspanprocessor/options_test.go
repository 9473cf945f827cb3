package llmspanprocessor

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/metadatatest"
)

func goldenInputs(t *testing.T) []string {
	inputs, err := filepath.Glob("testdata/*/*/input.*")
	require.NoError(t, err)
	require.NotEmpty(t, inputs)
	return inputs
}

func firstSpan(td ptrace.Traces) ptrace.Span {
	return td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
}

func oneSpan(scope string, attrs map[string]any) ptrace.Traces {
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty()
	ss.Scope().SetName(scope)
	_ = ss.Spans().AppendEmpty().Attributes().FromRaw(attrs)
	return td
}

// TestMaxValueSizeGolden runs the whole corpus under a small cap: every value written is within
// it and valid JSON, cut values carry the marker, and the result is stable.
func TestMaxValueSizeGolden(t *testing.T) {
	truncated := 0
	for _, limit := range []int{48, 100, 160, 256} {
		maxValueSizeGolden(t, limit, &truncated)
	}
	assert.Positive(t, truncated)
}

func maxValueSizeGolden(t *testing.T, limit int, truncated *int) {
	for _, input := range goldenInputs(t) {
		in, err := golden.ReadTraces(input)
		require.NoError(t, err)
		cfg := &Config{MaxValueSize: limit}
		got := process(t, cfg, cloneTraces(in))
		assertNothingLost(t, in, got)
		assertMLflowValuesAreJSON(t, got)
		forEachSpan(got, func(s ptrace.Span) {
			for k, v := range s.Attributes().All() {
				if strings.HasPrefix(k, mlflow.AttrPrefix) && !strings.HasPrefix(k, mlflow.AttrTraceTagPrefix) {
					if _, existed := firstAttr(in, s.Name(), k); existed {
						continue
					}
					assert.LessOrEqual(t, len(v.Str()), limit, "%s %s", input, k)
					if strings.Contains(v.Str(), "…[truncated ") {
						*truncated++
					}
				}
			}
		})
		again := process(t, cfg, cloneTraces(got))
		assertNothingLost(t, got, again)
	}
}

func firstAttr(td ptrace.Traces, span, key string) (pcommon.Value, bool) {
	var out pcommon.Value
	found := false
	forEachSpan(td, func(s ptrace.Span) {
		if v, ok := s.Attributes().Get(key); ok && !found && s.Name() == span {
			out, found = v, true
		}
	})
	return out, found
}

// TestMaxValueSizeChat checks a cut chat request: the messages stay messages, only the long
// content is cut, at a character boundary.
func TestMaxValueSizeChat(t *testing.T) {
	long := strings.Repeat("日本語テキスト", 200)
	td := oneSpan("", map[string]any{
		"gen_ai.operation.name": "chat",
		"gen_ai.input.messages": `[{"role":"system","parts":[{"type":"text","content":"Be brief."}]},{"role":"user","parts":[{"type":"text","content":"` + long + `"}]}]`,
	})
	got := process(t, &Config{MaxValueSize: 300}, td)
	v, ok := firstSpan(got).Attributes().Get(mlflow.AttrSpanInputs)
	require.True(t, ok)
	assert.LessOrEqual(t, len(v.Str()), 300)
	var req struct {
		Messages []struct{ Role, Content string }
	}
	require.NoError(t, json.Unmarshal([]byte(v.Str()), &req))
	require.Len(t, req.Messages, 2)
	assert.Equal(t, "Be brief.", req.Messages[0].Content)
	kept, marker, ok := strings.Cut(req.Messages[1].Content, "…[truncated ")
	require.True(t, ok)
	assert.True(t, strings.HasPrefix(long, kept))
	assert.Equal(t, marker, itoa(len(long)-len(kept))+" bytes]")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestSourceAttributesDrop(t *testing.T) {
	attrs := map[string]any{
		"gen_ai.operation.name":       "chat",
		"gen_ai.request.model":        "gpt-4o",
		"gen_ai.response.model":       "gpt-4o-2024-08-06",
		"gen_ai.request.temperature":  0.2, // not read: kept
		"gen_ai.input.messages":       `[{"role":"user","parts":[{"type":"text","content":"hi"}]}]`,
		"gen_ai.prompt.0.content":     "hi",
		"gen_ai.usage.input_tokens":   3,
		"gen_ai.conversation.id":      "c-1",
		"session.id":                  "s-1", // MLflow's own: kept
		"http.method":                 "POST",
		"mlflow.traceTag.environment": "prod",
	}
	got := firstSpan(process(t, &Config{SourceAttributes: "drop"}, oneSpan("", attrs))).Attributes()
	for _, k := range []string{"gen_ai.operation.name", "gen_ai.request.model", "gen_ai.response.model", "gen_ai.input.messages", "gen_ai.prompt.0.content", "gen_ai.usage.input_tokens", "gen_ai.conversation.id"} {
		_, ok := got.Get(k)
		assert.False(t, ok, "%s read by genai: dropped", k)
	}
	for _, k := range []string{"gen_ai.request.temperature", "session.id", "http.method", "mlflow.traceTag.environment", mlflow.AttrSpanType, mlflow.AttrSpanInputs, mlflow.AttrLLMModel, mlflow.AttrChatTokenUsage} {
		_, ok := got.Get(k)
		assert.True(t, ok, "%s kept", k)
	}

	// Nothing written (everything already there): nothing dropped.
	kept := map[string]any{"gen_ai.tool.call.arguments": "{}", mlflow.AttrSpanInputs: "{}"}
	got = firstSpan(process(t, &Config{SourceAttributes: "drop"}, oneSpan("", kept))).Attributes()
	_, ok := got.Get("gen_ai.tool.call.arguments")
	assert.True(t, ok, "nothing was written: nothing dropped")

	// Spans MLflow already typed pass through.
	typed := map[string]any{"gen_ai.request.model": "gpt-4o", mlflow.AttrSpanType: `"LLM"`}
	got = firstSpan(process(t, &Config{SourceAttributes: "drop", Content: "drop"}, oneSpan("", typed))).Attributes()
	assert.Equal(t, 2, got.Len())
}

// TestSourceAttributesDropGolden runs the corpus with source_attributes: drop: the MLflow
// attributes are those of the default configuration, and every attribute removed is one the
// span's dialect lists as consumed.
func TestSourceAttributesDropGolden(t *testing.T) {
	for _, input := range goldenInputs(t) {
		in, err := golden.ReadTraces(input)
		require.NoError(t, err)
		want := process(t, &Config{}, cloneTraces(in))
		got := process(t, &Config{SourceAttributes: "drop"}, cloneTraces(in))
		assertMLflowValuesAreJSON(t, got)
		var wantSpans []ptrace.Span
		forEachSpan(want, func(s ptrace.Span) { wantSpans = append(wantSpans, s) })
		i := 0
		forEachSpan(got, func(s ptrace.Span) {
			w := wantSpans[i]
			i++
			for k, v := range w.Attributes().All() {
				gv, ok := s.Attributes().Get(k)
				if strings.HasPrefix(k, mlflow.AttrPrefix) || k == mlflow.AttrSessionID || k == mlflow.AttrUserID {
					if assert.True(t, ok, "%s: %s lost", input, k) {
						assert.True(t, v.Equal(gv), "%s: %s changed", input, k)
					}
				} else if !ok {
					assert.True(t, consumedByAny(k), "%s: %s dropped but no dialect reads it", input, k)
				}
			}
		})
	}
}

func consumedByAny(k string) bool {
	for _, d := range dialect.All {
		if used, _ := dialect.ConsumptionOf(d.Name).Uses(k); used {
			return true
		}
	}
	return false
}

// TestConsumptionCoversReads checks the consumption tables against the dialects' readers on
// the golden corpus: removing an attribute that a table does not list must not change what is
// written, so every attribute a dialect actually reads is listed and dropped with
// source_attributes: drop, or listed as kept. (Attributes that only identify the dialect are
// not listed.)
func TestConsumptionCoversReads(t *testing.T) {
	for _, d := range dialect.All {
		require.NotNil(t, dialect.ConsumptionOf(d.Name), d.Name)
	}
	detector := dialect.NewDetector(dialect.All)
	for _, input := range goldenInputs(t) {
		in, err := golden.ReadTraces(input)
		require.NoError(t, err)
		for _, rs := range in.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				scopeMask := detector.ScopeMask(ss.Scope().Name())
				for _, span := range ss.Spans().All() {
					if _, typed := span.Attributes().Get(mlflow.AttrSpanType); typed {
						continue
					}
					i, ok := detector.Detect(scopeMask, span.Attributes())
					if !ok {
						continue
					}
					consumed := dialect.ConsumptionOf(dialect.All[i].Name)
					base := written(t, ss.Scope().Name(), span)
					for k := range span.Attributes().All() {
						if consumed.Reads(k) || strings.HasPrefix(k, mlflow.AttrPrefix) || k == mlflow.AttrSessionID || k == mlflow.AttrUserID {
							continue
						}
						without := ptrace.NewSpan()
						span.CopyTo(without)
						without.Attributes().Remove(k)
						if j, _ := detector.Detect(scopeMask, without.Attributes()); j != i {
							continue // identifies the dialect
						}
						assert.Equal(t, base, written(t, ss.Scope().Name(), without),
							"%s: dialect %s reads %q, which its consumption table does not list", input, dialect.All[i].Name, k)
					}
				}
			}
		}
	}
}

// written returns the attributes the processor adds to span.
func written(t *testing.T, scope string, span ptrace.Span) map[string]any {
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty()
	ss.Scope().SetName(scope)
	s := ss.Spans().AppendEmpty()
	span.CopyTo(s)
	got := firstSpan(process(t, &Config{}, td)).Attributes()
	out := map[string]any{}
	for k, v := range got.All() {
		if _, existed := span.Attributes().Get(k); !existed {
			out[k] = v.AsRaw()
		}
	}
	return out
}

func TestContentDrop(t *testing.T) {
	td := oneSpan("", map[string]any{
		"gen_ai.operation.name":      "chat",
		"gen_ai.request.model":       "gpt-4o",
		"gen_ai.input.messages":      `[{"role":"user","parts":[{"type":"text","content":"secret"}]}]`,
		"gen_ai.output.messages":     `[{"role":"assistant","parts":[{"type":"text","content":"secret"}]}]`,
		"gen_ai.system_instructions": "secret",
		"gen_ai.prompt.0.content":    "secret",
		"gen_ai.tool.definitions":    `[{"type":"function","name":"get_weather","parameters":{"type":"object"}}]`,
		"gen_ai.usage.input_tokens":  3,
		"gen_ai.usage.output_tokens": 1,
		"http.method":                "POST",
	})
	span := firstSpan(td)
	span.Events().AppendEmpty().SetName("gen_ai.user.message")
	span.Events().At(0).Attributes().PutStr("content", "secret")
	details := span.Events().AppendEmpty()
	details.SetName("gen_ai.client.inference.operation.details")
	details.Attributes().PutStr("gen_ai.input.messages", "secret")
	details.Attributes().PutStr("gen_ai.response.id", "r-1")
	span.Events().AppendEmpty().SetName("exception")

	got := firstSpan(process(t, &Config{Content: "drop"}, td))
	attrs := got.Attributes()
	for k, v := range attrs.All() {
		assert.NotContains(t, v.AsString(), "secret", k)
	}
	for _, k := range []string{mlflow.AttrSpanInputs, mlflow.AttrSpanOutputs, mlflow.AttrMessageFormat} {
		_, ok := attrs.Get(k)
		assert.False(t, ok, k)
	}
	for k, want := range map[string]string{
		mlflow.AttrSpanType:       `"CHAT_MODEL"`,
		mlflow.AttrLLMModel:       `"gpt-4o"`,
		mlflow.AttrChatTokenUsage: `{"input_tokens":3,"output_tokens":1,"total_tokens":4}`,
		mlflow.AttrChatTools:      `[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]`,
		"gen_ai.request.model":    "gpt-4o", // not content: kept unless source_attributes: drop
		"gen_ai.tool.definitions": `[{"type":"function","name":"get_weather","parameters":{"type":"object"}}]`,
		"http.method":             "POST",
	} {
		v, ok := attrs.Get(k)
		if assert.True(t, ok, k) {
			assert.Equal(t, want, v.Str(), k)
		}
	}
	require.Equal(t, 2, got.Events().Len(), "the message event is removed")
	assert.Equal(t, "gen_ai.client.inference.operation.details", got.Events().At(0).Name())
	assert.Equal(t, map[string]any{"gen_ai.response.id": "r-1"}, got.Events().At(0).Attributes().AsRaw())
	assert.Equal(t, "exception", got.Events().At(1).Name())
}

// TestContentDropGolden: no span of the corpus keeps a content attribute its dialect reads or
// gets inputs or outputs.
func TestContentDropGolden(t *testing.T) {
	detector := dialect.NewDetector(dialect.All)
	for _, input := range goldenInputs(t) {
		in, err := golden.ReadTraces(input)
		require.NoError(t, err)
		got := process(t, &Config{Content: "drop"}, cloneTraces(in))
		assertMLflowValuesAreJSON(t, got)
		for _, rs := range got.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, span := range ss.Spans().All() {
					if _, typed := firstAttr(in, span.Name(), mlflow.AttrSpanType); typed {
						continue
					}
					i, ok := detector.Detect(detector.ScopeMask(ss.Scope().Name()), span.Attributes())
					if !ok {
						continue
					}
					for _, k := range []string{mlflow.AttrSpanInputs, mlflow.AttrSpanOutputs} {
						_, has := span.Attributes().Get(k)
						_, existed := firstAttr(in, span.Name(), k)
						assert.False(t, has && !existed, "%s: %s %s", input, span.Name(), k)
					}
					for k := range span.Attributes().All() {
						_, content := dialect.ConsumptionOf(dialect.All[i].Name).Uses(k)
						assert.False(t, content, "%s: %s kept", input, k)
					}
				}
			}
		}
	}
}

// TestContentDropAcrossDialects: the span is read by one dialect (an mcp.* key makes this
// OpenInference span mcp's, which ranks first), but content: drop removes every dialect's
// content keys.
func TestContentDropAcrossDialects(t *testing.T) {
	td := oneSpan("openinference.instrumentation.openai", map[string]any{
		"mcp.method.name":                       "tools/call",
		"openinference.span.kind":               "LLM",
		"llm.model_name":                        "gpt-4o",
		"input.value":                           `{"messages":[{"role":"user","content":"SECRET prompt"}]}`,
		"output.value":                          "SECRET answer",
		"llm.input_messages.0.message.role":     "user",
		"llm.input_messages.0.message.content":  "SECRET prompt",
		"llm.output_messages.0.message.role":    "assistant",
		"llm.output_messages.0.message.content": "SECRET answer",
		"langfuse.trace.metadata.environment":   "prod",
	})
	got := firstSpan(process(t, &Config{Content: "drop"}, td)).Attributes()
	typ, _ := got.Get(mlflow.AttrSpanType)
	assert.Equal(t, `"TOOL"`, typ.AsString(), "read by mcp")
	for k, v := range got.All() {
		assert.NotContains(t, v.AsString(), "SECRET", "content: drop kept %s", k)
	}
	assert.Contains(t, got.AsRaw(), "langfuse.trace.metadata.environment")
}

func TestMappings(t *testing.T) {
	cfg := &Config{
		SourceAttributes: "drop",
		Mappings: []MappingConfig{
			{Attribute: "acme.llm.kind", Field: "span_type", Values: map[string]string{"chat": "CHAT_MODEL", "tool": "TOOL"}},
			{Attribute: "acme.llm.prompt", Field: "inputs"},
			{Attribute: "acme.llm.answer", Field: "outputs"},
			{Attribute: "acme.llm.model", Field: "model"},
			{Attribute: "acme.llm.model_alias", Field: "model"}, // a fallback: the first listed wins
			{Attribute: "acme.llm.vendor", Field: "provider", Override: true},
			{Attribute: "acme.llm.tokens_in", Field: "input_tokens"},
			{Attribute: "acme.llm.tokens_out", Field: "output_tokens"},
			{Attribute: "acme.user", Field: "user_id"},
			{Attribute: "acme.llm.tools", Field: "tools"},
		},
	}
	require.NoError(t, cfg.Validate())
	t.Run("in-house span", func(t *testing.T) {
		tel := componenttest.NewTelemetry()
		t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
		sink := new(consumertest.TracesSink)
		p, err := NewFactory().CreateTraces(context.Background(), metadatatest.NewSettings(tel), cfg, sink)
		require.NoError(t, err)
		td := oneSpan("acme", map[string]any{
			"acme.llm.kind":        "chat",
			"acme.llm.prompt":      `{"question":"hi"}`,
			"acme.llm.answer":      "hello",
			"acme.llm.model":       "m-1",
			"acme.llm.model_alias": "alias",
			"acme.llm.vendor":      "ACME",
			"acme.llm.tokens_in":   "5",
			"acme.llm.tokens_out":  "x", // not a count: skipped, kept
			"acme.user":            "u-1",
			"acme.llm.tools":       `[{"type":"function","function":{"name":"f"}}]`,
			"acme.request.id":      "r-1",
		})
		require.NoError(t, p.ConsumeTraces(context.Background(), td))
		require.NoError(t, p.Shutdown(context.Background()))
		got := firstSpan(sink.AllTraces()[0]).Attributes().AsRaw()
		assert.Equal(t, map[string]any{
			mlflow.AttrSpanType:       `"CHAT_MODEL"`,
			mlflow.AttrSpanInputs:     `{"question":"hi"}`,
			mlflow.AttrSpanOutputs:    `"hello"`,
			mlflow.AttrLLMModel:       `"m-1"`,
			mlflow.AttrLLMProvider:    `"acme"`,
			mlflow.AttrChatTokenUsage: `{"input_tokens":5,"output_tokens":0,"total_tokens":5}`,
			mlflow.AttrChatTools:      `[{"type":"function","function":{"name":"f"}}]`,
			mlflow.AttrUserID:         "u-1",
			"acme.llm.model_alias":    "alias", // not applied: kept
			"acme.llm.tokens_out":     "x",
			"acme.request.id":         "r-1",
		}, got)
		metadatatest.AssertEqualProcessorLlmspanSpansNormalized(t, tel, []metricdata.DataPoint[int64]{
			{Value: 1, Attributes: attribute.NewSet(attribute.String("dialect", "mappings"))},
		}, metricdatatest.IgnoreTimestamp())
	})
	t.Run("after a dialect", func(t *testing.T) {
		got := firstSpan(process(t, cfg, oneSpan("", map[string]any{
			"gen_ai.operation.name": "execute_tool", // TOOL: acme.llm.kind does not override it
			"gen_ai.request.model":  "gpt-4o",       // outranks acme.llm.model
			"gen_ai.system":         "openai",       // acme.llm.vendor overrides it
			"acme.llm.kind":         "chat",
			"acme.llm.model":        "m-1",
			"acme.llm.vendor":       "acme",
			"acme.llm.prompt":       "hi", // fills the empty input
		}))).Attributes().AsRaw()
		assert.Equal(t, `"TOOL"`, got[mlflow.AttrSpanType])
		assert.Equal(t, `"gpt-4o"`, got[mlflow.AttrLLMModel])
		assert.Equal(t, `"acme"`, got[mlflow.AttrLLMProvider])
		assert.Equal(t, `"hi"`, got[mlflow.AttrSpanInputs])
		assert.Equal(t, "chat", got["acme.llm.kind"], "not applied: kept")
		assert.Equal(t, "m-1", got["acme.llm.model"], "not applied: kept")
		assert.NotContains(t, got, "acme.llm.vendor")
		assert.NotContains(t, got, "gen_ai.system")
	})
	t.Run("unknown value", func(t *testing.T) {
		td := oneSpan("", map[string]any{"acme.llm.kind": "batch"})
		got := process(t, cfg, td)
		assert.Equal(t, map[string]any{"acme.llm.kind": "batch"}, firstSpan(got).Attributes().AsRaw(), "nothing applied: unrecognized")
	})
	t.Run("override with an unreadable value", func(t *testing.T) {
		override := &Config{Mappings: []MappingConfig{{Attribute: "acme.llm.tools", Field: "tools", Override: true}}}
		got := firstSpan(process(t, override, oneSpan("", map[string]any{
			"gen_ai.operation.name":   "chat",
			"gen_ai.tool.definitions": `[{"type":"function","name":"get_weather"}]`,
			// Cut off after its first definition: a reader may take that one before giving up.
			"acme.llm.tools": `[{"type":"function","function":{"name":"evil"}},{"type":"function","function":{"name":"cut`,
		}))).Attributes().AsRaw()
		assert.Contains(t, got[mlflow.AttrChatTools], "get_weather", "the dialect's tools stay")
		assert.NotContains(t, got[mlflow.AttrChatTools], "evil")
	})
	t.Run("content drop", func(t *testing.T) {
		got := firstSpan(process(t, &Config{Content: "drop", Mappings: cfg.Mappings}, oneSpan("", map[string]any{
			"gen_ai.operation.name": "chat",
			"gen_ai.input.messages": `[{"role":"user","parts":[{"type":"text","content":"x"}]}]`,
			"acme.llm.prompt":       "secret", // not applied (the dialect has input), still content
			"acme.llm.model":        "m-1",
		}))).Attributes().AsRaw()
		assert.NotContains(t, got, "acme.llm.prompt")
		assert.NotContains(t, got, "gen_ai.input.messages")
		assert.NotContains(t, got, mlflow.AttrSpanInputs)
		assert.Equal(t, "m-1", got["acme.llm.model"])
		assert.Equal(t, `"m-1"`, got[mlflow.AttrLLMModel])
	})
}

// TestExclusiveInputTokens: OpenInference's Agno instrumentation over Claude passes
// Anthropic's input count, which leaves the cache out; MLflow's input includes it.
func TestExclusiveInputTokens(t *testing.T) {
	got := firstSpan(process(t, &Config{}, oneSpan("openinference.instrumentation.agno", map[string]any{
		"openinference.span.kind":                    "LLM",
		"llm.model_name":                             "claude-sonnet-4-5",
		"llm.token_count.prompt":                     12,
		"llm.token_count.completion":                 80,
		"llm.token_count.total":                      92,
		"llm.token_count.prompt_details.cache_read":  4000,
		"llm.token_count.prompt_details.cache_write": 500,
	}))).Attributes().AsRaw()
	assert.JSONEq(t, `{"input_tokens":4512,"output_tokens":80,"total_tokens":4592,"cache_read_input_tokens":4000,"cache_creation_input_tokens":500}`,
		got[mlflow.AttrChatTokenUsage].(string))
}

// TestSourceDropKeepsWhatWasNotWritten: token usage too large for max_value_size is not
// written, so source_attributes: drop keeps the span's source attributes.
func TestSourceDropKeepsWhatWasNotWritten(t *testing.T) {
	got := firstSpan(process(t, &Config{SourceAttributes: "drop", MaxValueSize: 40}, oneSpan("", map[string]any{
		"gen_ai.operation.name":      "chat",
		"gen_ai.request.model":       "gpt-4o",
		"gen_ai.usage.input_tokens":  1234,
		"gen_ai.usage.output_tokens": 567,
	}))).Attributes().AsRaw()
	assert.Equal(t, `"CHAT_MODEL"`, got[mlflow.AttrSpanType])
	assert.NotContains(t, got, mlflow.AttrChatTokenUsage, "over 40 bytes")
	assert.EqualValues(t, 1234, got["gen_ai.usage.input_tokens"])
	assert.EqualValues(t, 567, got["gen_ai.usage.output_tokens"])
}

// TestOpenAITextPartsInGenAIMessages: LiteLLM copies list content into GenAI messages as it
// is, OpenAI parts with their text under "text".
func TestOpenAITextPartsInGenAIMessages(t *testing.T) {
	got := firstSpan(process(t, &Config{}, oneSpan("litellm", map[string]any{
		"gen_ai.operation.name": "chat",
		"gen_ai.request.model":  "gpt-4o",
		"gen_ai.system":         "openai",
		"gen_ai.input.messages": `[{"role": "user", "parts": [{"type": "text", "text": "What is in this image?"}, ` +
			`{"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}]`,
	}))).Attributes().AsRaw()
	assert.Contains(t, got[mlflow.AttrSpanInputs], "What is in this image?")
}

// TestVercelReasoning: the AI SDK's ai.response.reasoning is the reply's reasoning, which
// MLflow shows folded beside the answer.
func TestVercelReasoning(t *testing.T) {
	got := firstSpan(process(t, &Config{}, oneSpan("ai", map[string]any{
		"ai.operationId":        "ai.generateText.doGenerate",
		"ai.model.id":           "o3",
		"ai.response.text":      "A cat.",
		"ai.response.reasoning": "Looks feline.",
	}))).Attributes().AsRaw()
	assert.Contains(t, got[mlflow.AttrSpanOutputs], `"content":"A cat.","reasoning":"Looks feline."`)
}

// TestOpenInferenceTextPlain: a value whose mime type is text/plain is text, even when it
// reads as JSON (a user typing "null" or "[1, 2]").
func TestOpenInferenceTextPlain(t *testing.T) {
	got := firstSpan(process(t, &Config{}, oneSpan("openinference.instrumentation.langchain", map[string]any{
		"openinference.span.kind": "CHAIN",
		"input.value":             "[1, 2]",
		"input.mime_type":         "text/plain",
		"output.value":            `{"answer": 3}`,
		"output.mime_type":        "application/json",
	}))).Attributes().AsRaw()
	assert.Equal(t, `"[1, 2]"`, got[mlflow.AttrSpanInputs])
	assert.Equal(t, `{"answer":3}`, got[mlflow.AttrSpanOutputs])
}

// TestContentDropStrandsMemory: Strands keeps a memory span's query, content and findings in
// events, which content: drop removes with the rest of the content.
func TestContentDropStrandsMemory(t *testing.T) {
	in, err := golden.ReadTraces(filepath.Join("testdata", "strands", "memory", "input.yaml"))
	require.NoError(t, err)
	var events []string
	for _, span := range allSpans(process(t, &Config{Content: "drop"}, in)) {
		for _, ev := range span.Events().All() {
			events = append(events, ev.Name())
		}
	}
	assert.Empty(t, events)
}

// TestCacheExclusiveScopes: OpenLIT's Anthropic instrumentation counts input tokens without
// the cache, even when they outnumber it; its LangChain one, over the same model, with it.
func TestCacheExclusiveScopes(t *testing.T) {
	attrs := map[string]any{
		"gen_ai.operation.name":                "chat",
		"gen_ai.request.model":                 "claude-sonnet-4-5",
		"gen_ai.usage.input_tokens":            3000,
		"gen_ai.usage.output_tokens":           10,
		"gen_ai.usage.cache_read.input_tokens": 1000,
		"gen_ai.client.token.usage":            3010,
	}
	for scope, want := range map[string]string{
		"openlit.instrumentation.anthropic": `{"input_tokens":4000,"output_tokens":10,"total_tokens":4010,"cache_read_input_tokens":1000}`,
		"openlit.instrumentation.langchain": `{"input_tokens":3000,"output_tokens":10,"total_tokens":3010,"cache_read_input_tokens":1000}`,
	} {
		got := firstSpan(process(t, &Config{}, oneSpan(scope, attrs))).Attributes().AsRaw()
		assert.JSONEq(t, want, got[mlflow.AttrChatTokenUsage].(string), scope)
	}
}
