package llmtraceprocessor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// finishTwice finishes td, checks a second pass changes nothing, and returns the marks.
func finishTwice(t *testing.T, cfg *Config, td ptrace.Traces) int {
	t.Helper()
	f := newFinisher(cfg)
	marked := f.finish(td)
	once := ptrace.NewTraces()
	td.CopyTo(once)
	assert.Zero(t, f.finish(td), "second pass marks nothing")
	assert.Equal(t, once, td, "second pass changes nothing")
	return marked
}

func attr(t *testing.T, td ptrace.Traces, id uint64, key string) any {
	t.Helper()
	v, ok := spanByID(t, td, id).Attributes().Get(key)
	if !ok {
		return nil
	}
	return v.AsRaw()
}

func TestDedupe(t *testing.T) {
	withGenAI := func(s sp) sp {
		s.attrs["gen_ai.usage.input_tokens"] = int64(10)
		return s
	}
	tests := []struct {
		name string
		// spans below root 1
		spans []sp
		// want maps each marked span to the span it duplicates
		want map[uint64]uint64
	}{
		{
			name:  "framework over SDK",
			spans: []sp{withGenAI(llmSpan(2, 1, "ChatOpenAI", "openai/gpt-4o", 10, 5)), llmSpan(3, 2, "chat", "gpt-4o-2024-08-06", 10, 5)},
			want:  map[uint64]uint64{2: 3},
		},
		{
			name: "through an HTTP client span",
			spans: []sp{
				llmSpan(2, 1, "ChatAnthropic", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", 10, 5),
				{id: 3, parent: 2, name: "POST", start: time.Second, end: 3 * time.Second, attrs: map[string]any{"http.request.method": "POST"}},
				llmSpan(4, 3, "anthropic.messages", "claude-3-5-sonnet-20241022", 10, 5),
			},
			want: map[uint64]uint64{2: 4},
		},
		{
			name: "three layers keep the innermost",
			spans: []sp{
				llmSpan(2, 1, "agent llm", "gpt-4o", 10, 5),
				llmSpan(3, 2, "litellm", "openai/gpt-4o", 10, 5),
				llmSpan(4, 3, "openai", "gpt-4o", 10, 5),
			},
			want: map[uint64]uint64{2: 4, 3: 4},
		},
		{
			// OpenInference's LangChain tracer does not make its span the current context, so
			// the SDK's span hangs off the agent's parent, not off ChatOpenAI.
			name: "framework span that is not the SDK span's parent",
			spans: []sp{
				{id: 2, parent: 1, name: "weather_agent", start: time.Second / 2, end: 4 * time.Second, attrs: map[string]any{mlflow.AttrSpanType: `"AGENT"`}},
				{id: 3, parent: 2, name: "ChatOpenAI", start: time.Second / 2, end: 4 * time.Second, attrs: llmSpan(0, 0, "", "gpt-4o-mini", 10, 5).attrs},
				llmSpan(4, 1, "chat gpt-4o-mini", "gpt-4o-mini-2024-07-18", 10, 5),
			},
			want: map[uint64]uint64{3: 4},
		},
		{
			// OpenInference's LangChain tracer over instrumented LiteLLM over instrumented
			// OpenAI: ChatLiteLLM sits beside LiteLLM's span, which repeats OpenAI's.
			name: "framework span beside a two-layer SDK chain",
			spans: []sp{
				{id: 2, parent: 1, name: "RunnableSequence", start: time.Second / 2, end: 5 * time.Second, attrs: map[string]any{mlflow.AttrSpanType: `"CHAIN"`}},
				{id: 3, parent: 2, name: "ChatLiteLLM", start: time.Second / 2, end: 4 * time.Second, attrs: llmSpan(0, 0, "", "gpt-4o", 10, 5).attrs},
				llmSpan(4, 1, "litellm.completion", "openai/gpt-4o", 10, 5),
				{id: 5, parent: 4, name: "chat gpt-4o", start: 1100 * time.Millisecond, end: 2900 * time.Millisecond, attrs: llmSpan(0, 0, "", "gpt-4o-2024-08-06", 10, 5).attrs},
			},
			want: map[uint64]uint64{3: 5, 4: 5},
		},
		{
			name: "sibling calls, each with its framework span",
			spans: []sp{
				llmSpan(2, 1, "ChatOpenAI", "gpt-4o", 10, 5), llmSpan(3, 2, "chat", "gpt-4o", 10, 5),
				llmSpan(4, 1, "ChatOpenAI", "gpt-4o", 10, 5), llmSpan(5, 4, "chat", "gpt-4o", 10, 5),
			},
			want: map[uint64]uint64{2: 3, 4: 5},
		},
		{
			// On a second pass (a gateway after an agent collector) the nested pair is marked
			// already; the inner call must still not be taken for a copy of the other call.
			name: "parallel calls, one beside its framework span, one below it",
			spans: []sp{
				{id: 2, parent: 1, name: "agent", start: time.Second / 2, end: 9 * time.Second, attrs: map[string]any{mlflow.AttrSpanType: `"AGENT"`}},
				{id: 3, parent: 2, name: "ChatOpenAI", start: time.Second, end: 4 * time.Second, attrs: llmSpan(0, 0, "", "gpt-4o", 10, 5).attrs},
				{id: 4, parent: 1, name: "chat", start: 1100 * time.Millisecond, end: 3900 * time.Millisecond, attrs: llmSpan(0, 0, "", "gpt-4o", 10, 5).attrs},
				{id: 5, parent: 2, name: "ChatOpenAI", start: time.Second, end: 4 * time.Second, attrs: llmSpan(0, 0, "", "gpt-4o", 10, 5).attrs},
				{id: 6, parent: 5, name: "chat", start: 1050 * time.Millisecond, end: 3950 * time.Millisecond, attrs: llmSpan(0, 0, "", "gpt-4o", 10, 5).attrs},
			},
			want: map[uint64]uint64{3: 4, 5: 6},
		},
		{
			name:  "framework span far above the SDK span",
			spans: append(nested(3, 20, 2), llmSpan(2, 1, "ChatOpenAI", "gpt-4o", 10, 5), llmSpan(100, 22, "chat", "gpt-4o", 10, 5)),
			want:  map[uint64]uint64{2: 100},
		},
		{
			name: "detached framework span far below the SDK span's parent",
			spans: append(nested(2, 20, 1),
				sp{id: 30, parent: 21, name: "ChatOpenAI", start: time.Second / 2, end: 4 * time.Second, attrs: llmSpan(0, 0, "", "gpt-4o", 10, 5).attrs},
				llmSpan(31, 1, "chat", "gpt-4o", 10, 5)),
			want: map[uint64]uint64{30: 31},
		},
		{
			// Equal-usage spans are looked up by start time: the search must go on past a
			// later-starting span that does not contain the call to one that does.
			name: "detached framework span around a shorter call of equal usage",
			spans: []sp{
				{id: 2, parent: 1, name: "agent", start: time.Second / 2, end: 9 * time.Second, attrs: map[string]any{mlflow.AttrSpanType: `"AGENT"`}},
				{id: 3, parent: 2, name: "ChatOpenAI", start: time.Second, end: 8 * time.Second, attrs: llmSpan(0, 0, "", "gpt-4o", 10, 5).attrs},
				{id: 4, parent: 2, name: "chat", start: 2 * time.Second, end: 3 * time.Second, attrs: llmSpan(0, 0, "", "gpt-4o", 10, 5).attrs},
				{id: 5, parent: 1, name: "chat gpt-4o", start: 4 * time.Second, end: 6 * time.Second, attrs: llmSpan(0, 0, "", "gpt-4o-2024-08-06", 10, 5).attrs},
			},
			want: map[uint64]uint64{3: 5},
		},
		{
			name: "a detached look-alike that does not contain the call",
			spans: []sp{
				{id: 2, parent: 1, name: "agent", start: time.Second / 2, end: 4 * time.Second, attrs: map[string]any{mlflow.AttrSpanType: `"AGENT"`}},
				{id: 3, parent: 2, name: "ChatOpenAI", start: 2 * time.Second, end: 4 * time.Second, attrs: llmSpan(0, 0, "", "gpt-4o-mini", 10, 5).attrs},
				llmSpan(4, 1, "chat gpt-4o-mini", "gpt-4o-mini", 10, 5),
			},
		},
		{
			name:  "different tokens",
			spans: []sp{llmSpan(2, 1, "a", "gpt-4o", 10, 5), llmSpan(3, 2, "b", "gpt-4o", 10, 6)},
		},
		{
			name:  "different model",
			spans: []sp{llmSpan(2, 1, "a", "gpt-4o", 10, 5), llmSpan(3, 2, "b", "gpt-4o-mini", 10, 5)},
		},
		{
			name:  "siblings",
			spans: []sp{llmSpan(2, 1, "a", "gpt-4o", 10, 5), llmSpan(3, 1, "b", "gpt-4o", 10, 5)},
		},
		{
			name: "no time overlap",
			spans: []sp{
				llmSpan(2, 1, "a", "gpt-4o", 10, 5),
				{id: 3, parent: 2, name: "b", start: 5 * time.Second, end: 6 * time.Second, attrs: llmSpan(0, 0, "", "gpt-4o", 10, 5).attrs},
			},
		},
		{
			// MLflow's SDK (autolog of LangChain and of OpenAI) already counts the pair once; its
			// mlflow.* attributes are its own.
			name: "spans from MLflow's SDK",
			spans: func() []sp {
				outer, inner := llmSpan(2, 1, "ChatOpenAI", "gpt-4o", 10, 5), llmSpan(3, 2, "Completions", "gpt-4o", 10, 5)
				outer.attrs[mlflow.AttrTraceRequestID] = `"tr-1"`
				inner.attrs[mlflow.AttrTraceRequestID] = `"tr-1"`
				return []sp{outer, inner}
			}(),
		},
		{
			name: "agent with rolled-up usage is not an LLM span",
			spans: []sp{
				{id: 2, parent: 1, name: "agent", start: time.Second, end: 3 * time.Second, attrs: map[string]any{
					mlflow.AttrSpanType: `"AGENT"`, mlflow.AttrChatTokenUsage: usageJSON(10, 5),
				}},
				llmSpan(3, 2, "b", "gpt-4o", 10, 5),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			td := newTrace(1, append([]sp{root(1, "root", nil)}, tt.spans...)...)
			marked := finishTwice(t, &Config{Deduplicate: true}, td)

			assert.Equal(t, len(tt.want), marked)
			for _, s := range tt.spans {
				kept, dup := tt.want[s.id]
				if !dup {
					assert.Nil(t, attr(t, td, s.id, AttrDuplicateOf), "span %d", s.id)
					continue
				}
				assert.Equal(t, spanID(kept).String(), attr(t, td, s.id, AttrDuplicateOf), "span %d", s.id)
				usage, ok := spanByID(t, td, s.id).Attributes().Get(mlflow.AttrChatTokenUsage)
				require.True(t, ok, "the key stays, without a value")
				assert.Equal(t, "Empty", usage.Type().String())
				assert.Equal(t, s.attrs[mlflow.AttrChatTokenUsage], attr(t, td, s.id, AttrDuplicateTokenUsage))
				assert.Equal(t, s.attrs["gen_ai.usage.input_tokens"], attr(t, td, s.id, "gen_ai.usage.input_tokens"), "source attributes kept")
			}
		})
	}
}

func TestDedupeMovesCost(t *testing.T) {
	outer := llmSpan(2, 1, "a", "gpt-4o", 10, 5)
	outer.attrs[mlflow.AttrLLMCost] = `{"total_cost":0.1}`
	td := newTrace(1, root(1, "root", nil), outer, llmSpan(3, 2, "b", "gpt-4o", 10, 5))

	assert.Equal(t, 1, finishTwice(t, &Config{Deduplicate: true}, td))
	assert.Nil(t, attr(t, td, 2, mlflow.AttrLLMCost))
	assert.Equal(t, `{"total_cost":0.1}`, attr(t, td, 2, AttrDuplicateCost))
}

func TestSameModel(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"gpt-4o", "gpt-4o", true},
		{"openai/gpt-4o", "GPT-4o", true},
		{"gpt-4o", "gpt-4o-2024-08-06", true},
		{"gemini-1.5-pro", "models/gemini-1.5-pro-001", true},
		{"claude-3-5-sonnet-20241022", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", true},
		{"claude-3-5-sonnet", "claude-3-5-sonnet-latest", true},
		{"gpt-4o", "", true},
		{"gpt-4o", "gpt-4o-mini", false},
		{"gpt-4", "gpt-4o", false},
		{"gpt-4o", "gpt-4o-v", false},
	} {
		assert.Equal(t, tt.want, sameModel(tt.a, tt.b), "%q vs %q", tt.a, tt.b)
	}
}

