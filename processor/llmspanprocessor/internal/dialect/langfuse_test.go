package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

var langfuseRequestSeeds = []string{
	`{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{}}}],"model":"m"}`,
	`{"messages":[]}`, `{"messages":[{"content":"no role"}]}`, `{"tools":[]}`, `{}`, `{"messages":"[]"}`, `{"messages":{"role":"user"}}`,
	`{"messages":[{"role":"user"}],"tools":"[]"}`, `{"messages":[],"messages":[]}`, `[]`, `{"messages":[{"role":"user"}]} x`,
}

// langfuseRequestReader checks the streaming reader of a {messages, tools} input against the
// general one.
var langfuseRequestReader = fastReader{
	seeds: langfuseRequestSeeds,
	fast: func(in string) (any, bool) {
		msgs, tools, ok := langfuseRequestJSON(in, nil, nil, true, nil)
		if len(msgs) == 0 {
			return "<passed on>", ok
		}
		return []any{dump(msgs), toolDump(tools)}, ok
	},
	general: func(in string) any {
		var rec Record
		p := langfuseRequestGeneral(&rec, nil, pcommon.NewValueStr(in))
		if p.Value.Set {
			return "<passed on>"
		}
		return []any{dump(p.Messages), toolDump(rec.Tools)}
	},
	minFast: 6,
}

func TestLangfuseRequestJSON(t *testing.T) { langfuseRequestReader.test(t) }
func FuzzLangfuseRequestJSON(f *testing.F) { langfuseRequestReader.fuzz(f) }

func TestLangfuseUsageAndCost(t *testing.T) {
	cnt := func(n int64) Count { return Count{N: n, Set: true} }
	tests := []struct {
		name, usage, cost string
		wantUsage         Usage
		wantCost          Cost
	}{
		{
			name:      "buckets, cache apart from input",
			usage:     `{"input": 18, "input_cache_read": 2, "output": 7}`,
			cost:      `{"input": 0.25, "output": 0.5}`,
			wantUsage: Usage{Input: cnt(20), Output: cnt(7), CacheRead: cnt(2)},
			wantCost:  Cost{Input: 0.25, Output: 0.5, Total: 0.75, Set: true},
		},
		{
			// langfuse 5.2.0's CallbackHandler._parse_usage_model of LangChain's usage_metadata
			// {input_tokens: 100, output_tokens: 50, total_tokens: 150, input_token_details:
			// {cache_read: 20, audio: 5}, output_token_details: {reasoning: 30, audio: 0}}.
			name:      "LangChain details subtracted from input and output",
			usage:     `{"input": 75, "output": 20, "total": 150, "input_cache_read": 20, "input_audio": 5, "output_reasoning": 30, "output_audio": 0}`,
			wantUsage: Usage{Input: cnt(100), Output: cnt(50), Total: cnt(150), CacheRead: cnt(20)},
		},
		{
			name:      "a service tier is no part of the input",
			usage:     `{"input": 80, "output": 20, "input_cache_read": 20, "input_priority": 100}`,
			wantUsage: Usage{Input: cnt(100), Output: cnt(20), CacheRead: cnt(20)},
		},
		{
			name:      "Anthropic's counts, cache apart from input",
			usage:     `{"input_tokens": 10, "output_tokens": 5, "cache_read_input_tokens": 100, "cache_creation_input_tokens": 20}`,
			wantUsage: Usage{Input: cnt(130), Output: cnt(5), CacheRead: cnt(100), CacheCreation: cnt(20)},
		},
		{
			name:      "OpenAI usage from langfuse.openai, input includes the cache",
			usage:     `{"completion_tokens": 7, "prompt_tokens": 20, "total_tokens": 27, "prompt_tokens_details": {"audio_tokens": 0, "cached_tokens": 2}}`,
			wantUsage: Usage{Input: cnt(20), Output: cnt(7), Total: cnt(27), CacheRead: cnt(2)},
		},
		{
			name:      "Responses usage without a total",
			usage:     `{"input_tokens": 20, "output_tokens": 7, "input_tokens_details": {"cached_tokens": 4}}`,
			wantUsage: Usage{Input: cnt(20), Output: cnt(7), CacheRead: cnt(4)},
		},
		{
			name:     "cost buckets and a total",
			cost:     `{"input": 1, "input_cache_read": 0.5, "output_reasoning_tokens": 2, "output": 1, "total": 5}`,
			wantCost: Cost{Input: 1.5, Output: 3, Total: 5, Set: true},
		},
		{name: "zero cost is no cost", cost: `{"input": 0, "output": 0}`},
		{name: "not a map", usage: `[1]`, cost: `"free"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec Record
			if tt.usage != "" {
				langfuseUsage(&rec.Usage, pcommon.NewValueStr(tt.usage))
			}
			if tt.cost != "" {
				langfuseCost(&rec.Cost, pcommon.NewValueStr(tt.cost))
			}
			if rec.Usage != tt.wantUsage {
				t.Errorf("usage = %+v, want %+v", rec.Usage, tt.wantUsage)
			}
			if rec.Cost != tt.wantCost {
				t.Errorf("cost = %+v, want %+v", rec.Cost, tt.wantCost)
			}
		})
	}
}

func TestLangfuseArguments(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"args": [], "kwargs": {"city": "Paris"}}`, `{"city":"Paris"}`},
		{`{"args": ["What is the weather?"], "kwargs": {}}`, `"What is the weather?"`},
		{`{"args": [1, 2], "kwargs": {}}`, `<as it is>`},
		{`{"args": ["a"], "kwargs": {"b": 1}}`, `<as it is>`},
		{`{"args": [], "kwargs": {}, "self": 1}`, `<as it is>`},
		{`{"args": {}, "kwargs": {}}`, `<as it is>`},
		{`{"args": [], "kwargs": [`, `<as it is>`},
		{`{"city": "Paris"}`, `<as it is>`},
	}
	for _, tt := range tests {
		in := pcommon.NewValueStr(tt.in)
		got := langfuseArguments(in)
		if tt.want == "<as it is>" {
			require.Equal(t, in, got, tt.in)
			continue
		}
		var enc anyjson.Encoder
		enc.Value(got)
		require.Equal(t, tt.want, string(enc.Bytes()), tt.in)
	}
}

