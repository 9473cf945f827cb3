package dialect

import (
	"reflect"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
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
