package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// vercelAI reads the Vercel AI SDK's telemetry (ai-sdk.dev/docs/ai-sdk-core/telemetry): spans
// of scope "ai" named by ai.operationId. An outer call (ai.generateText, ai.streamText, ...)
// wraps one inner model call per step (ai.generateText.doGenerate, ...) and the tool calls
// between them; both levels carry usage, so only inner calls' usage is written. Model call
// spans also carry GenAI keys, which are read as in genai. AI SDK 7's recommended integration
// (@ai-sdk/otel OpenTelemetry) writes GenAI spans only, in scope "gen_ai" ("ai" is its
// LegacyOpenTelemetry's): they are read as GenAI too, but here, so that the usage of
// invoke_agent, which sums its model calls', is dropped as well.
var vercelAI = Dialect{
	Name:       "vercel_ai",
	Scopes:     []string{"ai", "gen_ai"},
	Namespaces: []string{"ai"},
	Read:       readVercelAI,
}

// vercelKeys adds the AI SDK's scalar keys to GenAI's, ranked below the GenAI names that
// model call spans also carry.
var vercelKeys = withKeys(genAIKeys, Keys{
	"ai.response.model":          {FieldModel, 0},
	"ai.model.id":                {FieldModel, 2},
	"ai.model.provider":          {FieldProvider, 2},
	"ai.usage.inputTokens":       {FieldInputTokens, 2},
	"ai.usage.promptTokens":      {FieldInputTokens, 3},
	"ai.usage.outputTokens":      {FieldOutputTokens, 2},
	"ai.usage.completionTokens":  {FieldOutputTokens, 3},
	"ai.usage.totalTokens":       {FieldTotalTokens, 2},
	"ai.usage.tokens":            {FieldTotalTokens, 3},
	"ai.usage.cachedInputTokens": {FieldCacheReadTokens, 2},
	// AI SDK 6's input details; cache writes are only here.
	"ai.usage.inputTokenDetails.cacheReadTokens":  {FieldCacheReadTokens, 1},
	"ai.usage.inputTokenDetails.cacheWriteTokens": {FieldCacheCreationTokens, 1},
	"ai.telemetry.metadata.sessionId":             {FieldSessionID, 0},
	"ai.telemetry.metadata.userId":                {FieldUserID, 0},
	// AI SDK 7 replaced telemetry metadata with the call's runtimeContext, which both
	// integrations write as ai.settings.context.* (OpenTelemetry with runtimeContext: true).
	"ai.settings.context.sessionId": {FieldSessionID, 1},
	"ai.settings.context.userId":    {FieldUserID, 1},
	"ai.toolCall.name":              {FieldToolName, 1},
	"ai.toolCall.args":              {FieldToolArguments, 1},
	"ai.toolCall.result":            {FieldToolResult, 1},
	"ai.prompt.tools":               {FieldToolDefinitions, 1},
})

// vercelOp is what an operation id says about a span.
type vercelOp struct {
	spanType  string
	aggregate bool // its usage sums its children's
}

var vercelOps = map[string]vercelOp{
	"ai.generateText":              {mlflow.SpanTypeAgent, true},
	"ai.streamText":                {mlflow.SpanTypeAgent, true},
	"ai.generateObject":            {mlflow.SpanTypeAgent, true},
	"ai.streamObject":              {mlflow.SpanTypeAgent, true},
	"ai.generateText.doGenerate":   {mlflow.SpanTypeChatModel, false},
	"ai.streamText.doStream":       {mlflow.SpanTypeChatModel, false},
	"ai.generateObject.doGenerate": {mlflow.SpanTypeChatModel, false},
	"ai.streamObject.doStream":     {mlflow.SpanTypeChatModel, false},
	"ai.embed":                     {mlflow.SpanTypeEmbedding, true},
	"ai.embedMany":                 {mlflow.SpanTypeEmbedding, true},
	"ai.embed.doEmbed":             {mlflow.SpanTypeEmbedding, false},
	"ai.embedMany.doEmbed":         {mlflow.SpanTypeEmbedding, false},
	"ai.toolCall":                  {mlflow.SpanTypeTool, false},
	// AI SDK 7 (@ai-sdk/otel) GenAI operations that GenAI itself does not name.
	"invoke_agent": {mlflow.SpanTypeAgent, true},
	"agent_step":   {mlflow.SpanTypeChain, true},
	"rerank":       {mlflow.SpanTypeReranker, false},
}

