package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"slices"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/strtab"
)

// openInference reads OpenInference (Arize Phoenix), whose spans all carry
// openinference.span.kind: https://github.com/Arize-ai/openinference/tree/main/spec. Recorded
// from openinference-instrumentation-openai and -langchain. A span that also carries GenAI keys
// is completed from them where OpenInference left a field empty.
var openInference = Dialect{
	Name:       "openinference",
	Namespaces: []string{"openinference"},
	Read:       readOpenInference,
}

var openInferenceKeys = strtab.New(Keys{
	"openinference.span.kind": {FieldOperation, 0},
	"tool.name":               {FieldToolName, 0},
	"llm.response.model_name": {FieldModel, 0},
	"llm.model_name":          {FieldModel, 1},
	"llm.request.model_name":  {FieldModel, 2},
	"embedding.model_name":    {FieldModel, 3},
	"reranker.model_name":     {FieldModel, 4},
	"llm.provider":            {FieldProvider, 0},
	"llm.system":              oiSystem,

	// Prompt counts include the prompt_details (spec/llm_spans.md), as MLflow's do.
	"llm.token_count.prompt":                     {FieldInputTokens, 0},
	"llm.token_count.completion":                 {FieldOutputTokens, 0},
	"llm.token_count.total":                      {FieldTotalTokens, 0},
	"llm.token_count.prompt_details.cache_read":  {FieldCacheReadTokens, 0},
	"llm.token_count.prompt_details.cache_write": {FieldCacheCreationTokens, 0},
})

// oiSystem is llm.system's Key, by which the reader also keeps the system apart from the
// provider: the Bedrock instrumentation's Anthropic spans have provider "aws" and system
// "anthropic".
var oiSystem = Key{FieldProvider, 1}

const (
	oiAnthropic = "anthropic"
	oiMistral   = "mistralai"
)

// openInferenceKinds maps openinference.span.kind (upper case) to MLflow span types. LLM is
// refined to CHAT_MODEL when the span holds chat messages, as MLflow's own autolog types chat
// calls; PROMPT (a prompt template rendering) has no MLflow type and becomes CHAIN.
var openInferenceKinds = map[string]string{
	"LLM":       mlflow.SpanTypeLLM,
	"CHAIN":     mlflow.SpanTypeChain,
	"TOOL":      mlflow.SpanTypeTool,
	"AGENT":     mlflow.SpanTypeAgent,
	"RETRIEVER": mlflow.SpanTypeRetriever,
	"EMBEDDING": mlflow.SpanTypeEmbedding,
	"RERANKER":  mlflow.SpanTypeReranker,
	"GUARDRAIL": mlflow.SpanTypeGuardrail,
	"EVALUATOR": mlflow.SpanTypeEvaluator,
	"PROMPT":    mlflow.SpanTypeChain,
	"UNKNOWN":   mlflow.SpanTypeUnknown,
}

const (
	oiInputMessages  = "llm.input_messages."
	oiOutputMessages = "llm.output_messages."
	oiTools          = "llm.tools."
	oiPrompts        = "llm.prompts."
	oiChoices        = "llm.choices."
	oiDocuments      = "retrieval.documents."
	oiEmbeddings     = "embedding.embeddings."
	oiRerankQuery    = "reranker.query"
	oiRerankInput    = "reranker.input_documents."
	oiRerankOutput   = "reranker.output_documents."
)

// openInferenceSpan holds what one pass over the attributes found beyond the Keys table.
type openInferenceSpan struct {
	input, output         oiMessages
	prompts, choices      indexedValues // llm.prompts.N.prompt.text, llm.choices.N.completion.text
	documents, embeddings indexedValues // retrieval.documents.N.document.*, embedding.embeddings.N.embedding.text
	reranked, toRerank    indexedValues // reranker.{output,input}_documents.N.document.*
	rerankQuery           Any
	tools                 indexedTools // llm.tools.N.tool.{json_schema,name,description}
	inputValue            Any
	outputValue           Any
	inputText, outputText bool // input.mime_type, output.mime_type: text/plain
	finishReason          string
	params                Any    // llm.invocation_parameters
	system                string // llm.system
	genAI                 bool
}

