package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// Retrieval in the shapes MLflow's retriever spans have, which its UI renders as documents:
// the input {"query": ..., "documents": [...]}, documents as mlflow.entities.Document,
// [{page_content, metadata, id}].

// retrieverInput returns {query, documents} with the members that are set, or nothing.
func retrieverInput(query, documents Any) Any {
	if !query.Set && !documents.Set {
		return Any{}
	}
	v := pcommon.NewValueMap()
	if query.Set {
		query.CopyTo(v.Map().PutEmpty("query"))
	}
	if documents.Set {
		documents.MoveTo(v.Map().PutEmpty("documents"))
	}
	return Some(v)
}

// appendDocument appends an MLflow document to docs and returns its metadata, to be filled.
func appendDocument(docs pcommon.Slice, content, id string) pcommon.Map {
	doc := docs.AppendEmpty().SetEmptyMap()
	doc.PutStr("page_content", content)
	meta := doc.PutEmptyMap("metadata")
	if id != "" {
		doc.PutStr("id", id)
	}
	return meta
}

// fillGenAIRetrieval gives a span the GenAI retrieval keys' query as input and documents as
// output, where it has no messages. A memory operation's records ({content, id, score,
// metadata}, the documents' shape) are the output of a search and the input of the operations
// that write or delete them.
func fillGenAIRetrieval(rec *Record, f *Fields) {
	rec.Input.fill(retrieverInput(f.Any(FieldRetrievalQuery), Any{}), false)
	if docs, ok := f.Get(FieldRetrievalDocuments); ok {
		rec.Output.fill(genAIDocuments(docs), false)
	}
	if records, ok := f.Get(FieldMemoryRecords); ok {
		side := &rec.Output
		if memoryChanges[lower(strings.TrimSpace(f.Str(FieldOperation)))] {
			side = &rec.Input
		}
		side.fill(genAIDocuments(records), false)
	}
}

// memoryChanges are the GenAI memory operations whose records are what they write or delete.
var memoryChanges = map[string]bool{"create_memory": true, "update_memory": true, "upsert_memory": true, "delete_memory": true}

// genAIDocuments reads gen_ai.retrieval.documents, [{id, score, ...}] with any other members
// (gen-ai-retrieval-documents.json), as MLflow documents: a string "content" is the page content,
// the members of a "metadata" object and every other member go to the metadata. A value of
// another shape is passed on as it is.
func genAIDocuments(v pcommon.Value) Any {
	list, ok := mapList(v)
	if !ok {
		return Some(v)
	}
	out := pcommon.NewValueSlice()
	out.Slice().EnsureCapacity(list.Len())
	for _, item := range list.All() {
		doc := item.Map()
		text, isText := "", false
		if c, ok := doc.Get("content"); ok && c.Type() == pcommon.ValueTypeStr {
			text, isText = c.Str(), true
		}
		meta := appendDocument(out.Slice(), text, str(doc, "id"))
		for k, m := range doc.All() {
			if k == "id" || k == "content" && isText {
				continue
			}
			if k == "metadata" {
				if mv := anyjson.Value(m); mv.Type() == pcommon.ValueTypeMap {
					for mk, v := range mv.Map().All() {
						v.CopyTo(meta.PutEmpty(mk))
					}
					continue
				}
			}
			m.CopyTo(meta.PutEmpty(k))
		}
	}
	return Some(out)
}
