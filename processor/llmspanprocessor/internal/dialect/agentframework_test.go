package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestAgentFrameworkAgentSpan(t *testing.T) {
	const (
		user      = `[{"role": "user", "parts": [{"type": "text", "content": "Weather?"}]}]`
		call      = `{"role": "assistant", "parts": [{"type": "tool_call", "id": "c1", "name": "get_weather", "arguments": "{}"}]}`
		result    = `{"role": "tool", "parts": [{"type": "tool_call_response", "id": "c1", "response": "sunny"}]}`
		answer    = `{"role": "assistant", "parts": [{"type": "text", "content": "Sunny."}]}`
		roundTrip = "[" + call + ", " + result + ", " + answer + "]"
	)
	tests := []struct {
		name        string
		op, output  string
		inputRoles  []string
		outputRoles []string
		provider    string
	}{
		{"round trip: the answer is the output, the rest goes on the input",
			"invoke_agent", roundTrip, []string{"system", "user", "assistant", "tool"}, []string{"assistant"}, ""},
		{"answer only", "invoke_agent", "[" + answer + "]", []string{"system", "user"}, []string{"assistant"}, ""},
		{"no answer yet: left as written", "invoke_agent", "[" + call + ", " + result + "]", []string{"system", "user"}, []string{"assistant", "tool"}, ""},
		{"chat spans are not touched", "chat", roundTrip, []string{"system", "user"}, []string{"assistant", "tool", "assistant"}, "openai"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			span := ptrace.NewSpan()
			attrs := span.Attributes()
			attrs.PutStr("gen_ai.operation.name", tt.op)
			attrs.PutStr("gen_ai.system_instructions", `[{"type": "text", "content": "Be terse."}]`)
			attrs.PutStr("gen_ai.input.messages", user)
			attrs.PutStr("gen_ai.output.messages", tt.output)
			attrs.PutInt("gen_ai.usage.input_tokens", 48)
			if tt.op == "chat" {
				attrs.PutStr("gen_ai.provider.name", "openai")
			} else {
				attrs.PutStr("gen_ai.provider.name", agentFrameworkProvider)
			}
			var rec Record
			readAgentFramework(span, &rec)
			assert.Equal(t, tt.inputRoles, roles(rec.Input.Messages))
			assert.Equal(t, tt.outputRoles, roles(rec.Output.Messages))
			assert.Equal(t, tt.provider, rec.Provider)
			assert.Equal(t, tt.op == "chat", rec.Usage.Input.Set, "usage only on chat spans")
		})
	}
}

func roles(msgs []Message) []string {
	out := make([]string, len(msgs))
	for i := range msgs {
		out[i] = msgs[i].Role
	}
	return out
}
