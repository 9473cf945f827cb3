package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"slices"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// googleADK reads Google's Agent Development Kit (google/adk-python
// src/google/adk/telemetry/tracing.py): GenAI keys with gen_ai.system "gcp.vertex.agent" (the
// framework, dropped as provider), plus the model call as JSON in
// gcp.vertex.agent.llm_request ({model, config: {system_instruction, tools}, contents}) and
// llm_response ({content, finish_reason, usage_metadata}), in Gemini's content shape, and tool
// calls in gcp.vertex.agent.tool_call_args and tool_response. Tool spans hold "{}" in
// llm_request and llm_response.
var googleADK = Dialect{
	Name:   "google_adk",
	Scopes: []string{"gcp.vertex.agent"},
	Read:   readGoogleADK,
}

var googleADKKeys = withKeys(genAIKeys, Keys{
	"gcp.vertex.agent.tool_call_args": {FieldToolArguments, 1},
	"gcp.vertex.agent.tool_response":  {FieldToolResult, 1},
	"gcp.vertex.agent.session_id":     {FieldSessionID, 1},
})

type googleADKSpan struct {
	request, response Any
}

func (s *googleADKSpan) put(k string, v pcommon.Value) {
	switch k {
	case "gcp.vertex.agent.llm_request":
		s.request = Some(v)
	case "gcp.vertex.agent.llm_response":
		s.response = Some(v)
	}
}

// geminiFinishReasons maps Gemini's finish reasons to OpenAI's.
var geminiFinishReasons = map[string]string{
	"STOP":       "stop",
	"MAX_TOKENS": "length",
	"SAFETY":     "content_filter",
}

func readGoogleADK(span ptrace.Span, rec *Record) {
	var (
		f Fields
		s googleADKSpan
	)
	readGenAIWith(span, rec, &f, googleADKKeys, s.put)

	if s.request.Set && len(rec.Input.Messages) == 0 {
		readGoogleADKRequest(rec, s.request.Value)
	}
	if s.response.Set && len(rec.Output.Messages) == 0 {
		readGoogleADKResponse(rec, s.response.Value)
	}
	if rec.SpanType == "" || rec.SpanType == mlflow.SpanTypeLLM && span.Name() == "call_llm" {
		rec.SpanType = genAISpanType(&f, rec) // call_llm has no operation name
	}
	if rec.SpanType == "" && span.Name() == "invocation" {
		rec.SpanType = mlflow.SpanTypeChain // the legacy root, invoke_workflow's forerunner
	}
	if len(rec.Output.Messages) > 1 {
		rec.Output.Messages = googleADKStreamReply(rec.Output.Messages)
	}
	// call_llm spans name only the framework; a LiteLlm model names its provider,
	// "openai/gpt-4o-mini", as ADK's generate_content spans take it (telemetry/tracing.py
	// _resolve_gen_ai_system_name). A Gemini model's provider is not in its name.
	if rec.Provider == "" {
		rec.Provider = liteLLMProvider(rec.Model)
	}
}

// googleADKStreamReply folds the output messages of a streamed call into the one reply they
// are. ADK records every response of a stream up to the first with a finish reason
// (telemetry/_instrumentation.py record_llm_response): from Gemini, the chunks, the last with
// the reason; from LiteLlm, the chunks without one and then the whole reply assembled from
// them. Chunks are assistant messages without a finish reason before the last; anything else
// (candidates, each with its reason) is left as it is.
func googleADKStreamReply(msgs []Message) []Message {
	n := len(msgs)
	for _, m := range msgs {
		if m.Role != "assistant" {
			return msgs
		}
	}
	for _, m := range msgs[:n-1] {
		if m.FinishReason != "" {
			return msgs
		}
	}
	last := msgs[n-1]
	if googleADKAssembled(msgs[:n-1], &last) {
		msgs[0] = last
		return msgs[:1]
	}
	merged := mergeAssistant(msgs)
	merged[0].FinishReason = last.FinishReason
	return merged
}

// googleADKAssembled reports whether reply is the chunks assembled: it holds their text and
// their tool calls (by id), as LiteLlm's final response does.
func googleADKAssembled(chunks []Message, reply *Message) bool {
	var text strings.Builder
	for _, m := range chunks {
		for _, p := range m.Parts {
			if !p.Value.Set {
				text.WriteString(p.decoded())
			}
		}
		for _, c := range m.ToolCalls {
			if !slices.ContainsFunc(reply.ToolCalls, func(r ToolCall) bool { return r.ID == c.ID }) {
				return false
			}
		}
	}
	var whole strings.Builder
	for _, p := range reply.Parts {
		if !p.Value.Set {
			whole.WriteString(p.decoded())
		}
	}
	return whole.String() == text.String()
}

