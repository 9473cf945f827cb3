package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// laminar reads Laminar's SDKs (lmnr-ai/lmnr-ts, lmnr-python): lmnr.span.type,
// lmnr.span.input and lmnr.span.output on every span, session and user in
// lmnr.association.properties.*, and on LLM spans the flattened GenAI keys
// (gen_ai.prompt.N.*, gen_ai.completion.N.*) of the OpenLLMetry instrumentations it bundles,
// which are preferred to lmnr.span.input/output there. Laminar's own OpenAI instrumentation
// (lmnr 0.8) writes gen_ai.input.messages as the request's messages, which the GenAI reader
// reads, and gen_ai.output.messages as the response's choices, [{index, finish_reason,
// message}], which it does not: those are read here.
var laminar = Dialect{
	Name:       "laminar",
	Namespaces: []string{"lmnr"},
	Read:       readLaminar,
}

// laminarTypes follows MLflow's Laminar translator.
var laminarTypes = map[string]string{
	"LLM":             mlflow.SpanTypeLLM,
	"CACHED":          mlflow.SpanTypeLLM,
	"TOOL":            mlflow.SpanTypeTool,
	"DEFAULT":         mlflow.SpanTypeChain,
	"PIPELINE":        mlflow.SpanTypeChain,
	"EXECUTOR":        mlflow.SpanTypeAgent,
	"EVALUATOR":       mlflow.SpanTypeEvaluator,
	"HUMAN_EVALUATOR": mlflow.SpanTypeEvaluator,
	"EVALUATION":      mlflow.SpanTypeEvaluator,
}

var laminarKeys = withKeys(genAIKeys, Keys{
	"lmnr.association.properties.session_id": {FieldSessionID, 1},
	"lmnr.association.properties.user_id":    {FieldUserID, 1},
	"llm.usage.total_tokens":                 {FieldTotalTokens, 1},
})

type laminarSpan struct {
	typ           string
	input, output Any
}

func (s *laminarSpan) put(k string, v pcommon.Value) {
	switch k {
	case "lmnr.span.type":
		s.typ = scalarString(v)
	case "lmnr.span.input":
		s.input = Some(v)
	case "lmnr.span.output":
		s.output = Some(v)
	}
}

func readLaminar(span ptrace.Span, rec *Record) {
	var (
		f Fields
		s laminarSpan
	)
	readGenAIWith(span, rec, &f, laminarKeys, s.put)
	if out, ok := f.Get(FieldOutput); ok {
		if msgs, ok := appendChoiceMessages(rec.Output.Messages[:0], out); ok {
			rec.Output = Payload{Messages: msgs}
		}
	}
	if t, ok := laminarTypes[strings.ToUpper(s.typ)]; ok && !(t == mlflow.SpanTypeLLM && rec.SpanType == mlflow.SpanTypeChatModel) {
		rec.SpanType = t
	}
	if s.input.Set && len(rec.Input.Messages) == 0 {
		rec.Input = openAIPayload(rec.Input.Messages, s.input.Value)
	}
	if s.output.Set && len(rec.Output.Messages) == 0 {
		rec.Output = openAIPayload(rec.Output.Messages, s.output.Value)
	}
}

// appendChoiceMessages reads a list of OpenAI chat choices, each {index, finish_reason,
// message}, as gen_ai.choice events hold one; ok is false for anything else.
func appendChoiceMessages(buf []Message, v pcommon.Value) (_ []Message, ok bool) {
	if v.Type() == pcommon.ValueTypeStr && !strings.HasPrefix(strings.TrimSpace(v.Str()), "[{") {
		return buf, false // not a list of objects: skip parsing it
	}
	l := anyjson.Value(v)
	if l.Type() != pcommon.ValueTypeSlice || l.Slice().Len() == 0 {
		return buf, false
	}
	for _, c := range l.Slice().All() {
		if c.Type() != pcommon.ValueTypeMap {
			return buf, false
		}
		if _, ok := c.Map().Get("message"); !ok {
			return buf, false
		}
	}
	for _, c := range l.Slice().All() {
		buf = append(buf, choiceMessage(c.Map()))
	}
	return buf, true
}
