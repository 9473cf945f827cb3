package dialect

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestGoogleADKStreamReply(t *testing.T) {
	text := func(s, finish string) Message {
		return Message{Role: "assistant", Parts: []Part{{Text: s}}, FinishReason: finish}
	}
	call := func(args, finish string) Message {
		m := Message{Role: "assistant", ToolCalls: []ToolCall{{ID: "c1", Name: "get_weather"}}, FinishReason: finish}
		if args != "" {
			m.ToolCalls[0].Arguments = Some(pcommon.NewValueStr(args))
		}
		return m
	}
	for _, tc := range []struct {
		name     string
		in, want []Message
	}{
		{"LiteLlm text chunks, then the whole reply",
			[]Message{text("It is ", ""), text("sunny.", ""), text("It is sunny.", "stop")},
			[]Message{text("It is sunny.", "stop")}},
		{"LiteLlm tool call chunk, then the whole call",
			[]Message{call("", ""), call(`{"city":"Paris"}`, "stop")},
			[]Message{call(`{"city":"Paris"}`, "stop")}},
		{"Gemini chunks, the last with the reason",
			[]Message{text("It is ", ""), text("sunny.", "STOP")},
			[]Message{text("It is sunny.", "STOP")}},
		{"candidates, each with its reason",
			[]Message{text("a", "stop"), text("b", "stop")},
			[]Message{text("a", "stop"), text("b", "stop")}},
		{"chunks as written in JSON and decoded, joined decoded",
			[]Message{{Role: "assistant", Parts: []Part{{Text: `a\n`, Encoded: true}}}, text("b", ""), {Role: "assistant", Parts: []Part{{Text: `\"c\"`, Encoded: true}}, FinishReason: "STOP"}},
			[]Message{text("a\nb\"c\"", "STOP")}},
		{"not all assistant",
			[]Message{{Role: "user", Parts: []Part{{Text: "x"}}}, text("a", "stop")},
			[]Message{{Role: "user", Parts: []Part{{Text: "x"}}}, text("a", "stop")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := googleADKStreamReply(tc.in); !reflect.DeepEqual(dump(got), dump(tc.want)) {
				t.Errorf("got %v, want %v", dump(got), dump(tc.want))
			}
		})
	}
}

// A long stream of small chunks folds in time and memory linear in its size: each chunk's text
// is copied once, not the whole text so far for each chunk.
func TestGoogleADKStreamReplyLinear(t *testing.T) {
	const chunks = 40_000
	var b strings.Builder
	b.WriteByte('[')
	for i := range chunks {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"role":"assistant","parts":[{"type":"text","content":"ab"}]}`)
	}
	b.WriteByte(']')
	span := ptrace.NewSpan()
	span.SetName("call_llm")
	span.Attributes().PutStr("gen_ai.output.messages", b.String())

	var rec Record
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	readGoogleADK(span, &rec)
	runtime.ReadMemStats(&after)

	if assert.Len(t, rec.Output.Messages, 1) && assert.Len(t, rec.Output.Messages[0].Parts, 1) {
		assert.Equal(t, strings.Repeat("ab", chunks), rec.Output.Messages[0].Parts[0].Text)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(100*b.Len()), "allocated %d bytes for a %d-byte stream", allocated, b.Len())
}

// A call_llm span's output tokens include the thinking tokens of its usage_metadata: ADK 1.x
// writes candidates_token_count alone as gen_ai.usage.output_tokens (telemetry/tracing.py
// trace_call_llm, google-adk 1.18.0), ADK 2 candidates plus thoughts (_token_usage.py).
func TestGoogleADKThinkingTokens(t *testing.T) {
	const response = `{"content":{"role":"model","parts":[{"text":"hi"}]},"finish_reason":"STOP","usage_metadata":{"prompt_token_count":120,"candidates_token_count":8,"thoughts_token_count":12,"total_token_count":140}}`
	for _, tc := range []struct {
		name       string
		genAI      int64 // gen_ai.usage.output_tokens; 0: absent
		wantOutput int64
	}{
		{"ADK 1.x: candidates only", 8, 20},
		{"ADK 2: candidates and thoughts", 20, 20},
		{"no GenAI usage", 0, 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			span := ptrace.NewSpan()
			span.SetName("call_llm")
			span.Attributes().PutStr("gcp.vertex.agent.llm_response", response)
			if tc.genAI > 0 {
				span.Attributes().PutInt("gen_ai.usage.input_tokens", 120)
				span.Attributes().PutInt("gen_ai.usage.output_tokens", tc.genAI)
			}
			var rec Record
			readGoogleADK(span, &rec)
			assert.Equal(t, Count{N: 120, Set: true}, rec.Usage.Input)
			assert.Equal(t, Count{N: tc.wantOutput, Set: true}, rec.Usage.Output)
		})
	}
}
