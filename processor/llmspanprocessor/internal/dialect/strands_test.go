package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// TestStrandsToolMessages checks that tool results read from the latest conventions'
// tool_call_response parts, Bedrock content blocks, are simplified as strandsResult does, on
// both the streaming reader's parts (JSON text) and the general reader's (pdata values).
func TestStrandsToolMessages(t *testing.T) {
	tool := func(p Part) []any { return dump([]Message{{Role: "tool", ToolCallID: "t1", Parts: []Part{p}}}) }
	response := func(r string) string {
		return `[{"role":"user","parts":[{"type":"tool_call_response","id":"t1","response":` + r + `}]}]`
	}
	jsonValue := pcommon.NewValueMap()
	jsonValue.Map().PutInt("a", 1)
	image := pcommon.NewValueMap()
	image.Map().PutEmptyMap("image").PutStr("format", "png")
	tests := []struct {
		name, response string
		want           []any
	}{
		{"text block", `[{"text":"{\"sky\": \"sunny\"}"}]`, tool(Part{Text: `{"sky": "sunny"}`})},
		{"text blocks joined", `[{"text":"a"},{"text":"b"}]`, tool(Part{Text: "a\nb"})},
		{"single json block", `[{"json":{"a":1}}]`, tool(Part{Value: Some(jsonValue)})},
		{"other blocks kept", `[{"image":{"format":"png"}}]`, tool(Part{Value: Some(image)})},
		{"string kept", `"done"`, tool(Part{Text: "done"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := response(tt.response)
			fast, ok := appendGenAIMessagesJSON(nil, in, nil)
			require.True(t, ok)
			parsed, ok := anyjson.Parse(in)
			require.True(t, ok)
			general, ok := appendGenAIMessages(nil, parsed, nil)
			require.True(t, ok)
			strandsToolMessages(fast)
			strandsToolMessages(general)
			assert.Equal(t, tt.want, dump(fast), "streaming reader")
			assert.Equal(t, tt.want, dump(general), "general reader")
		})
	}
}

// An agent's answer is str(response), plain text: text holding a JSON list that is no list of
// content blocks stays that text.
func TestStrandsAnswerText(t *testing.T) {
	for _, answer := range []string{"[\"Paris\", \"London\"]\n", `[{"city":"Paris"}]`, "[]", "[]x", "Paris."} {
		span := ptrace.NewSpan()
		span.SetName("invoke_agent weather_agent")
		span.Attributes().PutStr("gen_ai.operation.name", "invoke_agent")
		ev := span.Events().AppendEmpty()
		ev.SetName("gen_ai.choice")
		ev.Attributes().PutStr("message", answer)
		ev.Attributes().PutStr("finish_reason", "end_turn")
		var rec Record
		readStrands(span, &rec)
		if assert.Len(t, rec.Output.Messages, 1, answer) {
			assert.Equal(t, []Part{{Text: answer}}, rec.Output.Messages[0].Parts, answer)
		}
	}
	// Content blocks are read as ever.
	var rec Record
	span := ptrace.NewSpan()
	ev := span.Events().AppendEmpty()
	ev.SetName("gen_ai.choice")
	ev.Attributes().PutStr("message", `[{"text":"Sunny."},{"reasoningContent":{"reasoningText":{"text":"hm"}}}]`)
	readStrands(span, &rec)
	if assert.Len(t, rec.Output.Messages, 1) && assert.Len(t, rec.Output.Messages[0].Parts, 2) {
		assert.Equal(t, "Sunny.", rec.Output.Messages[0].Parts[0].Text)
	}
}
