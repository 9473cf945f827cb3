package mlflowattr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"
)

func TestWriteEncoding(t *testing.T) {
	tests := []struct {
		name string
		rec  dialect.Record
		key  string
		want string
	}{
		{"span type is a JSON string", dialect.Record{SpanType: "CHAT_MODEL"}, mlflow.AttrSpanType, `"CHAT_MODEL"`},
		{"model is a JSON string", dialect.Record{Model: "gpt-4o"}, mlflow.AttrLLMModel, `"gpt-4o"`},
		{"plain text output", dialect.Record{Output: dialect.Payload{Value: dialect.Some(pcommon.NewValueStr("hello"))}}, mlflow.AttrSpanOutputs, `"hello"`},
		{"JSON text output", dialect.Record{Output: dialect.Payload{Value: dialect.Some(pcommon.NewValueStr(` {"a": 1}`))}}, mlflow.AttrSpanOutputs, `{"a":1}`},
		{"invalid UTF-8", dialect.Record{Model: "m\xff"}, mlflow.AttrLLMModel, `"m\ufffd"`},
		{"session stays plain", dialect.Record{SessionID: "s-1"}, mlflow.AttrSessionID, `s-1`},
		{
			"usage with only input",
			dialect.Record{Usage: dialect.Usage{Input: dialect.Count{N: 5, Set: true}}},
			mlflow.AttrChatTokenUsage, `{"input_tokens":5,"output_tokens":0,"total_tokens":5}`,
		},
		{
			"tool message with a structured result",
			dialect.Record{Input: dialect.Payload{Messages: []dialect.Message{{Role: "tool", ToolCallID: "c1", Parts: []dialect.Part{{Value: dialect.Some(pcommon.NewValueInt(3))}}}}}},
			mlflow.AttrSpanInputs, `{"messages":[{"role":"tool","content":"3","tool_call_id":"c1"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			attrs := pcommon.NewMap()
			assert.True(t, NewWriter(0).Write(&tt.rec, attrs, MayExist(attrs)))
			v, ok := attrs.Get(tt.key)
			assert.True(t, ok)
			assert.Equal(t, tt.want, v.Str())
		})
	}
}

func TestWriteNeverOverwrites(t *testing.T) {
	attrs := pcommon.NewMap()
	attrs.PutStr(mlflow.AttrLLMModel, `"mine"`)
	attrs.PutStr(mlflow.AttrSessionID, "mine")
	rec := dialect.Record{Model: "theirs", SessionID: "theirs"}
	assert.False(t, NewWriter(0).Write(&rec, attrs, MayExist(attrs)))
	v, _ := attrs.Get(mlflow.AttrLLMModel)
	assert.Equal(t, `"mine"`, v.Str())
	v, _ = attrs.Get(mlflow.AttrSessionID)
	assert.Equal(t, "mine", v.Str())
}

func TestWriteMaxSize(t *testing.T) {
	attrs := pcommon.NewMap()
	rec := dialect.Record{SpanType: "LLM", Output: dialect.Payload{Value: dialect.Some(pcommon.NewValueStr("0123456789"))}}
	assert.True(t, NewWriter(8).Write(&rec, attrs, MayExist(attrs)))
	_, ok := attrs.Get(mlflow.AttrSpanOutputs)
	assert.False(t, ok, "longer than the cap: not written")
	_, ok = attrs.Get(mlflow.AttrSpanType)
	assert.True(t, ok)
}