func readOpenInference(span ptrace.Span, rec *Record) {
	var (
		f Fields
		s openInferenceSpan
	)
	for k, v := range span.Attributes().All() {
		if key, ok := openInferenceKeys.Get(k); ok {
			f.Put(key, v, 0)
			if key == oiSystem {
				s.system = scalarString(v)
			}
			continue
		}
		s.put(k, v)
	}
	f.FillCommon(rec)
	kind := strings.ToUpper(strings.TrimSpace(f.Str(FieldOperation)))

	rec.Input = oiPayload(rec.Input.Messages, s.input.messages(s.inputValue), s.prompts.texts("prompt.text"), s.inputValue, s.inputText)
	rec.Output = oiPayload(rec.Output.Messages, s.output.messages(Any{}), s.choices.texts("completion.text"), s.outputValue, s.outputText)
	anthropic := s.system == oiAnthropic || rec.Provider == oiAnthropic
	if anthropic {
		rec.Output.Messages = anthropicReplyMessage(rec.Output.Messages)
	}
	anthropicReply(rec.Output.Messages, s.outputValue, anthropic && s.finishReason == "")
	if s.system == oiMistral || rec.Provider == oiMistral {
		mistralReply(rec.Output.Messages, s.outputValue, s.finishReason == "")
	}
	if !rec.Input.Value.Set && len(rec.Input.Messages) == 0 {
		if texts := s.embeddings.texts("embedding.text"); len(texts) > 0 {
			rec.Input.Value = Some(stringList(texts))
		}
	}
	// A retriever's or reranker's own keys outrank its input.value / output.value.
	rec.Output.fill(s.documents.documents(), kind == "RETRIEVER")
	rec.Input.fill(retrieverInput(s.rerankQuery, s.toRerank.documents()), kind == "RERANKER")
	rec.Output.fill(s.reranked.documents(), kind == "RERANKER")
	if len(rec.Output.Messages) == 1 && rec.Output.Messages[0].FinishReason == "" {
		rec.Output.Messages[0].FinishReason = s.finishReason
		if s.finishReason == "" && s.params.Set && isBedrock(span, rec) {
			rec.Output.Messages[0].FinishReason = bedrockStopReason(s.params)
		}
	}
	if kind == "TOOL" {
		rec.Output.Value = langChainToolResult(rec.Output.Value)
	}
	for _, t := range s.tools.tools {
		rec.Tools = appendOITool(rec.Tools, t)
	}

	rec.SpanType = openInferenceKinds[kind]
	switch {
	case rec.SpanType == mlflow.SpanTypeLLM && (len(rec.Input.Messages) > 0 || len(rec.Output.Messages) > 0):
		rec.SpanType = mlflow.SpanTypeChatModel
	case rec.SpanType != "":
	case f.Has(FieldToolName):
		rec.SpanType = mlflow.SpanTypeTool
	case s.documents.len() > 0:
		rec.SpanType = mlflow.SpanTypeRetriever
	case s.reranked.len() > 0 || s.toRerank.len() > 0:
		rec.SpanType = mlflow.SpanTypeReranker
	case len(rec.Input.Messages) > 0 && rec.Model != "":
		rec.SpanType = mlflow.SpanTypeChatModel
	case rec.Model != "":
		rec.SpanType = mlflow.SpanTypeLLM
	}
	if s.genAI {
		var g Record
		readGenAI(span, &g)
		rec.fillFrom(&g)
	}
}

