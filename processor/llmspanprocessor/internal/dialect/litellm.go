package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// liteLLM reads LiteLLM's OpenTelemetry callback (BerriAI/litellm
// litellm/integrations/opentelemetry.py, tracer "litellm"): GenAI keys, with
// gen_ai.operation.name holding LiteLLM's call type (older versions; newer ones write "chat"
// for completion and the call type otherwise), and tool definitions flattened in
// llm.request.functions.N.{name,description,parameters}. The raw_gen_ai_request child span
// repeats the provider's raw request and response under llm.<provider>.*: it is left alone,
// so the call is not counted twice.
//
// LiteLLM's messages are OpenAI messages with their content moved into GenAI parts: an
// assistant message keeps its OpenAI tool_calls, a tool message its tool_call_id, beside the
// parts, where the GenAI reader does not look. A reply's own tool calls are not in
// gen_ai.output.messages at all, only flattened, without ids, in
// gen_ai.completion.N.function_call.{name,arguments}. Its cost is in gen_ai.cost.*, and its
// cache counts only in metadata.usage_object, the OpenAI usage object as Python's repr of a
// dict ({'prompt_tokens': 15, ..., 'prompt_tokens_details': {'cached_tokens': 2}}), where
// prompt_tokens includes the cache reads.
//
// LiteLLM's arize, arize_phoenix and langfuse_otel callbacks write OpenInference instead
// (litellm/integrations/arize/_utils.py), under the same tracer: those spans are read as
// openinference reads them.
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

// liteLLMProviders are LiteLLM provider prefixes ("openai/gpt-4o-mini") taken as the provider
// when gen_ai.system is empty, as LiteLLM leaves it on embedding calls. Only known ones: a
// model name may hold a "/" of its own ("meta-llama/Llama-3...").
var liteLLMProviders = map[string]bool{
	"openai": true, "azure": true, "azure_ai": true, "anthropic": true, "bedrock": true,
	"vertex_ai": true, "gemini": true, "mistral": true, "cohere": true, "groq": true,
	"ollama": true, "together_ai": true, "fireworks_ai": true, "deepseek": true, "xai": true,
	"openrouter": true, "huggingface": true, "watsonx": true, "databricks": true,
	"perplexity": true, "sagemaker": true, "nvidia_nim": true, "cerebras": true, "voyage": true,
}

// liteLLMProvider is the provider of a LiteLLM model name, "openai/gpt-4o-mini": its prefix,
// when it is a known one; "" otherwise.
func liteLLMProvider(model string) string {
	if p, _, ok := strings.Cut(model, "/"); ok && liteLLMProviders[lower(p)] {
		return lower(p)
	}
	return ""
}

const (
	liteLLMFunctions     = "llm.request.functions."
	liteLLMProviderModel = "litellm.provider.model"
	liteLLMInputCost     = "gen_ai.cost.input_cost"
	liteLLMOutputCost    = "gen_ai.cost.output_cost"
	liteLLMTotalCost     = "gen_ai.cost.total_cost"
	liteLLMFunctionCall  = ".function_call."
	liteLLMUsage         = "metadata.usage_object"
	// liteLLMOpenInferenceKind marks the spans of its OpenInference callbacks.
	liteLLMOpenInferenceKind = "openinference.span.kind"
)

