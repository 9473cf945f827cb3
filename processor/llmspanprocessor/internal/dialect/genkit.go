package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// genkit reads Firebase Genkit's traces (tracer "genkit-tracer"). Every span has genkit:type,
// genkit:name, and its input and output as JSON in genkit:input and genkit:output; an action's
// span (genkit:type "action") has genkit:metadata:subtype too. A model action's input is a
// GenerateRequest ({messages, config, tools}) and its output a GenerateResponse ({message,
// finishReason, usage}); its name is "<plugin>/<model>". The generate helper's span (type
// "util") has GenerateActionOptions ({model, messages, tools, config}) as input and the
// GenerateResponse as output. The keys hold no dot, so only the scope identifies the dialect.
var genkit = Dialect{
	Name:   "genkit",
	Scopes: []string{"genkit-tracer"},
	Read:   readGenkit,
}

// genkitSubtypes maps genkit:metadata:subtype to span types. "util" is the generate helper,
// which loops over model and tool calls, as an agent does; "agent" an agent of genkit/beta's
// defineAgent.
var genkitSubtypes = map[string]string{
	"agent":             mlflow.SpanTypeAgent,
	"executable-prompt": mlflow.SpanTypeChain,
	"model":             mlflow.SpanTypeChatModel,
	"background-model":  mlflow.SpanTypeChatModel,
	"embedder":          mlflow.SpanTypeEmbedding,
	"tool":              mlflow.SpanTypeTool,
	"tool.v2":           mlflow.SpanTypeTool,
	"retriever":         mlflow.SpanTypeRetriever,
	"reranker":          mlflow.SpanTypeReranker,
	"evaluator":         mlflow.SpanTypeEvaluator,
	"prompt":            mlflow.SpanTypeChain,
	"flow":              mlflow.SpanTypeChain,
	"util":              mlflow.SpanTypeAgent,
}

// genkitTypes gives the subtype of spans that have none by their genkit:type: "util" is
// ai.generate's span (one more for each turn after tool calls), "flowStep" a step ai.run
// runs in a flow, "dotprompt" a prompt's execution and "promptTemplate" its rendering.
var genkitTypes = map[string]string{
	"util":           "util",
	"flow":           "flow",
	"flowStep":       "flow",
	"dotprompt":      "prompt",
	"promptTemplate": "prompt",
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
		case "genkit:sessionId", "genkit:metadata:agent:sessionId":
			rec.SessionID = scalarString(v)
		}
	}
	if subtype == "" {
		subtype = genkitTypes[typ]
	}
	rec.SpanType = genkitSubtypes[subtype]
	if rec.SpanType == "" && typ == "" {
		return // not a Genkit span
	}
	rec.Input.Value, rec.Output.Value = input, output
	switch subtype {
	case "model", "background-model":
		rec.Provider, rec.Model = genkitModel(name)
		readGenkitRequest(rec, input, false)
		if resp := jsonMembers(output, genkitResponseKeys[:]...); resp.Len() > 0 {
			genkitResponse(rec, resp, true)
		}
	case "embedder":
		rec.Provider, rec.Model = genkitModel(name)
		readGenkitEmbedding(rec, input, output)
	case "agent":
		// Its input is streamed, not recorded; its output an AgentOutput, {sessionId, message,
		// finishReason, state}, whose usage the model spans count.
		if resp := jsonMembers(output, genkitResponseKeys[:]...); resp.Len() > 0 {
			genkitResponse(rec, resp, false)
		}
	case "util":
		// The model's spans below count the tokens: the response's usage is the last turn's.
		if model := readGenkitRequest(rec, input, true); model != "" {
			rec.Provider, rec.Model = genkitModel(model)
		}
		if resp := jsonMembers(output, genkitResponseKeys[:]...); resp.Len() > 0 {
			genkitResponse(rec, resp, false)
		}
	}
}

// genkitModel splits a model's action name, "<plugin>/<model>", into provider and model.
func genkitModel(name string) (provider, model string) {
	if provider, model, ok := strings.Cut(name, "/"); ok {
		return lower(provider), model
	}
	return "", name
}

// readGenkitEmbedding reads an embedder's EmbedRequest, {input: [Document], options}, as the
// documents' texts when they hold only text, and its EmbedResponse, {embeddings: [{embedding,
// metadata}]}, as the vectors; what it does not read stays as it is.
func readGenkitEmbedding(rec *Record, input, output Any) {
	if docs, ok := jsonMap(input).Get("input"); ok {
		if texts, ok := genkitDocumentTexts(docs); ok {
			rec.Input.Value = Some(texts)
		}
	}
	if output.Set && output.Type() == pcommon.ValueTypeStr {
		if vectors, ok := genkitVectorsJSON(output.Str()); ok {
			rec.Output.Value = Some(pcommon.NewValueStr(vectors)) // the writer writes JSON text as JSON
		}
	}
}

// genkitDocumentTexts returns the texts of documents, [{content: [{text}], metadata}], each of
// its text parts joined, as Genkit's Document.text does; ok is false for a document holding
// any other part.
func genkitDocumentTexts(v pcommon.Value) (pcommon.Value, bool) {
	docs, ok := mapList(v)
	if !ok {
		return pcommon.Value{}, false
	}
	texts := pcommon.NewValueSlice()
	for _, doc := range docs.All() {
		content, ok := doc.Map().Get("content")
		if !ok || content.Type() != pcommon.ValueTypeSlice {
			return pcommon.Value{}, false
		}
		var b strings.Builder
		for _, p := range content.Slice().All() {
			if p.Type() != pcommon.ValueTypeMap || p.Map().Len() != 1 {
				return pcommon.Value{}, false
			}
			text, ok := p.Map().Get("text")
			if !ok || text.Type() != pcommon.ValueTypeStr {
				return pcommon.Value{}, false
			}
			b.WriteString(text.Str())
		}
		texts.Slice().AppendEmpty().SetStr(b.String())
	}
	return texts, true
}

// readGenkitRequest reads a model action's GenerateRequest, {messages, config, tools}, or, when
// generate is true, the generate helper's GenerateActionOptions, whose tools are only names,
// and returns its model: with the streaming reader when it holds JSON text that reader reads,
// else parsed.
func readGenkitRequest(rec *Record, input Any, generate bool) (model string) {
	if input.Set && input.Type() == pcommon.ValueTypeStr {
		if r, ok := genkitRequestJSON(input.Str(), rec.Input.Messages, rec.Tools, generate); ok {
			if r.hasMessages {
				rec.Input = Payload{Messages: r.msgs}
			}
			rec.Tools = r.tools
			return r.model
		}
	}
	req := jsonMap(input)
	if req.Len() == 0 {
		return ""
	}
	if msgs, ok := req.Get("messages"); ok {
		if read, ok := appendGenkitMessages(rec.Input.Messages, msgs); ok {
			rec.Input = Payload{Messages: read}
		}
	}
	if generate {
		return str(req, "model")
	}
	if tools, ok := req.Get("tools"); ok {
		rec.Tools = appendToolDefinitions(rec.Tools, tools)
	}
	return ""
}

// genkitResponse reads a GenerateResponse: message and finishReason, or older candidates, and,
// when withUsage is true, usage.
// genkitResponseKeys are the members of a GenerateResponse that genkitResponse reads.
var genkitResponseKeys = [...]string{"message", "finishReason", "candidates", "usage"}

func genkitResponse(rec *Record, resp pcommon.Map, withUsage bool) {
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
	if !withUsage || !ok || usage.Type() != pcommon.ValueTypeMap {
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
	u.includeReasoning(thoughts)
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
