package dialect

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

func TestAppendChoiceMessages(t *testing.T) {
	tests := []struct {
		name, in string
		want     int // messages read; -1: not choices
	}{
		{"tool call", `[{"finish_reason":"tool_calls","index":0,"logprobs":null,"message":{"content":null,"role":"assistant","tool_calls":[{"id":"c1","function":{"arguments":"{}","name":"f"},"type":"function"}]}}]`, 1},
		{"two choices", `[{"index":0,"message":{"role":"assistant","content":"a"}},{"index":1,"message":{"role":"assistant","content":"b"}}]`, 2},
		{"GenAI messages", `[{"role":"assistant","parts":[{"type":"text","content":"hi"}],"finish_reason":"stop"}]`, -1},
		{"one not a choice", `[{"index":0,"message":{"content":"a"}},{"role":"assistant"}]`, -1},
		{"empty", `[]`, -1},
		{"not JSON", `[{`, -1},
		{"text", `hello`, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, ok := appendChoiceMessages(nil, pcommon.NewValueStr(tt.in))
			if got := len(msgs); !ok && got != 0 || ok && got != tt.want || !ok && tt.want != -1 {
				t.Fatalf("got %d messages, ok %v; want %d", got, ok, tt.want)
			}
		})
	}
	msgs, _ := appendChoiceMessages(nil, pcommon.NewValueStr(tests[0].in))
	if m := msgs[0]; m.Role != "assistant" || m.FinishReason != "tool_calls" || len(m.ToolCalls) != 1 || m.ToolCalls[0].ID != "c1" {
		t.Errorf("message = %+v", m)
	}
}