// vercelSpan holds the AI SDK's structured keys of one span.
type vercelSpan struct {
	operationID, operationName                    string
	prompt, promptMessages                        Any
	text, toolCalls, finishReason, object, values Any
	reasoning                                     string
	reasoningTokens                               Count
	providerMetadata                              Any
	inputDetails                                  bool // AI SDK 6's ai.usage.inputTokenDetails
}

func (s *vercelSpan) put(k string, v pcommon.Value) {
	switch k {
	case "ai.operationId":
		s.operationID = scalarString(v)
	case "operation.name":
		s.operationName = scalarString(v)
	case "ai.prompt":
		s.prompt = Some(v)
	case "ai.prompt.messages":
		s.promptMessages = Some(v)
	case "ai.response.text", "ai.result.text":
		if !s.text.Set || k == "ai.response.text" {
			s.text = Some(v)
		}
	case "ai.response.toolCalls", "ai.result.toolCalls":
		if !s.toolCalls.Set || k == "ai.response.toolCalls" {
			s.toolCalls = Some(v)
		}
	case "ai.response.reasoning":
		s.reasoning = scalarString(v)
	case "ai.response.finishReason", "ai.finishReason":
		s.finishReason = Some(v)
	case "ai.response.object", "ai.result.object", "ai.embedding", "ai.embeddings":
		s.object = Some(v)
	case "ai.value", "ai.values":
		s.values = Some(v)
	case "ai.usage.reasoningTokens":
		s.reasoningTokens = countOf(v)
	case "ai.usage.inputTokenDetails.noCacheTokens":
		s.inputDetails = true
	case "ai.response.providerMetadata":
		s.providerMetadata = Some(v)
	}
}

func readVercelAI(span ptrace.Span, rec *Record) {
	var (
		f Fields
		s vercelSpan
	)
	readGenAIWith(span, rec, &f, vercelKeys, s.put)

	id := s.operationID
	if id == "" { // "ai.generateText.doGenerate my-function"
		id, _, _ = strings.Cut(s.operationName, " ")
	}
	if id == "" {
		id = f.Str(FieldOperation)
	}
	op, known := vercelOps[id]
	if known {
		rec.SpanType = op.spanType
	}
	if op.aggregate {
		rec.Usage = Usage{}
		// AI SDK 7 writes every part of a run into the agent's one output message, tool
		// results too, which become tool messages: they are no answer, and their tool spans
		// hold them.
		rec.Output.Messages = dropToolMessages(rec.Output.Messages)
	} else if u := &rec.Usage; op.spanType == mlflow.SpanTypeEmbedding && !u.Input.Set && u.Total.Set {
		u.Input = u.Total // an embedding's ai.usage.tokens counts its input
	} else {
		// AI SDK 5 passes Gemini's output count on without the thinking tokens, which its
		// stream spans report apart and in the total.
		u.includeReasoning(s.reasoningTokens)
		// AI SDK 4 and 5 pass Anthropic's and Bedrock's input counts on, without the cache.
		if !s.inputDetails && f.rank[FieldProvider] > 0 {
			if m, ok := vercelCacheExclusive[rec.Provider]; ok {
				m.includeCache(u, s.providerMetadata)
			}
		}
	}
	// "openai.chat" names the provider and the API, in ai.model.provider and the gen_ai.system
	// of AI SDK 4 to 6; gen_ai.provider.name (rank 0, AI SDK 7) holds GenAI's names, whose dots
	// are their own ("aws.bedrock").
	if f.rank[FieldProvider] > 0 {
		rec.Provider, _, _ = strings.Cut(rec.Provider, ".")
	}

	if len(rec.Input.Messages) == 0 {
		switch {
		case s.promptMessages.Set:
			rec.Input = vercelPayload(rec.Input.Messages, s.promptMessages.Value)
		case s.prompt.Set:
			rec.Input = vercelPrompt(rec.Input.Messages, s.prompt.Value)
		case s.values.Set && !rec.Input.Value.Set:
			rec.Input.Value = vercelJSONItems(s.values)
		}
	}
	if len(rec.Output.Messages) == 0 && !rec.Output.Value.Set {
		switch {
		case s.text.Set || s.toolCalls.Set:
			rec.Output.Messages = append(rec.Output.Messages, vercelResponse(&s))
		case s.object.Set:
			rec.Output.Value = vercelJSONItems(s.object)
		}
	}
	if !known && rec.SpanType == "" {
		rec.SpanType = genAISpanType(&f, rec)
	}
}

