package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"slices"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/strtab"
)

// genAI reads the OpenTelemetry GenAI semantic conventions, current and deprecated forms:
// https://github.com/open-telemetry/semantic-conventions-genai.
var genAI = Dialect{
	Name:       "genai",
	Namespaces: []string{"gen_ai"},
	Read:       readGenAI,
}

// genAIKeys is the GenAI vocabulary. Rank 1 marks deprecated names and fallbacks that give way
// to the rank-0 name: the response model is what actually ran.
var genAIKeys = strtab.New(Keys{
	"gen_ai.operation.name":      {FieldOperation, 0},
	"gen_ai.input.messages":      {FieldInput, 0},
	"gen_ai.output.messages":     {FieldOutput, 0},
	"gen_ai.system_instructions": {FieldSystemInstructions, 0},
	"gen_ai.tool.definitions":    {FieldToolDefinitions, 0},
	"gen_ai.tool.call.arguments": {FieldToolArguments, 0},
	"gen_ai.tool.call.result":    {FieldToolResult, 0},
	"gen_ai.tool.name":           {FieldToolName, 0},
	"gen_ai.agent.name":          {FieldAgentName, 0},
	"gen_ai.response.model":      {FieldModel, 0},
	"gen_ai.request.model":       {FieldModel, 1},
	"gen_ai.provider.name":       {FieldProvider, 0},
	"gen_ai.system":              {FieldProvider, 1},
	"gen_ai.conversation.id":     {FieldSessionID, 0},

	"gen_ai.response.finish_reasons": {FieldFinishReasons, 0},

	"gen_ai.retrieval.query.text": {FieldRetrievalQuery, 0},
	"gen_ai.retrieval.documents":  {FieldRetrievalDocuments, 0},
	"gen_ai.memory.query.text":    {FieldRetrievalQuery, 1},
	"gen_ai.memory.records":       {FieldMemoryRecords, 0},

	"gen_ai.usage.input_tokens":                {FieldInputTokens, 0},
	"gen_ai.usage.prompt_tokens":               {FieldInputTokens, 1},
	"gen_ai.usage.output_tokens":               {FieldOutputTokens, 0},
	"gen_ai.usage.completion_tokens":           {FieldOutputTokens, 1},
	"gen_ai.usage.total_tokens":                {FieldTotalTokens, 0},
	"gen_ai.usage.cache_read.input_tokens":     {FieldCacheReadTokens, 0},
	"gen_ai.usage.cache_read_input_tokens":     {FieldCacheReadTokens, 1},
	"gen_ai.usage.cache_creation.input_tokens": {FieldCacheCreationTokens, 0},
	"gen_ai.usage.cache_creation_input_tokens": {FieldCacheCreationTokens, 1},
})

// genAIOperations maps gen_ai.operation.name (lower case) to MLflow span types.
var genAIOperations = strtab.New(map[string]string{
	"chat":             mlflow.SpanTypeChatModel,
	"text_completion":  mlflow.SpanTypeLLM,
	"generate_content": mlflow.SpanTypeLLM,
	"response":         mlflow.SpanTypeLLM, // not in the spec; MLflow maps it
	"embeddings":       mlflow.SpanTypeEmbedding,
	"embedding":        mlflow.SpanTypeEmbedding, // Spring AI's name for it
	"retrieval":        mlflow.SpanTypeRetriever,
	"create_agent":     mlflow.SpanTypeAgent,
	"invoke_agent":     mlflow.SpanTypeAgent,
	"plan":             mlflow.SpanTypeAgent,
	"execute_tool":     mlflow.SpanTypeTool,
	"invoke_workflow":  mlflow.SpanTypeChain,
	// Memory operations, on an agent's memory store.
	"search_memory":       mlflow.SpanTypeMemory,
	"create_memory":       mlflow.SpanTypeMemory,
	"update_memory":       mlflow.SpanTypeMemory,
	"upsert_memory":       mlflow.SpanTypeMemory,
	"delete_memory":       mlflow.SpanTypeMemory,
	"create_memory_store": mlflow.SpanTypeMemory,
	"delete_memory_store": mlflow.SpanTypeMemory,
})

// genAIMessageEvents maps the deprecated per-message events to the role they imply.
var genAIMessageEvents = map[string]string{
	"gen_ai.system.message":    "system",
	"gen_ai.user.message":      "user",
	"gen_ai.assistant.message": "assistant",
	"gen_ai.tool.message":      "tool",
}