func (s *openInferenceSpan) put(k string, v pcommon.Value) {
	switch {
	case k == "input.value":
		s.inputValue = Some(v)
	case k == "output.value":
		s.outputValue = Some(v)
	case k == "input.mime_type":
		s.inputText = scalarString(v) == mimeTextPlain
	case k == "output.mime_type":
		s.outputText = scalarString(v) == mimeTextPlain
	case k == "llm.finish_reason":
		s.finishReason = scalarString(v)
	case k == oiInvocationParams:
		s.params = Some(v)
	case k == oiRerankQuery:
		s.rerankQuery = Some(v)
	case strings.HasPrefix(k, oiInputMessages):
		s.input.put(k[len(oiInputMessages):], v)
	case strings.HasPrefix(k, oiOutputMessages):
		s.output.put(k[len(oiOutputMessages):], v)
	case strings.HasPrefix(k, oiTools):
		if n, field, ok := cutIndex(k[len(oiTools):]); ok {
			if f, ok := oiToolFields[field]; ok {
				s.tools.set(n, f, v)
			}
		}
	case strings.HasPrefix(k, oiPrompts):
		s.prompts.put(k[len(oiPrompts):], v)
	case strings.HasPrefix(k, oiChoices):
		s.choices.put(k[len(oiChoices):], v)
	case strings.HasPrefix(k, oiDocuments):
		s.documents.put(k[len(oiDocuments):], v)
	case strings.HasPrefix(k, oiEmbeddings):
		s.embeddings.put(k[len(oiEmbeddings):], v)
	case strings.HasPrefix(k, oiRerankInput):
		s.toRerank.put(k[len(oiRerankInput):], v)
	case strings.HasPrefix(k, oiRerankOutput):
		s.reranked.put(k[len(oiRerankOutput):], v)
	case strings.HasPrefix(k, "gen_ai."):
		s.genAI = true
	}
}

// oiToolFields maps the keys of llm.tools.N.<key> to the fields of indexedTools.
var oiToolFields = map[string]string{"tool.name": "name", "tool.description": "description", "tool.json_schema": "parameters"}

// appendOITool appends an advertised tool: its json_schema when that is a named definition
// (OpenAI's {type, function: {name, ...}}), else its name and description, with the
// json_schema as the parameters (the Pydantic AI instrumentation writes the parameters' schema
// there).
func appendOITool(tools []Tool, t Tool) []Tool {
	n := len(tools)
	if t.Parameters.Set {
		if tools = appendToolDefinitionValue(tools, t.Parameters.Value); len(tools) > n {
			return tools
		}
	}
	if t.Name == "" {
		return tools
	}
	if t.Parameters.Set {
		t.Parameters = writtenValue(t.Parameters.Value)
	}
	return append(tools, t)
}

// appendToolDefinitionValue appends the definitions v holds: one, or a list.
func appendToolDefinitionValue(tools []Tool, v pcommon.Value) []Tool {
	if v.Type() == pcommon.ValueTypeStr {
		if out, ok := appendToolDefinitionObjectJSON(tools, v.Str()); ok {
			return out // the usual case: one definition as JSON text, read without parsing
		}
	}
	return appendToolDefinitions(tools, listOf(anyjson.Value(v)))
}

// oiPayload picks one side's content: flattened chat messages, then completion-API texts, then
// input.value / output.value as they are (the writer parses JSON text, unless the value's mime
// type is text/plain).
func oiPayload(buf, msgs []Message, texts []string, value Any, text bool) Payload {
	switch {
	case len(msgs) > 0:
		return Payload{Messages: append(buf, msgs...)}
	case len(texts) == 1:
		return Payload{Messages: buf, Value: Some(pcommon.NewValueStr(texts[0]))}
	case len(texts) > 1:
		return Payload{Messages: buf, Value: Some(stringList(texts))}
	}
	return Payload{Messages: buf, Value: value, Text: text}
}

// mimeTextPlain is OpenInference's mime type of a value that is text, not JSON.
const mimeTextPlain = "text/plain"

// langChainToolResult unwraps the ToolMessage that the LangChain instrumentation writes as a
// tool's output, {"type":"tool","data":{"content":...}}, to its content.
func langChainToolResult(v Any) Any {
	if !v.Set {
		return v
	}
	m := jsonMap(v)
	if str(m, "type") != "tool" {
		return v
	}
	if data, ok := m.Get("data"); ok && data.Type() == pcommon.ValueTypeMap {
		if content, ok := data.Map().Get("content"); ok {
			return Some(content)
		}
	}
	return v
}