// vercelCacheMeta says where an AI SDK 4 or 5 provider's ai.response.providerMetadata keeps the
// cache counts: in the object at the first of paths that holds one, as members read and write.
type vercelCacheMeta struct {
	paths       [][]string
	read, write string
}

// vercelCacheExclusive holds the providers (ai.model.provider) whose input count AI SDK 4 and 5
// pass on as the API reports it, without the cache: @ai-sdk/anthropic 1.x and 2.x
// (anthropic-messages-language-model.ts: inputTokens is usage.input_tokens, cache writes only in
// providerMetadata.anthropic.cacheCreationInputTokens, AI SDK 4's reads in cacheReadInputTokens)
// and @ai-sdk/amazon-bedrock (bedrock-chat-language-model.ts: Converse's inputTokens, writes in
// providerMetadata.bedrock.usage.cacheWriteInputTokens). AI SDK 5 writes the reads as
// ai.usage.cachedInputTokens. AI SDK 6 counts the cache in ai.usage.inputTokens and writes
// ai.usage.inputTokenDetails.* (convert-anthropic-messages-usage.ts), so spans with those are
// left as they are.
//
// The Vertex provider's Anthropic models report under "vertex" in the releases whose metadata
// key comes from the provider name (as third-party cost code reading AI SDK spans expects),
// under "anthropic" before.
var vercelCacheExclusive = map[string]vercelCacheMeta{
	"anthropic.messages":        {[][]string{{"anthropic"}}, "cacheReadInputTokens", "cacheCreationInputTokens"},
	"vertex.anthropic.messages": {[][]string{{"vertex"}, {"anthropic"}}, "cacheReadInputTokens", "cacheCreationInputTokens"},
	"amazon-bedrock":            {[][]string{{"bedrock", "usage"}}, "cacheReadInputTokens", "cacheWriteInputTokens"},
}

// includeCache fills the cache counts that ai.usage lacks from the provider metadata, then adds
// the cache to the input.
func (m vercelCacheMeta) includeCache(u *Usage, metadata Any) {
	if metadata.Set && (!u.CacheRead.Set || !u.CacheCreation.Set) {
		counts := m.counts(metadata)
		if v, ok := counts.Get(m.read); ok && !u.CacheRead.Set {
			u.CacheRead = countOf(v)
		}
		if v, ok := counts.Get(m.write); ok && !u.CacheCreation.Set {
			u.CacheCreation = countOf(v)
		}
	}
	u.IncludeCache()
}

