package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
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

func TestGenAIRetrieval(t *testing.T) {
	rec := readSpan(t, readGenAI, map[string]any{
		"gen_ai.operation.name":       "retrieval",
		"gen_ai.retrieval.query.text": "weather in Paris",
		"gen_ai.retrieval.documents": `[{"id":"doc_1","score":0.95,"content":"Paris is sunny.","metadata":{"source":"wiki"}},` +
			`{"id":"doc_2","score":0.8,"title":"Lyon"}]`,
	})
	assert.Equal(t, mlflow.SpanTypeRetriever, rec.SpanType)
	assert.Equal(t, map[string]any{"query": "weather in Paris"}, rec.Input.Value.AsRaw())
	assert.Equal(t, []any{
		map[string]any{"page_content": "Paris is sunny.", "metadata": map[string]any{"score": 0.95, "source": "wiki"}, "id": "doc_1"},
		map[string]any{"page_content": "", "metadata": map[string]any{"score": 0.8, "title": "Lyon"}, "id": "doc_2"},
	}, rec.Output.Value.AsRaw())

	rec = readSpan(t, readGenAI, map[string]any{"gen_ai.retrieval.documents": "not documents"})
	assert.Equal(t, "not documents", rec.Output.Value.AsRaw(), "another shape is passed on")
}

func TestGenAIEmbeddingSingular(t *testing.T) {
	rec := readSpan(t, readGenAI, map[string]any{ // a Spring AI embedding span, which has no spring.ai.* key
		"gen_ai.operation.name": "embedding",
		"gen_ai.system":         "openai",
		"gen_ai.request.model":  "text-embedding-3-small",
	})
	assert.Equal(t, mlflow.SpanTypeEmbedding, rec.SpanType)
}

func TestGenAIMemoryOperations(t *testing.T) {
	for _, op := range []string{"search_memory", "create_memory", "update_memory", "upsert_memory",
		"delete_memory", "create_memory_store", "delete_memory_store"} {
		rec := readSpan(t, readGenAI, map[string]any{"gen_ai.operation.name": op})
		assert.Equal(t, mlflow.SpanTypeMemory, rec.SpanType, op)
	}

	records := `[{"id":"mem_1","score":0.9,"content":"Vegetarian.","metadata":{"scope":"user"}}]`
	doc := []any{map[string]any{"page_content": "Vegetarian.", "metadata": map[string]any{"score": 0.9, "scope": "user"}, "id": "mem_1"}}
	rec := readSpan(t, readGenAI, map[string]any{
		"gen_ai.operation.name":    "search_memory",
		"gen_ai.memory.query.text": "dietary restrictions",
		"gen_ai.memory.records":    records,
	})
	assert.Equal(t, map[string]any{"query": "dietary restrictions"}, rec.Input.Value.AsRaw(), "a search's query is its input")
	assert.Equal(t, doc, rec.Output.Value.AsRaw(), "the records a search finds are its output")

	rec = readSpan(t, readGenAI, map[string]any{"gen_ai.operation.name": "create_memory", "gen_ai.memory.records": records})
	assert.Equal(t, doc, rec.Input.Value.AsRaw(), "the records an operation writes are its input")
	assert.False(t, rec.Output.Value.Set)
}