func TestFinishTrace(t *testing.T) {
	httpRoot := sp{id: 1, parent: 1, name: "POST /chat", kind: ptrace.SpanKindServer, end: 10 * time.Second,
		attrs: map[string]any{"http.route": "/chat"}}
	agent := sp{id: 2, parent: 1, name: "support-agent", start: time.Second, attrs: map[string]any{
		mlflow.AttrSpanType: `"AGENT"`, mlflow.AttrSpanInputs: `{"q":"hi"}`, mlflow.AttrSpanOutputs: `"hello"`,
	}}
	tool := sp{id: 3, parent: 2, name: "lookup", start: 2 * time.Second, attrs: map[string]any{
		mlflow.AttrSpanType: `"TOOL"`, mlflow.AttrSessionID: "s-1", mlflow.AttrUserID: "u-1", mlflow.AttrSpanInputs: `"tool input"`,
	}}
	llm := llmSpan(4, 2, "gpt call", "gpt-4o", 1, 1)
	all := &Config{TraceName: true, Session: true, Previews: true, GenericRootAttributePrefixes: []string{"http."}}

	t.Run("generic root", func(t *testing.T) {
		td := newTrace(1, httpRoot, agent, tool, llm)
		finishTwice(t, all, td)
		assert.Equal(t, `"support-agent"`, attr(t, td, 1, AttrTraceName))
		assert.Equal(t, "s-1", attr(t, td, 1, mlflow.AttrSessionID))
		assert.Equal(t, "u-1", attr(t, td, 1, mlflow.AttrUserID))
		assert.Equal(t, `{"q":"hi"}`, attr(t, td, 1, mlflow.AttrSpanInputs), "the uppermost span's")
		assert.Equal(t, `"hello"`, attr(t, td, 1, mlflow.AttrSpanOutputs))
	})
	t.Run("previews: the first request, the last response", func(t *testing.T) {
		first := llmSpan(2, 1, "chat 1", "gpt-4o", 1, 1)
		first.attrs[mlflow.AttrSpanInputs], first.attrs[mlflow.AttrSpanOutputs] = `"question"`, `"tool call"`
		second := llmSpan(3, 1, "chat 2", "gpt-4o", 2, 1)
		second.start, second.end = 4*time.Second, 5*time.Second
		second.attrs[mlflow.AttrSpanInputs], second.attrs[mlflow.AttrSpanOutputs] = `"question + tool result"`, `"answer"`
		td := newTrace(1, httpRoot, second, first)
		finishTwice(t, all, td)
		assert.Equal(t, `"question"`, attr(t, td, 1, mlflow.AttrSpanInputs))
		assert.Equal(t, `"answer"`, attr(t, td, 1, mlflow.AttrSpanOutputs))
	})
	t.Run("spans under a missing parent come after the root's", func(t *testing.T) {
		orphan := llmSpan(5, 6, "ChatOpenAI", "gpt-4o", 1, 1) // its parent, a chain span, is not in the trace
		orphan.attrs[mlflow.AttrSpanInputs], orphan.attrs[mlflow.AttrSpanOutputs] = `"inner prompt"`, `"inner reply"`
		td := newTrace(1, httpRoot, agent, orphan)
		finishTwice(t, all, td)
		assert.Equal(t, `"support-agent"`, attr(t, td, 1, AttrTraceName))
		assert.Equal(t, `{"q":"hi"}`, attr(t, td, 1, mlflow.AttrSpanInputs))
		assert.Equal(t, `"hello"`, attr(t, td, 1, mlflow.AttrSpanOutputs))
	})
	t.Run("LLM span names the trace without agent", func(t *testing.T) {
		td := newTrace(1, httpRoot, tool, llm)
		finishTwice(t, all, td)
		assert.Equal(t, `"gpt call"`, attr(t, td, 1, AttrTraceName))
	})
	t.Run("named like an HTTP request, any kind", func(t *testing.T) {
		r := root(1, "GET", nil)
		td := newTrace(1, r, agent)
		finishTwice(t, all, td)
		assert.Equal(t, `"support-agent"`, attr(t, td, 1, AttrTraceName))
	})
	t.Run("meaningful root keeps its name", func(t *testing.T) {
		for name, r := range map[string]sp{
			"internal span":    root(1, "handle", map[string]any{"http.route": "/chat"}),
			"typed span":       {id: 1, parent: 1, name: "POST /chat", kind: ptrace.SpanKindServer, attrs: map[string]any{mlflow.AttrSpanType: `"CHAIN"`}},
			"server, no http.": {id: 1, parent: 1, name: "run", kind: ptrace.SpanKindServer, attrs: map[string]any{"db.system": "x"}},
		} {
			td := newTrace(1, r, agent)
			finishTwice(t, all, td)
			assert.Nil(t, attr(t, td, 1, AttrTraceName), name)
		}
	})
	t.Run("existing values are kept", func(t *testing.T) {
		r := httpRoot
		r.attrs = map[string]any{"http.route": "/chat", AttrTraceName: `"mine"`, mlflow.AttrSessionID: "s-0",
			mlflow.AttrSpanInputs: `"in"`, mlflow.AttrSpanOutputs: `"out"`}
		td := newTrace(1, r, agent, tool)
		finishTwice(t, all, td)
		assert.Equal(t, `"mine"`, attr(t, td, 1, AttrTraceName))
		assert.Equal(t, "s-0", attr(t, td, 1, mlflow.AttrSessionID))
		assert.Equal(t, "u-1", attr(t, td, 1, mlflow.AttrUserID))
		assert.Equal(t, `"in"`, attr(t, td, 1, mlflow.AttrSpanInputs))
		assert.Equal(t, `"out"`, attr(t, td, 1, mlflow.AttrSpanOutputs))
	})
	t.Run("disabled", func(t *testing.T) {
		td := newTrace(1, httpRoot, agent, tool)
		want := ptrace.NewTraces()
		td.CopyTo(want)
		finishTwice(t, &Config{}, td)
		assert.Equal(t, want, td)
	})
	t.Run("part of a trace under a remote parent", func(t *testing.T) {
		// The service's top span completes the buffered part, but MLflow's root is the caller's
		// span: nothing is written for the root, and duplicates are still marked.
		local := httpRoot
		local.parent, local.flags = 99, 0x301
		td := newTrace(1, local, agent, llmSpan(5, 2, "ChatOpenAI", "gpt-4o", 1, 1), llmSpan(6, 5, "chat", "gpt-4o", 1, 1))
		cfg := *all
		cfg.Deduplicate, cfg.Totals = true, true
		assert.Equal(t, 1, finishTwice(t, &cfg, td))
		assert.Equal(t, spanID(6).String(), attr(t, td, 5, AttrDuplicateOf))
		for _, key := range []string{AttrTraceName, mlflow.AttrSpanInputs, AttrTraceTotalTokens} {
			assert.Nil(t, attr(t, td, 1, key), key)
		}
	})
	t.Run("no root", func(t *testing.T) {
		td := newTrace(1, agent, tool)
		want := ptrace.NewTraces()
		td.CopyTo(want)
		finishTwice(t, all, td)
		assert.Equal(t, want, td)
	})
}

func TestTraceViewSurvivesCycles(t *testing.T) {
	td := newTrace(1, sp{id: 2, parent: 3, name: "a"}, sp{id: 3, parent: 2, name: "b"}, sp{id: 4, parent: 4, name: "root"})
	v := newTraceView(td)
	assert.Equal(t, 2, v.root)
	for i := range v.spans {
		assert.GreaterOrEqual(t, v.depth[i], 0)
	}
}
