package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// langfuse reads the attributes of Langfuse's SDKs (langfuse/langfuse
// packages/shared/src/server/otel/attributes.ts): langfuse.observation.{type,input,output,
// model.name,usage_details,cost_details}, langfuse.trace.{input,output}, langfuse.session.id
// and langfuse.user.id (the Python SDK 3.x and later writes session.id and user.id, which
// the writer keeps as they are). They are the explicit choice of whoever set them and
// outrank the GenAI keys a span may also carry. usage_details holds Langfuse's buckets, where
// cached input is apart from input, or, from Langfuse's OpenAI wrapper, OpenAI's usage object.
//
// Only Langfuse's own observations are its: its SDKs' propagate_attributes copies the
// trace-level keys (langfuse.trace.{name,tags,metadata.*}, langfuse.version,
// langfuse.environment, langfuse.experiment.*, and a prompt's langfuse.observation.prompt.*)
// onto every span of the trace, OpenInference and OpenLLMetry ones too, which their own
// dialects read.
var langfuse = Dialect{
	Name:   "langfuse",
	Scopes: []string{"langfuse-sdk"},
	IdentifyingKeys: []string{
		langfuseObsType, langfuseObsInput, langfuseObsOutput, langfuseObsModel, langfuseObsUsage,
		langfuseObsCost, langfuseTraceInput, langfuseTraceOutput,
	},
	Read: readLangfuse,
}

const (
	langfuseObsType     = "langfuse.observation.type"
	langfuseObsInput    = "langfuse.observation.input"
	langfuseObsOutput   = "langfuse.observation.output"
	langfuseObsModel    = "langfuse.observation.model.name"
	langfuseObsUsage    = "langfuse.observation.usage_details"
	langfuseObsCost     = "langfuse.observation.cost_details"
	langfuseTraceInput  = "langfuse.trace.input"
	langfuseTraceOutput = "langfuse.trace.output"
	langfuseSessionID   = "langfuse.session.id"
	langfuseUserID      = "langfuse.user.id"
)

var langfuseKeys = withKeys(genAIKeys, Keys{
	langfuseObsModel:         {FieldModel, 0},
	"gen_ai.response.model":  {FieldModel, 1},
	"gen_ai.request.model":   {FieldModel, 2},
	langfuseSessionID:        {FieldSessionID, 0},
	"gen_ai.conversation.id": {FieldSessionID, 1},
	langfuseUserID:           {FieldUserID, 0},
})

// langfuseTypes maps langfuse.observation.type; "span" and "event" say nothing and leave the
// GenAI type, if any.
var langfuseTypes = map[string]string{
	"generation": mlflow.SpanTypeLLM,
	"embedding":  mlflow.SpanTypeEmbedding,
	"agent":      mlflow.SpanTypeAgent,
	"tool":       mlflow.SpanTypeTool,
	"chain":      mlflow.SpanTypeChain,
	"retriever":  mlflow.SpanTypeRetriever,
	"evaluator":  mlflow.SpanTypeEvaluator,
	"guardrail":  mlflow.SpanTypeGuardrail,
}

type langfuseSpan struct {
	typ                                                 string
	input, output, traceInput, traceOutput, usage, cost Any
}

func (s *langfuseSpan) put(k string, v pcommon.Value) {
	switch k {
	case langfuseObsType:
		s.typ = scalarString(v)
	case langfuseObsInput:
		s.input = Some(v)
	case langfuseObsOutput:
		s.output = Some(v)
	case langfuseTraceInput:
		s.traceInput = Some(v)
	case langfuseTraceOutput:
		s.traceOutput = Some(v)
	case langfuseObsUsage:
		s.usage = Some(v)
	case langfuseObsCost:
		s.cost = Some(v)
	}
}

func readLangfuse(span ptrace.Span, rec *Record) {
	var (
		f Fields
		s langfuseSpan
	)
	readGenAIWith(span, rec, &f, langfuseKeys, s.put)
	if t, ok := langfuseTypes[s.typ]; ok {
		rec.SpanType = t
	} else if rec.SpanType == "" && s.typ != "" {
		rec.SpanType = mlflow.SpanTypeUnknown
	}
	if in := firstSet(s.input, s.traceInput); in.Set {
		rec.Input = langfuseInput(rec, in.Value)
	}
	if out := firstSet(s.output, s.traceOutput); out.Set {
		rec.Output = langfuseOutput(rec.Output.Messages[:0], out.Value, &rec.arena)
	}
	if s.usage.Set {
		langfuseUsage(&rec.Usage, s.usage.Value)
	}
	if s.cost.Set {
		langfuseCost(&rec.Cost, s.cost.Value)
	}
}