// oiMessages collects llm.{input,output}_messages.N.message.{role, content, name,
// tool_call_id, contents.M.message_content.*, tool_calls.K.tool_call.*}.
type oiMessages struct {
	msgs []oiMessage
	// nested counts the tool call and content slots created, up to maxNested.
	nested int
}

type oiMessage struct {
	Message
	seen     bool
	contents indexedValues // contents.M.{message_content.*, tool_call.*}
	// functionCall is message.function_call_{name,arguments_json}: OpenAI's legacy function
	// calling, as openinference-instrumentation-openai writes it.
	functionCall ToolCall
}

func (x *oiMessages) put(key string, v pcommon.Value) {
	n, rest, ok := cutIndex(key)
	if !ok {
		return
	}
	field, ok := strings.CutPrefix(rest, "message.")
	if !ok {
		return
	}
	for len(x.msgs) <= n {
		x.msgs = append(x.msgs, oiMessage{})
	}
	m := &x.msgs[n]
	switch field {
	case "role":
		m.Role = scalarString(v)
	case "content":
		m.Parts = contentParts(Some(v))
	case "name":
		m.Name = scalarString(v)
	case "tool_call_id":
		m.ToolCallID = scalarString(v)
	case "function_call_name":
		m.functionCall.Name = scalarString(v)
	case "function_call_arguments_json":
		m.functionCall.Arguments = Some(v)
	default:
		if rest, ok := strings.CutPrefix(field, "contents."); ok {
			m.contents.putNested(rest, v, &x.nested)
		} else if rest, ok := strings.CutPrefix(field, "tool_calls."); ok {
			if !putOIToolCall(&m.Message, rest, v, &x.nested) {
				return
			}
		} else {
			return
		}
	}
	m.seen = true
}

// oiToolCallFields maps the keys of a tool call, K.<key>, to putToolCall's fields. The
// message.function_call_* spellings are those of openinference-instrumentation-pydantic-ai's
// earlier releases.
var oiToolCallFields = map[string]string{
	"tool_call.id":                         "id",
	"tool_call.function.name":              "name",
	"tool_call.function.arguments":         "arguments",
	"message.function_call_name":           "name",
	"message.function_call_arguments_json": "arguments",
}

// putOIToolCall reads K.tool_call.{id, function.name, function.arguments}.
func putOIToolCall(m *Message, key string, v pcommon.Value, nested *int) bool {
	k, field, ok := cutIndex(key)
	if !ok {
		return false
	}
	if field, ok = oiToolCallFields[field]; !ok {
		return false
	}
	return putToolCall(m, k, field, v, nested)
}

// messages returns the messages read; request is the span's input.value, read only for the
// tool results of Anthropic requests.
func (x *oiMessages) messages(request Any) []Message {
	var (
		out     []Message
		reqMsgs pcommon.Slice
		parsed  bool
	)
	for i := range x.msgs {
		m := &x.msgs[i]
		if !m.seen {
			continue
		}
		if m.Role == "user" && m.ToolCallID != "" {
			// The Anthropic instrumentations write a tool_result block as its user message's
			// tool_call_id and content, the last one only when there are several: the message
			// is read from the request when it is there, else it is a tool message. The JS
			// instrumentation writes the message's other blocks as its contents, the rest of
			// the user's message.
			if !parsed {
				reqMsgs, parsed = anthropicRequestMessages(request), true
			}
			if msgs, ok := anthropicToolResults(reqMsgs, i, m.ToolCallID); ok {
				out = append(out, msgs...)
				continue
			}
			out = append(out, Message{Role: "tool", ToolCallID: m.ToolCallID, Parts: m.Parts})
			if m.contents.len() == 0 {
				continue
			}
			m.Message = Message{Role: m.Role, Name: m.Name}
		}
		m.contents.readContents(&m.Message)
		if fc := m.functionCall; (fc.Name != "" || fc.Arguments.Set) && len(m.ToolCalls) == 0 {
			m.ToolCalls = append(m.ToolCalls, fc)
		}
		// Tool call indices may skip (the Pydantic AI instrumentation numbers them by part):
		// the gaps are no calls.
		m.ToolCalls = slices.DeleteFunc(m.ToolCalls, func(c ToolCall) bool { return c.ID == "" && c.Name == "" && !c.Arguments.Set })
		out = append(out, m.Message)
	}
	return out
}