// counts returns the object holding the cache counts in metadata, empty when none does.
func (m vercelCacheMeta) counts(metadata Any) pcommon.Map {
	tops := make([]string, len(m.paths))
	for i, p := range m.paths {
		tops[i] = p[0]
	}
	members := jsonMembers(metadata, tops...)
paths:
	for _, path := range m.paths {
		counts := members
		for _, k := range path {
			v, ok := counts.Get(k)
			if !ok || v.Type() != pcommon.ValueTypeMap {
				continue paths
			}
			counts = v.Map()
		}
		return counts
	}
	return pcommon.NewMap()
}

// vercelPayload reads AI SDK messages, or passes v on when it holds something else.
func vercelPayload(buf []Message, v pcommon.Value) Payload {
	if msgs, ok := appendVercelMessages(buf, v); ok {
		return Payload{Messages: msgs}
	}
	return Payload{Messages: buf, Value: Some(v)}
}

// vercelPrompt reads an outer call's ai.prompt: {system?, prompt?, messages?}, where prompt is
// text or messages.
func vercelPrompt(buf []Message, v pcommon.Value) Payload {
	p := anyjson.Value(v)
	if p.Type() != pcommon.ValueTypeMap {
		return Payload{Messages: buf, Value: Some(v)}
	}
	msgs := buf
	if sys, ok := p.Map().Get("system"); ok {
		msgs = appendVercelSystem(msgs, sys)
	}
	for _, k := range [...]string{"prompt", "messages"} {
		item, ok := p.Map().Get(k)
		if !ok {
			continue
		}
		if item.Type() == pcommon.ValueTypeStr {
			msgs = append(msgs, Message{Role: "user", Parts: []Part{{Text: item.Str()}}})
		} else if read, ok := appendVercelMessages(msgs, item); ok {
			msgs = read
		}
	}
	if len(msgs) == len(buf) {
		return Payload{Messages: buf, Value: Some(v)}
	}
	return Payload{Messages: msgs}
}

// appendVercelSystem appends the system prompt of ai.prompt, which the AI SDK's Prompt.system
// types string | SystemModelMessage | SystemModelMessage[]: text, a message or messages.
func appendVercelSystem(msgs []Message, sys pcommon.Value) []Message {
	switch sys.Type() {
	case pcommon.ValueTypeStr:
		if sys.Str() != "" {
			return append(msgs, Message{Role: "system", Parts: []Part{{Text: sys.Str()}}})
		}
	case pcommon.ValueTypeMap:
		return append(msgs, Message{Role: "system", Parts: contentParts(get(sys.Map(), "content"))})
	case pcommon.ValueTypeSlice:
		if read, ok := appendVercelMessagesGeneral(msgs, sys); ok {
			return read
		}
	}
	return msgs
}

// appendVercelMessages reads AI SDK model messages: {role, content}, where content is text or
// parts {type: text | reasoning | image | file | tool-call | tool-result}. Each tool result
// becomes a tool message.
func appendVercelMessages(msgs []Message, v pcommon.Value) (_ []Message, ok bool) {
	if v.Type() == pcommon.ValueTypeStr {
		if out, ok := appendVercelMessagesJSON(msgs, v.Str()); ok {
			return out, true
		}
	}
	return appendVercelMessagesGeneral(msgs, v)
}

// appendVercelMessagesGeneral is appendVercelMessages on parsed values.
func appendVercelMessagesGeneral(msgs []Message, v pcommon.Value) (_ []Message, ok bool) {
	list, ok := mapList(v)
	if !ok {
		return msgs, false
	}
	for _, item := range list.All() {
		m := item.Map()
		msg := Message{Role: str(m, "role")}
		content, ok := m.Get("content")
		if !ok || content.Type() != pcommon.ValueTypeSlice {
			msg.Parts = contentParts(get(m, "content"))
			msgs = append(msgs, msg)
			continue
		}
		var results int
		for _, p := range content.Slice().All() {
			if p.Type() != pcommon.ValueTypeMap {
				msg.Parts = append(msg.Parts, Part{Value: Some(p)})
				continue
			}
			pm := p.Map()
			switch str(pm, "type") {
			case "text":
				msg.Parts = append(msg.Parts, Part{Text: str(pm, "text")})
			case "tool-call":
				msg.ToolCalls = append(msg.ToolCalls, vercelToolCall(pm))
			case "tool-result":
				results++
				msgs = append(msgs, Message{Role: "tool", Name: str(pm, "toolName"), ToolCallID: str(pm, "toolCallId"), Parts: resultParts(vercelToolOutput(pm))})
			default:
				msg.Parts = append(msg.Parts, Part{Value: Some(p)})
			}
		}
		if results == 0 || len(msg.Parts) > 0 || len(msg.ToolCalls) > 0 {
			msgs = append(msgs, msg)
		}
	}
	return msgs, true
}

