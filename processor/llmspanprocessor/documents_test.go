package llmspanprocessor

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// Retrievers and rerankers are written in MLflow's retriever shapes: input {query, documents},
// output [{page_content, metadata, id}], from GenAI and OpenInference keys alike.
func TestRetrievalDocuments(t *testing.T) {
	tests := []struct {
		name                     string
		attrs                    map[string]any
		spanType, inputs, output string
	}{
		{
			name: "GenAI retrieval",
			attrs: map[string]any{
				"gen_ai.operation.name":       "retrieval",
				"gen_ai.retrieval.query.text": "weather in Paris",
				"gen_ai.retrieval.documents":  `[{"id":"doc_1","score":0.95,"content":"Paris is sunny."}]`,
			},
			spanType: `"RETRIEVER"`,
			inputs:   `{"query":"weather in Paris"}`,
			output:   `[{"page_content":"Paris is sunny.","metadata":{"score":0.95},"id":"doc_1"}]`,
		},
		{
			name: "OpenInference reranker",
			attrs: map[string]any{
				"openinference.span.kind":                      "RERANKER",
				"reranker.query":                               "weather in Paris",
				"reranker.input_documents.0.document.id":       "a",
				"reranker.input_documents.0.document.content":  "Paris is sunny.",
				"reranker.output_documents.0.document.id":      "a",
				"reranker.output_documents.0.document.content": "Paris is sunny.",
				"reranker.output_documents.0.document.score":   0.9,
			},
			spanType: `"RERANKER"`,
			inputs:   `{"query":"weather in Paris","documents":[{"page_content":"Paris is sunny.","metadata":{},"id":"a"}]}`,
			output:   `[{"page_content":"Paris is sunny.","metadata":{"score":0.9},"id":"a"}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := firstSpan(process(t, &Config{}, oneSpan("", tt.attrs))).Attributes()
			for key, want := range map[string]string{mlflow.AttrSpanType: tt.spanType, mlflow.AttrSpanInputs: tt.inputs, mlflow.AttrSpanOutputs: tt.output} {
				v, _ := got.Get(key)
				assert.JSONEq(t, want, v.AsString(), key)
			}

			// content: drop takes the query and the documents too.
			dropped := firstSpan(process(t, &Config{Content: "drop"}, oneSpan("", tt.attrs))).Attributes()
			for k := range tt.attrs {
				if k == "gen_ai.operation.name" || k == "openinference.span.kind" {
					continue
				}
				_, ok := dropped.Get(k)
				assert.False(t, ok, "%s is content", k)
			}
		})
	}
}