// anthropicRequestMessages returns the messages of an Anthropic request held as JSON text in
// input.value; an empty list when it holds none.
func anthropicRequestMessages(request Any) pcommon.Slice {
	if msgs, ok := jsonMembers(request, "messages").Get("messages"); ok && msgs.Type() == pcommon.ValueTypeSlice {
		return msgs.Slice()
	}
	return pcommon.NewSlice()
}

// anthropicToolResults reads the nth message of an Anthropic request, when it is the user
// message that answers the tool call id: its tool_result blocks as tool messages, then the
// rest of it.
func anthropicToolResults(request pcommon.Slice, n int, id string) ([]Message, bool) {
	if n >= request.Len() || request.At(n).Type() != pcommon.ValueTypeMap {
		return nil, false
	}
	m := request.At(n).Map()
	content, ok := m.Get("content")
	if !ok || str(m, "role") != "user" || content.Type() != pcommon.ValueTypeSlice {
		return nil, false
	}
	for _, b := range content.Slice().All() {
		if b.Type() == pcommon.ValueTypeMap && str(b.Map(), "type") == "tool_result" && str(b.Map(), "tool_use_id") == id {
			return anthropicBlocks([]Message{{Role: "user", Parts: contentParts(Some(content))}}), true
		}
	}
	return nil, false
}

// anthropicReplyMessage makes one message of an Anthropic reply's output messages, which is
// one message: openinference-instrumentation-bedrock writes each content block of an Anthropic
// model's reply as a message of its own (utils/anthropic/_attributes.py _get_output_messages).
func anthropicReplyMessage(msgs []Message) []Message {
	if len(msgs) < 2 || slices.ContainsFunc(msgs, func(m Message) bool { return m.Role != "assistant" }) {
		return msgs
	}
	for _, m := range msgs[1:] {
		msgs[0].Parts = append(msgs[0].Parts, m.Parts...)
		msgs[0].ToolCalls = append(msgs[0].ToolCalls, m.ToolCalls...)
	}
	return msgs[:1]
}

// oiInvocationParams is read for the Bedrock Converse stop reason only, and never removed: it
// holds the request's parameters.
const oiInvocationParams = "llm.invocation_parameters"

// isBedrock tells openinference-instrumentation-bedrock's spans: llm.provider "aws", which
// its first Converse releases did not write, or its span names (bedrock.converse, ...).
func isBedrock(span ptrace.Span, rec *Record) bool {
	return rec.Provider == "aws" || strings.HasPrefix(span.Name(), "bedrock.")
}

// bedrockStopReason is the Converse response's stopReason that openinference-instrumentation-
// bedrock adds to llm.invocation_parameters as stop_reason (_converse_attributes.py
// get_attributes_from_response_data); its releases before llm.finish_reason (Arize-ai/
// openinference#3631) write it nowhere else.
func bedrockStopReason(params Any) string {
	return str(jsonMembers(params, "stop_reason"), "stop_reason")
}

// anthropicReplyKeys are the members of output.value that anthropicReply reads: a Message's
// content and stop_reason, and the messages of the Python instrumentation's stream accumulator.
var anthropicReplyKeys = []string{"content", "stop_reason", "messages"}