// vercelToolCall reads {toolCallId, toolName, input} (AI SDK 5) or {..., args} (AI SDK 4).
func vercelToolCall(m pcommon.Map) ToolCall {
	args := get(m, "input")
	if !args.Set {
		args = get(m, "args")
	}
	return ToolCall{ID: str(m, "toolCallId"), Name: str(m, "toolName"), Arguments: args}
}

// vercelToolOutput unwraps AI SDK 5's {type: json|text|..., value} tool output; AI SDK 4 wrote
// the result itself.
func vercelToolOutput(m pcommon.Map) Any {
	out := get(m, "output")
	if !out.Set {
		return get(m, "result")
	}
	if out.Type() == pcommon.ValueTypeMap && str(out.Map(), "type") != "" {
		if v, ok := out.Map().Get("value"); ok {
			return Some(v)
		}
	}
	return out
}

// vercelResponse builds the assistant message of ai.response.{text,toolCalls,finishReason}.
func vercelResponse(s *vercelSpan) Message {
	msg := Message{Role: "assistant"}
	if s.reasoning != "" {
		msg.Parts = append(msg.Parts, reasoningPart(s.reasoning))
	}
	// A step that only calls tools writes ai.response.text "": no content, as OpenAI's null.
	if s.text.Set && !(s.toolCalls.Set && s.text.Type() == pcommon.ValueTypeStr && s.text.Str() == "") {
		msg.Parts = append(msg.Parts, contentParts(s.text)...)
	}
	if s.toolCalls.Set {
		if calls := anyjson.Value(s.toolCalls.Value); calls.Type() == pcommon.ValueTypeSlice {
			for _, c := range calls.Slice().All() {
				if c.Type() == pcommon.ValueTypeMap {
					msg.ToolCalls = append(msg.ToolCalls, vercelToolCall(c.Map()))
				}
			}
		}
	}
	if s.finishReason.Set {
		// "tool-calls", "content-filter": OpenAI spells them with underscores.
		msg.FinishReason = strings.ReplaceAll(scalarString(s.finishReason.Value), "-", "_")
	}
	return msg
}

// dropToolMessages removes the tool messages of msgs, in place.
func dropToolMessages(msgs []Message) []Message {
	kept := msgs[:0]
	for _, m := range msgs {
		if m.Role != "tool" {
			kept = append(kept, m)
		}
	}
	return kept
}

// vercelJSONItems decodes a list of JSON texts, as the AI SDK writes ai.values and
// ai.embeddings (["\"hello\"", ...], ["[0.1,0.2]", ...]), into the values they hold. Any other
// value, or a list holding an item that is not JSON text, is returned as it is.
func vercelJSONItems(v Any) Any {
	if !v.Set || v.Type() != pcommon.ValueTypeSlice {
		return v
	}
	in := v.Slice()
	out := pcommon.NewValueSlice()
	items := out.Slice()
	items.EnsureCapacity(in.Len())
	for _, item := range in.All() {
		if item.Type() != pcommon.ValueTypeStr {
			return v
		}
		parsed, ok := anyjson.Parse(item.Str())
		if !ok {
			return v
		}
		parsed.MoveTo(items.AppendEmpty())
	}
	return Some(out)
}
