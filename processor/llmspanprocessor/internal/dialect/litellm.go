package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// liteLLM reads LiteLLM's OpenTelemetry callback (BerriAI/litellm
// litellm/integrations/opentelemetry.py, tracer "litellm"): GenAI keys, with
// gen_ai.operation.name holding LiteLLM's call type, and tool definitions flattened in
// llm.request.functions.N.{name,description,parameters}. The raw_gen_ai_request child span
// repeats the provider's raw request and response under llm.<provider>.*: it is left alone,
// so the call is not counted twice.
var liteLLM = Dialect{
	Name:   "litellm",
	Scopes: []string{"litellm"},
	Read:   readLiteLLM,
}

// liteLLMCallTypes maps LiteLLM call types that GenAI does not name.
var liteLLMCallTypes = map[string]string{
	"completion":       mlflow.SpanTypeChatModel,
	"acompletion":      mlflow.SpanTypeChatModel,
	"text_completion":  mlflow.SpanTypeLLM,
	"atext_completion": mlflow.SpanTypeLLM,
	"responses":        mlflow.SpanTypeLLM,
	"aresponses":       mlflow.SpanTypeLLM,
	"embedding":        mlflow.SpanTypeEmbedding,
	"aembedding":       mlflow.SpanTypeEmbedding,
	"rerank":           mlflow.SpanTypeReranker,
	"arerank":          mlflow.SpanTypeReranker,
}

const liteLLMFunctions = "llm.request.functions."

func readLiteLLM(span ptrace.Span, rec *Record) {
	if span.Name() == "raw_gen_ai_request" {
		return
	}
	var (
		f     Fields
		tools indexedTools
	)
	readGenAIWith(span, rec, &f, genAIKeys, func(k string, v pcommon.Value) {
		if rest, ok := strings.CutPrefix(k, liteLLMFunctions); ok {
			tools.put(rest, v)
		}
	})
	if t, ok := liteLLMCallTypes[f.Str(FieldOperation)]; ok {
		rec.SpanType = t
	}
	if len(rec.Tools) == 0 {
		rec.Tools = tools.appendTo(rec.Tools)
	}
}