// anthropicReply completes the reply from output.value, the Anthropic Message as JSON: the ids
// that the Python Anthropic instrumentation leaves out of the reply's tool calls, and, when
// reason is set, the finish reason, which neither the Python nor the JS instrumentation writes
// as llm.finish_reason: the Message's stop_reason, or that of the last message of the Python
// instrumentation's stream accumulator, {"messages": [{..., "stop_reason": ...}]}.
func anthropicReply(msgs []Message, output Any, reason bool) {
	if len(msgs) != 1 {
		return
	}
	m := &msgs[0]
	ids := lacksCallIDs(m.ToolCalls)
	if !ids && (!reason || m.FinishReason != "") {
		return
	}
	reply := jsonMembers(output, anthropicReplyKeys...)
	if ids {
		anthropicCallIDs(m.ToolCalls, reply)
	}
	if reason && m.FinishReason == "" {
		m.FinishReason = str(reply, "stop_reason")
		if stream, ok := reply.Get("messages"); ok && m.FinishReason == "" && stream.Type() == pcommon.ValueTypeSlice && stream.Slice().Len() > 0 {
			if last := stream.Slice().At(stream.Slice().Len() - 1); last.Type() == pcommon.ValueTypeMap {
				m.FinishReason = str(last.Map(), "stop_reason")
			}
		}
	}
}

// anthropicCallIDs gives the calls without an id those of the reply's tool_use blocks.
func anthropicCallIDs(calls []ToolCall, reply pcommon.Map) {
	if content, ok := reply.Get("content"); ok && content.Type() == pcommon.ValueTypeSlice {
		fillCallIDs(calls, content.Slice(), func(b pcommon.Map) (id, name string, ok bool) {
			return str(b, "id"), str(b, "name"), str(b, "type") == oiToolUse
		})
	}
}

// mistralReply completes the reply messages from output.value, the ChatCompletionResponse as
// JSON, choice N for output message N: openinference-instrumentation-mistralai writes each
// call's function name and arguments but not its id, and no llm.finish_reason
// (_response_attributes_extractor.py _get_attributes_from_chat_completion_response): the ids
// come from there, and, when reason is set, each choice's finish_reason.
func mistralReply(msgs []Message, output Any, reason bool) {
	if !slices.ContainsFunc(msgs, func(m Message) bool {
		return reason && m.FinishReason == "" || lacksCallIDs(m.ToolCalls)
	}) {
		return
	}
	choices, ok := jsonMembers(output, "choices").Get("choices")
	if !ok || choices.Type() != pcommon.ValueTypeSlice || choices.Slice().Len() != len(msgs) {
		return
	}
	for i, c := range choices.Slice().All() {
		if c.Type() != pcommon.ValueTypeMap {
			continue
		}
		if reason && msgs[i].FinishReason == "" {
			msgs[i].FinishReason = str(c.Map(), "finish_reason")
		}
		if m, ok := c.Map().Get("message"); ok && m.Type() == pcommon.ValueTypeMap {
			if calls, ok := m.Map().Get("tool_calls"); ok && calls.Type() == pcommon.ValueTypeSlice {
				fillCallIDs(msgs[i].ToolCalls, calls.Slice(), mistralCallID)
			}
		}
	}
}

// mistralCallID reads a Mistral ToolCall, {id, function: {name, arguments}}.
func mistralCallID(c pcommon.Map) (id, name string, ok bool) {
	fn, _ := c.Get("function")
	if fn.Type() != pcommon.ValueTypeMap {
		return "", "", false
	}
	return str(c, "id"), str(fn.Map(), "name"), true
}

// lacksCallIDs reports whether one of calls has no id.
func lacksCallIDs(calls []ToolCall) bool {
	return slices.ContainsFunc(calls, func(c ToolCall) bool { return c.ID == "" })
}

// fillCallIDs gives the calls without an id those of the source's calls, one for one in order
// when their names agree. call reads the id and name of an item of items, ok false for an item
// that is not a call.
func fillCallIDs(calls []ToolCall, items pcommon.Slice, call func(pcommon.Map) (id, name string, ok bool)) {
	ids := make([]string, 0, len(calls))
	for _, item := range items.All() {
		if item.Type() != pcommon.ValueTypeMap {
			continue
		}
		id, name, ok := call(item.Map())
		if !ok {
			continue
		}
		if len(ids) == len(calls) || name != calls[len(ids)].Name {
			return
		}
		ids = append(ids, id)
	}
	if len(ids) != len(calls) {
		return
	}
	for i, id := range ids {
		if calls[i].ID == "" {
			calls[i].ID = id
		}
	}
}