// langfuseInput reads an observation input: chat messages, {messages, tools} (as LiteLLM
// writes it), or any other value, passed on.
func langfuseInput(rec *Record, v pcommon.Value) Payload {
	buf := rec.Input.Messages[:0]
	if msgs, ok := appendOpenAIMessages(buf, v, &rec.arena); ok {
		return Payload{Messages: msgs}
	}
	if v.Type() == pcommon.ValueTypeStr {
		if msgs, tools, ok := langfuseRequestJSON(v.Str(), buf, rec.Tools, len(rec.Tools) == 0, &rec.arena); ok {
			if len(msgs) == 0 {
				return Payload{Messages: buf, Value: Some(langfuseArguments(v))}
			}
			rec.Tools = tools
			return Payload{Messages: msgs}
		}
	}
	return langfuseRequestGeneral(rec, buf, v)
}

// langfuseRequestGeneral reads a {messages, tools} input on parsed values, else passes the
// value on.
func langfuseRequestGeneral(rec *Record, buf []Message, v pcommon.Value) Payload {
	if p := anyjson.Value(v); p.Type() == pcommon.ValueTypeMap {
		if m, ok := p.Map().Get("messages"); ok {
			if msgs, ok := appendOpenAIMessages(buf, m, &rec.arena); ok {
				if tools, ok := p.Map().Get("tools"); ok && len(rec.Tools) == 0 {
					rec.Tools = appendToolDefinitions(rec.Tools, tools)
				}
				return Payload{Messages: msgs}
			}
		}
	}
	return Payload{Messages: buf, Value: Some(v)}
}

// langfuseArguments unwraps the input the Python SDK's @observe records for a function call,
// {"args": [...], "kwargs": {...}}, when one side is empty: the keyword arguments alone, as
// MLflow's own tracing records a call's inputs, or the only positional argument. Any other
// value, and a call with both kinds of arguments, is returned as it is.
func langfuseArguments(v pcommon.Value) pcommon.Value {
	if !strings.HasPrefix(v.Str(), `{"args": `) {
		return v // json.dumps of the SDK's dict writes exactly this first
	}
	p := anyjson.Value(v)
	if p.Type() != pcommon.ValueTypeMap || p.Map().Len() != 2 {
		return v
	}
	args, okArgs := p.Map().Get("args")
	kwargs, okKwargs := p.Map().Get("kwargs")
	switch {
	case !okArgs || !okKwargs || args.Type() != pcommon.ValueTypeSlice || kwargs.Type() != pcommon.ValueTypeMap:
		return v
	case args.Slice().Len() == 0:
		return kwargs
	case args.Slice().Len() == 1 && kwargs.Map().Len() == 0:
		return args.Slice().At(0)
	}
	return v
}

// langfuseRequestKeys are the members of a {messages, tools} input that langfuseInput reads.
var langfuseRequestKeys = [...]string{"messages", "tools"}

// langfuseRequestJSON reads a {messages, tools} input held as JSON text as langfuseInput does:
// msgs is empty when the input holds no OpenAI messages; tools, when withTools, has the tool
// definitions appended. ok is false for anything it does not read the same way. The messages'
// parts and tool calls are kept in a (when not nil).
func langfuseRequestJSON(s string, buf []Message, tools []Tool, withTools bool, a *arena) (msgs []Message, _ []Tool, ok bool) {
	sc := anyjson.NewScanner(s)
	if !sc.Consume('{') {
		return nil, tools, false
	}
	var messages, defs jsonField
	if !readFields(&sc, 1, false, langfuseRequestKeys[:], &messages, &defs) || !sc.End() {
		return nil, tools, false
	}
	if !messages.set {
		return nil, tools, true
	}
	fast := func(msgs []Message, s string) ([]Message, bool) { return appendOpenAIMessagesJSON(msgs, s, a) }
	msgs, isList, ok := appendMessagesMember(buf, messages.raw, fast, appendOpenAIMessagesGeneral)
	switch {
	case !ok:
		return nil, tools, false
	case !isList:
		return nil, tools, true // not messages
	}
	if withTools && defs.set {
		if tools, ok = appendToolDefinitionsRaw(tools, defs.raw); !ok {
			return nil, tools, false
		}
	}
	return msgs, tools, true
}