func readLiteLLM(span ptrace.Span, rec *Record) {
	if span.Name() == "raw_gen_ai_request" {
		return
	}
	var (
		f                    Fields
		tools                indexedTools
		input, output, total Any // gen_ai.cost.*
		providerModel, usage string
		openInference        bool
	)
	readGenAIWith(span, rec, &f, genAIKeys, func(k string, v pcommon.Value) {
		if rest, ok := strings.CutPrefix(k, liteLLMFunctions); ok {
			tools.put(rest, v)
			return
		}
		switch k {
		case liteLLMInputCost:
			input = Some(v)
		case liteLLMOutputCost:
			output = Some(v)
		case liteLLMTotalCost:
			total = Some(v)
		case liteLLMProviderModel:
			providerModel = scalarString(v)
		case liteLLMUsage:
			usage = scalarString(v)
		case liteLLMOpenInferenceKind:
			openInference = true
		}
	})
	if openInference && !f.Has(FieldInput) && !f.Has(FieldOutput) {
		rec.Reset()
		readOpenInference(span, rec)
		return
	}
	if t, ok := liteLLMCallTypes[f.Str(FieldOperation)]; ok {
		rec.SpanType = t
	}
	if len(rec.Tools) == 0 {
		rec.Tools = tools.appendTo(rec.Tools)
	}
	if v, ok := f.Get(FieldInput); ok {
		liteLLMToolFields(rec.Input.Messages, v)
	}
	if v, ok := f.Get(FieldOutput); ok {
		liteLLMToolFields(rec.Output.Messages, v)
	}
	liteLLMReplyCalls(span.Attributes(), rec.Output.Messages)
	if !rec.Usage.CacheRead.Set {
		rec.Usage.CacheRead = pythonReprCount(usage, "cached_tokens")
	}
	if !rec.Usage.CacheCreation.Set {
		rec.Usage.CacheCreation = pythonReprCount(usage, "cache_creation_input_tokens")
	}
	if rec.Provider == "" {
		rec.Provider = liteLLMProvider(providerModel)
	}
	// LiteLLM prices calls from its own table; without a price its total is 0 or absent.
	c := Cost{Input: costUSD(input), Output: costUSD(output), Total: costUSD(total)}
	if c.Total == 0 {
		c.Total = c.Input + c.Output
	}
	if c.Total > 0 {
		c.Set = true
		rec.Cost = c
	}
}

// pythonReprCount reads the count under key in the Python repr of a dict of counts, such as
// LiteLLM's usage object: the digits after "'key': ". None, or no such key, is no count.
func pythonReprCount(repr, key string) Count {
	_, rest, ok := strings.Cut(repr, "'"+key+"': ")
	if !ok {
		return Count{}
	}
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	n, err := strconv.ParseInt(rest[:end], 10, 64)
	if err != nil {
		return Count{}
	}
	return Count{N: n, Set: true}
}

// liteLLMToolFields adds to msgs, read from the GenAI messages attribute v, the OpenAI
// tool_calls and tool_call_id that LiteLLM keeps beside each message's parts. Only lists that
// hold them are parsed again. The GenAI reader keeps LiteLLM's messages one for one (a system
// message may precede them, from gen_ai.system_instructions); a message whose role differs is
// left as it is.
func liteLLMToolFields(msgs []Message, v pcommon.Value) {
	if v.Type() != pcommon.ValueTypeStr || !strings.Contains(v.Str(), `"tool_call`) {
		return
	}
	list, ok := anyjson.Parse(v.Str())
	if !ok || list.Type() != pcommon.ValueTypeSlice {
		return
	}
	off := len(msgs) - list.Slice().Len()
	if off < 0 {
		return
	}
	for i, item := range list.Slice().All() {
		msg := &msgs[off+i]
		if item.Type() != pcommon.ValueTypeMap || msg.Role != str(item.Map(), "role") {
			continue
		}
		m := item.Map()
		if tc := get(m, "tool_calls"); tc.Set && len(msg.ToolCalls) == 0 {
			msg.ToolCalls = openAIToolCalls(tc.Value)
			if len(msg.ToolCalls) > 0 && emptyText(msg.Parts) {
				msg.Parts = msg.Parts[:0] // LiteLLM writes the null content as ""
			}
		}
		if msg.ToolCallID == "" {
			msg.ToolCallID = str(m, "tool_call_id")
		}
	}
}

// emptyText reports whether parts hold nothing but empty text.
func emptyText(parts []Part) bool {
	for _, p := range parts {
		if p.Text != "" || p.Value.Set {
			return false
		}
	}
	return true
}

// liteLLMReplyCalls gives the reply's tool calls, flattened as
// gen_ai.completion.N.function_call.{name,arguments} (N counts the calls), to the last output
// message, when no output message holds any.
func liteLLMReplyCalls(attrs pcommon.Map, out []Message) {
	if len(out) == 0 {
		return
	}
	for i := range out {
		if len(out[i].ToolCalls) > 0 {
			return
		}
	}
	msg := &out[len(out)-1]
	for i := 0; i < maxIndexed; i++ {
		prefix := genAICompletion + strconv.Itoa(i) + liteLLMFunctionCall
		name, ok := attrs.Get(prefix + "name")
		if !ok {
			break
		}
		call := ToolCall{Name: scalarString(name)}
		if args, ok := attrs.Get(prefix + "arguments"); ok {
			call.Arguments = Some(args)
		}
		msg.ToolCalls = append(msg.ToolCalls, call)
	}
	if len(msg.ToolCalls) > 0 && emptyText(msg.Parts) {
		msg.Parts = msg.Parts[:0]
	}
}
