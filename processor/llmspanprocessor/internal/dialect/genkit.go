package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// genkit reads Firebase Genkit's traces (tracer "genkit-tracer"). Every action span has
// genkit:type, genkit:name, genkit:metadata:subtype and its input and output as JSON in
// genkit:input and genkit:output. A model action's input is a GenerateRequest ({messages,
// config, tools}) and its output a GenerateResponse ({message, finishReason, usage}); its name
// is "<plugin>/<model>". The keys hold no dot, so only the scope identifies the dialect.
var genkit = Dialect{
	Name:   "genkit",
	Scopes: []string{"genkit-tracer"},
	Read:   readGenkit,
}

// genkitSubtypes maps genkit:metadata:subtype to span types. "util" is the generate helper
// that loops over model and tool calls, as an agent does.
var genkitSubtypes = map[string]string{
	"model":            mlflow.SpanTypeChatModel,
	"background-model": mlflow.SpanTypeChatModel,
	"embedder":         mlflow.SpanTypeEmbedding,
	"tool":             mlflow.SpanTypeTool,
	"tool.v2":          mlflow.SpanTypeTool,
	"retriever":        mlflow.SpanTypeRetriever,
	"reranker":         mlflow.SpanTypeReranker,
	"evaluator":        mlflow.SpanTypeEvaluator,
	"prompt":           mlflow.SpanTypeChain,
	"flow":             mlflow.SpanTypeChain,
	"util":             mlflow.SpanTypeAgent,
}

func readGenkit(span ptrace.Span, rec *Record) {
	var typ, name, subtype string
	var input, output Any
	for k, v := range span.Attributes().All() {
		switch k {
		case "genkit:type":
			typ = scalarString(v)
		case "genkit:name":
			name = scalarString(v)
		case "genkit:metadata:subtype":
			subtype = scalarString(v)
		case "genkit:input":
			input = Some(v)
		case "genkit:output":
			output = Some(v)
		case "genkit:sessionId":
			rec.SessionID = scalarString(v)
		}
	}
	if subtype == "" && (typ == "flow" || typ == "flowStep") {
		subtype = "flow"
	}
	rec.SpanType = genkitSubtypes[subtype]
	if rec.SpanType == "" && typ == "" {
		return // not a Genkit action span
	}
	rec.Input.Value, rec.Output.Value = input, output
	if subtype != "model" && subtype != "background-model" && subtype != "embedder" {
		return
	}
	if provider, model, ok := strings.Cut(name, "/"); ok {
		rec.Provider, rec.Model = lower(provider), model
	} else {
		rec.Model = name
	}
	if subtype == "embedder" {
		return
	}
	readGenkitRequest(rec, input)
	if resp := jsonMap(output); resp.Len() > 0 {
		genkitResponse(rec, resp)
	}
}

// readGenkitRequest reads a model action's GenerateRequest, {messages, config, tools}: with the
// streaming reader when it holds JSON text that reader reads, else parsed.
func readGenkitRequest(rec *Record, input Any) {
	if input.Set && input.Type() == pcommon.ValueTypeStr {
		if msgs, hasMessages, tools, ok := genkitRequestJSON(input.Str(), rec.Input.Messages, rec.Tools); ok {
			if hasMessages {
				rec.Input = Payload{Messages: msgs}
			}
			rec.Tools = tools
			return
		}
	}
	if req := jsonMap(input); req.Len() > 0 {
		if msgs, ok := req.Get("messages"); ok {
			if read, ok := appendGenkitMessages(rec.Input.Messages, msgs); ok {
				rec.Input = Payload{Messages: read}
			}
		}
		if tools, ok := req.Get("tools"); ok {
			rec.Tools = appendToolDefinitions(rec.Tools, tools)
		}
	}
}