// Langfuse's SDKs copy the trace-level keys onto every span of a trace: only the keys of its
// own observations identify it.
func TestLangfuseDetection(t *testing.T) {
	d := NewDetector(All)
	detect := func(scope string, keys ...string) string {
		attrs := pcommon.NewMap()
		for _, k := range keys {
			attrs.PutStr(k, "x")
		}
		i, ok := d.Detect(d.ScopeMask(scope), attrs)
		if !ok {
			return ""
		}
		return d.Dialects()[i].Name
	}
	propagated := []string{"langfuse.trace.name", "langfuse.trace.tags", "langfuse.trace.metadata.tenant",
		"langfuse.version", "langfuse.environment", "langfuse.release", "langfuse.experiment.id",
		"langfuse.observation.prompt.name", "langfuse.observation.prompt.version",
		"langfuse.session.id", "langfuse.user.id"}
	assert.Equal(t, "openinference", detect("", append(propagated, "openinference.span.kind")...))
	assert.Equal(t, "openllmetry", detect("", append(propagated, "traceloop.span.kind", "gen_ai.request.model")...))
	assert.Equal(t, "genai", detect("", append(propagated, "gen_ai.request.model")...))
	assert.Equal(t, "", detect("", propagated...))
	for _, k := range langfuse.IdentifyingKeys {
		assert.Equal(t, "langfuse", detect("", k, "gen_ai.request.model", "openinference.span.kind"), k)
	}
	assert.Equal(t, "langfuse", detect("langfuse-sdk", "langfuse.trace.name"))
}