// readGoogleADKRequest reads an LLM request into rec, whose input has no messages: with the
// streaming reader when it holds JSON text that reader reads, else parsed.
func readGoogleADKRequest(rec *Record, v pcommon.Value) {
	if v.Type() == pcommon.ValueTypeStr {
		// A request without these members ({} on tool spans) leaves rec as it is.
		if req, ok := googleADKRequestJSON(v.Str(), rec.Input.Messages[:0], rec.Tools, len(rec.Tools) == 0); ok {
			rec.Tools = req.tools
			if req.model != "" && rec.Model == "" {
				rec.Model = req.model
			}
			rec.setInputMessages(req.msgs)
			return
		}
	}
	if req := jsonMap(Some(v)); req.Len() > 0 {
		rec.setInputMessages(googleADKRequest(rec, req))
	}
}

// setInputMessages sets the input to msgs; messages, when there are any, replace the value.
func (rec *Record) setInputMessages(msgs []Message) {
	rec.Input.Messages = msgs
	if len(msgs) > 0 {
		rec.Input.Value = Any{}
	}
}

// googleADKRequest reads an LLM request's system instruction, contents and tool declarations.
func googleADKRequest(rec *Record, req pcommon.Map) []Message {
	msgs := rec.Input.Messages[:0]
	if config, ok := req.Get("config"); ok && config.Type() == pcommon.ValueTypeMap {
		if sys, ok := config.Map().Get("system_instruction"); ok {
			switch sys.Type() {
			case pcommon.ValueTypeStr:
				if sys.Str() != "" {
					msgs = append(msgs, Message{Role: "system", Parts: []Part{{Text: sys.Str()}}})
				}
			case pcommon.ValueTypeMap:
				msgs = appendGeminiContent(msgs, sys.Map(), "system")
			}
		}
		if tools, ok := config.Map().Get("tools"); ok && tools.Type() == pcommon.ValueTypeSlice && len(rec.Tools) == 0 {
			for _, t := range tools.Slice().All() {
				if t.Type() != pcommon.ValueTypeMap {
					continue
				}
				for _, k := range [...]string{"function_declarations", "functionDeclarations"} {
					if decls, ok := t.Map().Get(k); ok {
						rec.Tools = appendToolDefinitions(rec.Tools, decls)
					}
				}
			}
		}
	}
	if model := str(req, "model"); model != "" && rec.Model == "" {
		rec.Model = model
	}
	if contents, ok := req.Get("contents"); ok {
		msgs, _ = appendGeminiContents(msgs, contents)
	}
	return msgs
}

// googleADKResponse reads an LLM response's content, finish reason and, when the GenAI keys
// lack them, its usage_metadata. Gemini's prompt count includes cached tokens.
func googleADKResponse(rec *Record, resp pcommon.Map) {
	if c, ok := resp.Get("content"); ok && c.Type() == pcommon.ValueTypeMap {
		rec.setOutputMessages(appendGeminiContent(rec.Output.Messages[:0], c.Map(), "assistant"), str(resp, "finish_reason"))
	}
	if um, ok := resp.Get("usage_metadata"); ok && um.Type() == pcommon.ValueTypeMap {
		googleADKUsage(rec, um.Map())
	}
}

// readGoogleADKResponse reads an LLM response into rec, whose output has no messages: with the
// streaming reader when it holds JSON text that reader reads, else parsed.
func readGoogleADKResponse(rec *Record, v pcommon.Value) {
	if v.Type() == pcommon.ValueTypeStr && googleADKResponseJSON(rec, v.Str()) {
		return
	}
	if resp := jsonMap(Some(v)); resp.Len() > 0 {
		googleADKResponse(rec, resp)
	}
}

// setOutputMessages sets the output to the messages of a Gemini response, the last with
// Gemini's finish reason in OpenAI's words; messages, when there are any, replace the value.
func (rec *Record) setOutputMessages(msgs []Message, finishReason string) {
	rec.Output.Messages = msgs
	if n := len(msgs); n > 0 {
		if mapped, ok := geminiFinishReasons[finishReason]; ok {
			finishReason = mapped
		}
		msgs[n-1].FinishReason = lower(finishReason)
		rec.Output.Value = Any{}
	}
}

// googleADKUsage reads a response's usage_metadata, and adds its thinking tokens to GenAI
// output tokens that count only the candidates'.
func googleADKUsage(rec *Record, um pcommon.Map) {
	// Output includes the thinking tokens, as OpenAI's completion tokens do.
	var read Usage
	var thoughts Count
	for k, v := range um.All() {
		switch k {
		case "prompt_token_count":
			read.Input = countOf(v)
		case "candidates_token_count":
			read.Output = countOf(v)
		case "total_token_count":
			read.Total = countOf(v)
		case "cached_content_token_count":
			read.CacheRead = countOf(v)
		case "thoughts_token_count":
			thoughts = countOf(v)
		}
	}
	candidates := read.Output
	if read.Output.Set && thoughts.Set {
		read.Output.N += thoughts.N
	}
	u := &rec.Usage
	switch {
	case !u.Input.Set && !u.Output.Set:
		u.Input, u.Output, u.Total = read.Input, read.Output, read.Total
	case thoughts.N > 0 && candidates.Set && u.Output == candidates:
		// ADK 1.x writes candidates_token_count alone as gen_ai.usage.output_tokens.
		u.Output.N += thoughts.N
	}
	if !u.CacheRead.Set {
		u.CacheRead = read.CacheRead
	}
}
