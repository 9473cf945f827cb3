package dialect

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func TestFillFinishReasons(t *testing.T) {
	array := func(reasons ...string) pcommon.Value {
		v := pcommon.NewValueSlice()
		for _, r := range reasons {
			v.Slice().AppendEmpty().SetStr(r)
		}
		return v
	}
	assistant := func(reason string) Message { return Message{Role: "assistant", FinishReason: reason} }
	tests := []struct {
		name    string
		msgs    []Message
		reasons pcommon.Value
		want    []string
	}{
		{"one per choice", []Message{assistant(""), assistant("")}, array("stop", "length"), []string{"stop", "length"}},
		{"the message's own wins", []Message{assistant("tool_call")}, array("tool_calls"), []string{"tool_call"}},
		{"JSON text, one for the run's last message", []Message{assistant(""), {Role: "tool"}, assistant("")},
			pcommon.NewValueStr(`["stop"]`), []string{"", "", "stop"}},
		{"counts that do not match", []Message{assistant(""), assistant(""), assistant("")}, array("stop", "stop"), []string{"", "", ""}},
		{"not a list", []Message{assistant("")}, pcommon.NewValueStr("stop"), []string{""}},
		{"only assistants", []Message{{Role: "tool"}}, array("stop"), []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fillFinishReasons(tt.msgs, tt.reasons)
			var got []string
			for _, m := range tt.msgs {
				got = append(got, m.FinishReason)
			}
			require.Equal(t, tt.want, got)
		})
	}
}