// indexedValues collects flattened "N.rest" attributes as one map per index.
type indexedValues struct {
	items []pcommon.Map
}

func (x *indexedValues) put(key string, v pcommon.Value) {
	n, rest, ok := cutIndex(key)
	if !ok {
		return
	}
	for len(x.items) <= n {
		x.items = append(x.items, pcommon.NewMap())
	}
	v.CopyTo(x.items[n].PutEmpty(rest))
}

// putNested is put for a list inside a message, its slots counted against *nested.
func (x *indexedValues) putNested(key string, v pcommon.Value, nested *int) {
	if n, _, ok := cutIndex(key); ok && growNested(n, len(x.items), nested) {
		x.put(key, v)
	}
}

func (x *indexedValues) len() int { return len(x.items) }

// texts returns the string under key of each index that has one.
func (x *indexedValues) texts(key string) []string {
	var out []string
	for _, m := range x.items {
		if v, ok := m.Get(key); ok && v.Type() == pcommon.ValueTypeStr {
			out = append(out, v.Str())
		}
	}
	return out
}

// documents returns retrieval documents in MLflow's Document shape, [{page_content, metadata,
// id}], with the score in the metadata.
func (x *indexedValues) documents() Any {
	if len(x.items) == 0 {
		return Any{}
	}
	out := pcommon.NewValueSlice()
	out.Slice().EnsureCapacity(len(x.items))
	for _, m := range x.items {
		meta := appendDocument(out.Slice(), str(m, "document.content"), str(m, "document.id"))
		if v, ok := m.Get("document.metadata"); ok {
			if mv := anyjson.Value(v); mv.Type() == pcommon.ValueTypeMap {
				mv.Map().CopyTo(meta)
			}
		}
		if v, ok := m.Get("document.score"); ok {
			v.CopyTo(meta.PutEmpty("score"))
		}
	}
	return Some(out)
}

func stringList(texts []string) pcommon.Value {
	v := pcommon.NewValueSlice()
	for _, t := range texts {
		v.Slice().AppendEmpty().SetStr(t)
	}
	return v
}

// listOf wraps a single value in a list; a list is returned as it is.
func listOf(v pcommon.Value) pcommon.Value {
	if v.Type() == pcommon.ValueTypeSlice {
		return v
	}
	l := pcommon.NewValueSlice()
	v.CopyTo(l.Slice().AppendEmpty())
	return l
}

// fillFrom completes r with what o holds where r holds nothing: the way a span that speaks two
// dialects is read, the first dialect's facts winning field by field. Token usage moves as one
// block, so counts from sources with different semantics are never mixed.
func (r *Record) fillFrom(o *Record) {
	if r.SpanType == "" {
		r.SpanType = o.SpanType
	}
	if len(r.Input.Messages) == 0 && !r.Input.Value.Set {
		r.Input.Messages = append(r.Input.Messages, o.Input.Messages...)
		r.Input.Value = o.Input.Value
	}
	if len(r.Output.Messages) == 0 && !r.Output.Value.Set {
		r.Output.Messages = append(r.Output.Messages, o.Output.Messages...)
		r.Output.Value = o.Output.Value
	}
	if len(r.Tools) == 0 {
		r.Tools = append(r.Tools, o.Tools...)
	}
	if !r.Usage.Input.Set && !r.Usage.Output.Set {
		r.Usage = o.Usage
	}
	for _, p := range [...]struct{ dst, src *string }{
		{&r.Model, &o.Model}, {&r.Provider, &o.Provider}, {&r.SessionID, &o.SessionID},
		{&r.UserID, &o.UserID}, {&r.MessageFormat, &o.MessageFormat},
	} {
		if *p.dst == "" {
			*p.dst = *p.src
		}
	}
	if !r.Cost.Set {
		r.Cost = o.Cost
	}
}
