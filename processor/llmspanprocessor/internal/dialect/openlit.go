package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// openLIT reads OpenLIT (tracers "openlit.instrumentation.<library>"): GenAI keys with
// operation names of its own, the total as gen_ai.client.token.usage, and the call's cost as
// gen_ai.usage.cost. Older versions put content in gen_ai.content.prompt/completion events.
// Recorded from openlit 1.45.0; its input counts include cached tokens.
var openLIT = Dialect{
	Name:          "openlit",
	ScopePrefixes: []string{"openlit."},
	// Its Anthropic and Bedrock instrumentations pass those APIs' counts on as they are (1.45:
	// "Anthropic's API reports input_tokens exclusive of cache read / creation"); its others,
	// over the same models (LangChain, the Claude Agent SDK), report inclusive ones.
	CacheExclusiveScopes: []string{"openlit.instrumentation.anthropic", "openlit.instrumentation.bedrock"},
	Namespaces:           []string{"openlit"},
	Read:                 readOpenLIT,
}

var openLITKeys = withKeys(genAIKeys, Keys{
	"gen_ai.client.token.usage": {FieldTotalTokens, 1},
})

// openLITOperations maps OpenLIT operation names that GenAI does not define.
var openLITOperations = map[string]string{
	"embedding":              mlflow.SpanTypeEmbedding, // before 1.3x
	"vectordb":               mlflow.SpanTypeRetriever,
	"framework":              mlflow.SpanTypeChain, // before 1.36
	"agent":                  mlflow.SpanTypeAgent,
	"task":                   mlflow.SpanTypeTask,
	"execute_task":           mlflow.SpanTypeTask,
	"execution":              mlflow.SpanTypeChain,
	"model_request":          mlflow.SpanTypeLLM,
	"user_prompt_processing": mlflow.SpanTypeChain,
	"tool_coordination":      mlflow.SpanTypeChain,
	"image":                  mlflow.SpanTypeLLM,
	"audio":                  mlflow.SpanTypeLLM,
	"memory":                 mlflow.SpanTypeMemory, // mem0's and Agno's memory operations
	// 1.36 to 1.39; later releases write invoke_workflow and retrieval instead.
	"workflow":        mlflow.SpanTypeChain,
	"team":            mlflow.SpanTypeChain,
	"graph_execution": mlflow.SpanTypeChain,
	"retrieve":        mlflow.SpanTypeRetriever,
}

func readOpenLIT(span ptrace.Span, rec *Record) {
	var (
		f    Fields
		cost Any
	)
	readGenAIWith(span, rec, &f, openLITKeys, func(k string, v pcommon.Value) {
		if k == "gen_ai.usage.cost" {
			cost = Some(v)
		}
	})
	if t, ok := openLITOperations[lower(f.Str(FieldOperation))]; ok {
		rec.SpanType = t
	}
	if len(rec.Input.Messages) == 0 && !rec.Input.Value.Set || len(rec.Output.Messages) == 0 && !rec.Output.Value.Set {
		prompt, completion := legacyContentEvents(span)
		if len(rec.Input.Messages) == 0 && !rec.Input.Value.Set && prompt.Set {
			rec.Input = openAIPayload(rec.Input.Messages, prompt.Value, &rec.arena)
		}
		if len(rec.Output.Messages) == 0 && !rec.Output.Value.Set && completion.Set {
			rec.Output = openAIPayload(rec.Output.Messages, completion.Value, &rec.arena)
		}
	}
	// OpenLIT writes 0 when it has no price for the model: only a positive cost is a price.
	if usd := costUSD(cost); usd > 0 {
		rec.Cost = Cost{Total: usd, Set: true}
	}
}

// costUSD reads a cost written as a double or, when it is whole, an int; 0 otherwise.
func costUSD(v Any) float64 {
	switch {
	case !v.Set:
		return 0
	case v.Type() == pcommon.ValueTypeDouble:
		return v.Double()
	case v.Type() == pcommon.ValueTypeInt:
		return float64(v.Int())
	}
	return 0
}
