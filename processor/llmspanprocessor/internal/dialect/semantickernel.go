package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// semanticKernel reads Microsoft Semantic Kernel's model diagnostics: GenAI, plus the forms of
// its older releases: operations chat.completions and text.completions, usage in
// gen_ai.response.{prompt,completion}_tokens, and messages as OpenAI chat JSON in the
// gen_ai.content.prompt / gen_ai.content.completion events. Its gen_ai.choice events carry
// the message as JSON, which genai reads. The Python SDK names a tracer per module
// (semantic_kernel.functions.kernel_function, ...); it writes the chat messages of model calls
// as log records, not on the spans, so its chat spans carry no content.
var semanticKernel = Dialect{
	Name:          "semantic_kernel",
	Scopes:        []string{"Microsoft.SemanticKernel.Diagnostics", "Microsoft.SemanticKernel"},
	ScopePrefixes: []string{"semantic_kernel."},
	Read:          readSemanticKernel,
}

var semanticKernelKeys = withKeys(genAIKeys, Keys{
	"gen_ai.response.prompt_tokens":     {FieldInputTokens, 2},
	"gen_ai.response.completion_tokens": {FieldOutputTokens, 2},
})

var semanticKernelOps = map[string]string{
	"chat.completions": mlflow.SpanTypeChatModel,
	"text.completions": mlflow.SpanTypeLLM,
	"text_completions": mlflow.SpanTypeLLM, // Python's current name; GenAI says text_completion
}

// semanticKernelLoop is the Python SDK's span around automatic function calling: the model
// calls and tool calls of one request. It has no gen_ai.operation.name.
const semanticKernelLoop = "AutoFunctionInvocationLoop"

func readSemanticKernel(span ptrace.Span, rec *Record) {
	var f Fields
	readGenAIWith(span, rec, &f, semanticKernelKeys, nil)
	if t, ok := semanticKernelOps[f.Str(FieldOperation)]; ok {
		rec.SpanType = t
	}
	if rec.SpanType == "" && span.Name() == semanticKernelLoop {
		rec.SpanType = mlflow.SpanTypeChain
	}
	prompt, completion := legacyContentEvents(span)
	if prompt.Set && len(rec.Input.Messages) == 0 && !rec.Input.Value.Set {
		rec.Input = openAIPayload(rec.Input.Messages, prompt.Value)
	}
	if completion.Set && len(rec.Output.Messages) == 0 && !rec.Output.Value.Set {
		rec.Output = openAIPayload(rec.Output.Messages, completion.Value)
	}
}