const (
	genAIEventChoice  = "gen_ai.choice"
	genAIEventDetails = "gen_ai.client.inference.operation.details"
	genAIPrompt       = "gen_ai.prompt."
	genAICompletion   = "gen_ai.completion."

	// detailsRank places the operation-details event's attributes below the span's own.
	detailsRank = 16
	// maxIndexed bounds flattened indices so that "gen_ai.prompt.99999999.role" cannot make
	// the reader allocate millions of messages.
	maxIndexed = 1024
	// maxNested bounds the slots that the second level of flattened indices (tool calls,
	// content items) creates in one list of messages: every index is valid, but 1,024 messages
	// each with a "tool_calls.1023.id" must not make a million tool calls out of 38 KB.
	maxNested = maxIndexed
)

func readGenAI(span ptrace.Span, rec *Record) {
	var f Fields
	readGenAIWith(span, rec, &f, genAIKeys, nil)
}

// readGenAIWith reads span as GenAI with keys in place of genAIKeys, for dialects that speak
// GenAI plus extras: build keys once with withKeys. other, when not nil, receives every span
// attribute that keys does not hold, in the same single pass. f is left filled for the caller.
func readGenAIWith(span ptrace.Span, rec *Record, f *Fields, keys *KeyTable, other func(k string, v pcommon.Value)) {
	readGenAIEvents(span, rec, f, keys, other, &genAIEventReaders)
}

// eventReaders read the message of a message event, whose role its name gives, and of a
// choice event.
type eventReaders struct {
	message func(attrs pcommon.Map, role string) Message
	choice  func(attrs pcommon.Map) Message
}

var genAIEventReaders = eventReaders{message: eventMessage, choice: choiceMessage}

// readGenAIEvents is readGenAIWith for a dialect that reads the message events its own way.
func readGenAIEvents(span ptrace.Span, rec *Record, f *Fields, keys *KeyTable, other func(k string, v pcommon.Value), events *eventReaders) {
	prompts, completions := indexedMessages{jsonContent: true}, indexedMessages{}
	for k, v := range span.Attributes().All() {
		if key, ok := keys.Get(k); ok {
			f.Put(key, v, 0)
		} else if rest, ok := strings.CutPrefix(k, genAIPrompt); ok {
			prompts.put(rest, v)
		} else if rest, ok := strings.CutPrefix(k, genAICompletion); ok {
			completions.put(rest, v)
		} else if other != nil {
			other(k, v)
		}
	}
	var eventInput, eventOutput []Message
	for _, ev := range span.Events().All() {
		name := ev.Name()
		switch {
		case name == genAIEventDetails:
			for k, v := range ev.Attributes().All() {
				if key, ok := keys.Get(k); ok {
					f.Put(key, v, detailsRank)
				}
			}
		case name == genAIEventChoice:
			eventOutput = append(eventOutput, events.choice(ev.Attributes()))
		default:
			if role, ok := genAIMessageEvents[name]; ok {
				eventInput = append(eventInput, events.message(ev.Attributes(), role))
			}
		}
	}

	f.FillCommon(rec)
	rec.Input = genAIPayload(rec.Input.Messages, f.Any(FieldInput), prompts.messages(), eventInput, f.Any(FieldToolArguments), &rec.arena)
	rec.Output = genAIPayload(rec.Output.Messages, f.Any(FieldOutput), completions.messages(), eventOutput, f.Any(FieldToolResult), &rec.arena)
	if reasons, ok := f.Get(FieldFinishReasons); ok {
		fillFinishReasons(rec.Output.Messages, reasons)
	}
	if sys, ok := f.Get(FieldSystemInstructions); ok && !rec.Input.Value.Set && !hasRole(rec.Input.Messages, "system") {
		if parts := jsonContentParts(sys); len(parts) > 0 {
			rec.Input.Messages = slices.Insert(rec.Input.Messages, 0, Message{Role: "system", Parts: parts})
		}
	}
	if defs, ok := f.Get(FieldToolDefinitions); ok {
		rec.Tools = appendToolDefinitions(rec.Tools, defs)
	}
	fillGenAIRetrieval(rec, f)
	rec.SpanType = genAISpanType(f, rec)
}