// genkitResponse reads a GenerateResponse: message and finishReason, or older candidates, and
// usage.
func genkitResponse(rec *Record, resp pcommon.Map) {
	msg, reason := get(resp, "message"), str(resp, "finishReason")
	if c, ok := resp.Get("candidates"); !msg.Set && ok && c.Type() == pcommon.ValueTypeSlice && c.Slice().Len() > 0 && c.Slice().At(0).Type() == pcommon.ValueTypeMap {
		first := c.Slice().At(0).Map()
		msg, reason = get(first, "message"), str(first, "finishReason")
	}
	if msg.Set && msg.Type() == pcommon.ValueTypeMap {
		if read, ok := appendGenkitMessages(rec.Output.Messages[:0], sliceOf(msg.Value)); ok && len(read) > 0 {
			read[len(read)-1].FinishReason = genkitFinishReason(reason)
			rec.Output = Payload{Messages: read}
		}
	}
	usage, ok := resp.Get("usage")
	if !ok || usage.Type() != pcommon.ValueTypeMap {
		return
	}
	var thoughts Count
	u := &rec.Usage
	for k, v := range usage.Map().All() {
		switch k {
		case "inputTokens":
			u.Input = countOf(v)
		case "outputTokens":
			u.Output = countOf(v)
		case "totalTokens":
			u.Total = countOf(v)
		case "cachedContentTokens":
			u.CacheRead = countOf(v)
		case "thoughtsTokens":
			thoughts = countOf(v)
		}
	}
	// Gemini counts thinking apart from output, and in the total; MLflow's output includes it.
	if thoughts.N > 0 && u.Total.Set && u.Total.N == u.Input.N+u.Output.N+thoughts.N {
		u.Output.N += thoughts.N
	}
}

// genkitFinishReason maps Genkit's "blocked" to OpenAI's "content_filter".
func genkitFinishReason(r string) string {
	if r == "blocked" {
		return "content_filter"
	}
	return r
}

// sliceOf wraps one value in a list.
func sliceOf(v pcommon.Value) pcommon.Value {
	s := pcommon.NewValueSlice()
	v.CopyTo(s.Slice().AppendEmpty())
	return s
}

// appendGenkitMessages reads Genkit messages: {role: user|model|system|tool, content: [{text} |
// {toolRequest: {ref, name, input}} | {toolResponse: {ref, name, output}} | {media} | ...]}.
// Each tool response becomes a tool message.
func appendGenkitMessages(msgs []Message, v pcommon.Value) (_ []Message, ok bool) {
	if v.Type() == pcommon.ValueTypeStr {
		if out, ok := appendGenkitMessagesJSON(msgs, v.Str()); ok {
			return out, true
		}
	}
	return appendGenkitMessagesGeneral(msgs, v)
}

// appendGenkitMessagesGeneral is appendGenkitMessages on parsed values.
func appendGenkitMessagesGeneral(msgs []Message, v pcommon.Value) (_ []Message, ok bool) {
	list, ok := mapList(v)
	if !ok {
		return msgs, false
	}
	for _, item := range list.All() {
		m := item.Map()
		msg := Message{Role: geminiRole(str(m, "role"), "")}
		content, ok := m.Get("content")
		if !ok || content.Type() != pcommon.ValueTypeSlice {
			msg.Parts = contentParts(get(m, "content"))
			msgs = append(msgs, msg)
			continue
		}
		var responses int
		for _, p := range content.Slice().All() {
			if p.Type() != pcommon.ValueTypeMap {
				msg.Parts = append(msg.Parts, Part{Value: Some(p)})
				continue
			}
			pm := p.Map()
			if req, ok := pm.Get("toolRequest"); ok && req.Type() == pcommon.ValueTypeMap {
				msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: str(req.Map(), "ref"), Name: str(req.Map(), "name"), Arguments: get(req.Map(), "input")})
			} else if resp, ok := pm.Get("toolResponse"); ok && resp.Type() == pcommon.ValueTypeMap {
				responses++
				msgs = append(msgs, Message{Role: "tool", Name: str(resp.Map(), "name"), ToolCallID: str(resp.Map(), "ref"), Parts: resultParts(get(resp.Map(), "output"))})
			} else if text, ok := pm.Get("text"); ok && text.Type() == pcommon.ValueTypeStr {
				msg.Parts = append(msg.Parts, Part{Text: text.Str()})
			} else {
				msg.Parts = append(msg.Parts, Part{Value: Some(p)})
			}
		}
		if responses == 0 || len(msg.Parts) > 0 || len(msg.ToolCalls) > 0 {
			msgs = append(msgs, msg)
		}
	}
	return msgs, true
}