// langfuseOutput reads an observation output: one chat message, a list of them, or any other
// value, passed on. Messages are appended to buf, their parts and tool calls kept in a.
func langfuseOutput(buf []Message, v pcommon.Value, a *arena) Payload {
	if msgs, ok := appendOpenAIMessages(buf, v, a); ok {
		return Payload{Messages: msgs}
	}
	if msg, ok := openAIMessageJSONValue(v, ""); ok {
		if msg.Role == "" {
			return Payload{Messages: buf, Value: Some(v)}
		}
		return Payload{Messages: append(buf, msg)}
	}
	if p := anyjson.Value(v); p.Type() == pcommon.ValueTypeMap && str(p.Map(), "role") != "" {
		return Payload{Messages: append(buf, openAIMessage(p.Map(), ""))}
	}
	return Payload{Messages: buf, Value: Some(v)}
}

// langfuseUsage reads usage_details, replacing the GenAI usage. Langfuse's buckets are apart
// from each other: its LangChain handler subtracts each token detail (input_cache_read,
// input_audio, output_reasoning, ...) from the input or output it details. Output gets its
// output_* buckets back; input its input_* buckets and Anthropic's cache counts, unless the
// details' own total shows the input already held them.
func langfuseUsage(u *Usage, v pcommon.Value) {
	d := anyjson.Value(v)
	if d.Type() != pcommon.ValueTypeMap {
		return
	}
	var (
		read                    Usage
		inputParts, outputParts int64
		inclusive               bool // the cache read came from OpenAI's details, which input includes
	)
	for k, c := range d.Map().All() {
		switch k {
		case "input", "input_tokens", "prompt_tokens":
			read.Input = countOf(c)
		case "output", "output_tokens", "completion_tokens":
			read.Output = countOf(c)
		case "total", "total_tokens":
			read.Total = countOf(c)
		case "cache_read_input_tokens":
			read.CacheRead = countOf(c)
			inputParts += read.CacheRead.N
		case "cache_creation_input_tokens":
			read.CacheCreation = countOf(c)
			inputParts += read.CacheCreation.N
		case "prompt_tokens_details", "input_tokens_details": // OpenAI's, via langfuse.openai
			if c.Type() == pcommon.ValueTypeMap {
				if n, ok := c.Map().Get("cached_tokens"); ok {
					read.CacheRead, inclusive = countOf(n), true
				}
			}
		default:
			n := countOf(c)
			switch {
			case !n.Set || strings.Contains(k, "priority"): // a service tier, not subtracted
			case strings.HasPrefix(k, "input_"):
				inputParts += n.N
				switch k {
				case "input_cached_tokens", "input_cache_read":
					read.CacheRead = n
				case "input_cache_creation":
					read.CacheCreation = n
				}
			case strings.HasPrefix(k, "output_"):
				outputParts += n.N
			}
		}
	}
	if !read.Input.Set && !read.Output.Set {
		return
	}
	if read.Output.Set {
		read.Output.N += outputParts
	}
	if read.Input.Set && !inclusive && !(read.Total.Set && read.Total.N == read.Input.N+read.Output.N) {
		read.Input.N += inputParts
	}
	*u = read
}

// langfuseCost reads cost_details, USD per usage bucket ({"input", "output", "total"} and any
// other bucket, as usage_details names them). As Langfuse does, a missing total is the sum of
// the buckets; output-side buckets (output_*, completion_*, *reasoning*) count as output,
// every other one as input.
func langfuseCost(c *Cost, v pcommon.Value) {
	d := anyjson.Value(v)
	if d.Type() != pcommon.ValueTypeMap {
		return
	}
	var (
		read     Cost
		hasTotal bool
	)
	for k, x := range d.Map().All() {
		usd := costUSD(Some(x))
		if usd <= 0 {
			continue
		}
		switch {
		case k == "total":
			read.Total, hasTotal = usd, true
		case strings.HasPrefix(k, "output") || strings.HasPrefix(k, "completion") || strings.Contains(k, "reasoning"):
			read.Output += usd
		default:
			read.Input += usd
		}
		read.Set = true
	}
	if !read.Set {
		return
	}
	if !hasTotal {
		read.Total = read.Input + read.Output
	}
	*c = read
}