// fillFinishReasons gives output messages that name no finish reason the ones of
// gen_ai.response.finish_reasons, a string array or its JSON text (as Microsoft Agent
// Framework writes it): one per message, or a single one for the last message, the response's
// end, when the messages are the whole exchange of an agent run.
func fillFinishReasons(msgs []Message, reasons pcommon.Value) {
	v := anyjson.Value(reasons)
	if v.Type() != pcommon.ValueTypeSlice || len(msgs) == 0 {
		return
	}
	s := v.Slice()
	first := 0
	switch s.Len() {
	case len(msgs):
	case 1:
		first = len(msgs) - 1
	default:
		return
	}
	for i := first; i < len(msgs); i++ {
		if m := &msgs[i]; m.FinishReason == "" && m.Role == "assistant" {
			m.FinishReason = scalarString(s.At(i - first))
		}
	}
}

// genAIPayload picks one side's content, first found wins: the messages attribute, flattened
// indexed attributes, deprecated events, the tool call value. Messages that cannot be read are
// passed on as they are, rather than lost. Messages are appended to buf, the parts and tool
// calls read from the messages attribute kept in a.
func genAIPayload(buf []Message, messages Any, indexed, events []Message, tool Any, a *arena) Payload {
	if messages.Set {
		if msgs, ok := appendGenAIMessages(buf, messages.Value, a); ok && len(msgs) > 0 {
			return Payload{Messages: msgs}
		}
	}
	switch {
	case len(indexed) > 0:
		return Payload{Messages: append(buf, indexed...)}
	case len(events) > 0:
		return Payload{Messages: append(buf, events...)}
	case tool.Set:
		return Payload{Value: tool}
	case messages.Set:
		return Payload{Value: messages}
	}
	return Payload{Messages: buf}
}

func genAISpanType(f *Fields, rec *Record) string {
	if t, ok := genAIOperations.Get(lower(strings.TrimSpace(f.Str(FieldOperation)))); ok {
		return t
	}
	switch {
	case f.Has(FieldToolName):
		return mlflow.SpanTypeTool
	case f.Has(FieldAgentName):
		return mlflow.SpanTypeAgent
	case rec.Model != "" && (len(rec.Input.Messages) > 0 || len(rec.Output.Messages) > 0):
		return mlflow.SpanTypeChatModel
	case rec.Model != "":
		return mlflow.SpanTypeLLM
	}
	return ""
}

// eventMessage reads a deprecated gen_ai.{system,user,assistant,tool}.message event.
func eventMessage(attrs pcommon.Map, role string) Message {
	msg := openAIMessage(attrs, role)
	if msg.ToolCallID == "" {
		msg.ToolCallID = str(attrs, "id") // gen_ai.tool.message names the call "id"
	}
	return msg
}

// choiceMessage reads a deprecated gen_ai.choice event: {index, finish_reason, message} or,
// in older forms, the message fields directly on the event.
func choiceMessage(attrs pcommon.Map) Message {
	msg := openAIMessage(attrs, "assistant")
	if m, ok := attrs.Get("message"); ok {
		if om, ok := openAIMessageJSONValue(m, "assistant"); ok {
			msg = om
		} else {
			msg = choiceMessageValue(msg, m)
		}
	}
	msg.FinishReason = str(attrs, "finish_reason")
	return msg
}

// choiceMessageValue reads a gen_ai.choice event's message the general way: an object is the
// message, a string its text.
func choiceMessageValue(msg Message, m pcommon.Value) Message {
	switch m = anyjson.Value(m); m.Type() {
	case pcommon.ValueTypeMap:
		return openAIMessage(m.Map(), "assistant")
	case pcommon.ValueTypeStr:
		msg.Parts = []Part{{Text: m.Str()}}
	}
	return msg
}

// indexedMessages collects flattened messages: N.role, N.content (N.refusal, written by
// OpenLLMetry in its place when the model refuses; N.user, a user message's content),
// N.tool_call_id, N.finish_reason, N.tool_calls.K.{id,name,arguments},
// N.function_call.{name,arguments}.
type indexedMessages struct {
	msgs []Message
	seen []bool // gaps in the indices are skipped
	// nested counts the tool call slots created, up to maxNested.
	nested int
	// jsonContent reads a content that is the JSON text of a list of parts as those parts
	// (promptContentParts).
	jsonContent bool
}

func (x *indexedMessages) put(key string, v pcommon.Value) {
	n, field, ok := cutIndex(key)
	if !ok {
		return
	}
	for len(x.msgs) <= n {
		x.msgs = append(x.msgs, Message{})
		x.seen = append(x.seen, false)
	}
	m := &x.msgs[n]
	switch field {
	case "role":
		m.Role = scalarString(v)
	case "content":
		if x.jsonContent {
			m.Parts = promptContentParts(v)
		} else {
			m.Parts = contentParts(Some(v))
		}
	case "user":
		// OpenLLMetry's completions-API instrumentations (OpenAI, Anthropic, Groq, watsonx)
		// key the prompt by its role: gen_ai.prompt.0.user.
		m.Role = "user"
		m.Parts = contentParts(Some(v))
	case "refusal":
		if len(m.Parts) == 0 {
			m.Parts = contentParts(Some(v))
		}
	case "tool_call_id":
		m.ToolCallID = scalarString(v)
	case "finish_reason":
		m.FinishReason = scalarString(v)
	default:
		if !putIndexedCall(m, field, v, &x.nested) {
			return
		}
	}
	x.seen[n] = true
}

// promptContentParts reads a flattened prompt's content. OpenLLMetry writes a list content (an
// image beside text, Anthropic content blocks) as its JSON text: that is read as the parts it
// holds when every item is an object with a "type". Any other string stays text, as
// contentParts keeps it.
func promptContentParts(v pcommon.Value) []Part {
	if v.Type() == pcommon.ValueTypeStr && isPartList(v.Str()) {
		return jsonContentParts(v)
	}
	return contentParts(Some(v))
}

// isPartList reports whether s is a JSON list of objects that each have a string "type",
// scanning it without building values; text that does not start a list costs one look.
func isPartList(s string) bool {
	sc := anyjson.NewScanner(s)
	if !sc.Consume('[') {
		return false
	}
	n := 0
	for first := true; sc.Elem(first); first = false {
		var typ jsonField
		if !sc.Consume('{') || !readFields(&sc, 2, false, partTypeKey[:], &typ) || !typ.set || !typ.isStr() {
			return false
		}
		n++
	}
	return n > 0 && sc.End()
}

var partTypeKey = [...]string{"type"}

// putIndexedCall reads a field of a flattened message's tool call: tool_calls.K.{id,name,
// arguments}, or function_call.{name,arguments}, OpenAI's legacy function call as OpenLLMetry
// writes it (its JS OpenAI instrumentation, the Python one's early releases): the message's only
// call, or its first, which tool_calls.0.* then repeats.
func putIndexedCall(m *Message, field string, v pcommon.Value, nested *int) bool {
	if rest, ok := strings.CutPrefix(field, "function_call."); ok {
		return putToolCall(m, 0, rest, v, nested)
	}
	rest, ok := strings.CutPrefix(field, "tool_calls.")
	if !ok {
		return false
	}
	k, field, ok := cutIndex(rest)
	return ok && putToolCall(m, k, field, v, nested)
}

func putToolCall(m *Message, k int, field string, v pcommon.Value, nested *int) bool {
	if field != "id" && field != "name" && field != "arguments" || !growNested(k, len(m.ToolCalls), nested) {
		return false
	}
	for len(m.ToolCalls) <= k {
		m.ToolCalls = append(m.ToolCalls, ToolCall{})
	}
	call := &m.ToolCalls[k]
	switch field {
	case "id":
		call.ID = scalarString(v)
	case "name":
		call.Name = scalarString(v)
	default:
		call.Arguments = Some(v)
	}
	return true
}

func (x *indexedMessages) messages() []Message {
	var out []Message
	for i, seen := range x.seen {
		if seen {
			out = append(out, x.msgs[i])
		}
	}
	return out
}

// growNested reports whether a second-level list of length n may grow to hold index k, and
// counts the slots that takes against *nested (see maxNested).
func growNested(k, n int, nested *int) bool {
	grow := k + 1 - n
	if grow <= 0 {
		return true
	}
	if *nested+grow > maxNested {
		return false
	}
	*nested += grow
	return true
}

// cutIndex splits "N.rest" into N and rest.
func cutIndex(key string) (int, string, bool) {
	idx, rest, ok := strings.Cut(key, ".")
	if !ok {
		return 0, "", false
	}
	n, err := strconv.Atoi(idx)
	if err != nil || n < 0 || n >= maxIndexed {
		return 0, "", false
	}
	return n, rest, true
}
