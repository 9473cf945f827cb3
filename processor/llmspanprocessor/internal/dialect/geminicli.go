package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// geminiCLI reads Gemini CLI's traces (google-gemini/gemini-cli packages/core/src/telemetry
// trace.ts runInDevTraceSpan: tracer "gemini-cli", gen_ai.agent.name "gemini-cli" on every
// span, the operation as span name and gen_ai.operation.name). It uses GenAI keys with values
// of its own; gen_ai.input.messages and gen_ai.output.messages are JSON text cut at 10,000
// characters, which is then passed on as it is:
//   - llm_call: gen_ai.input.messages holds the request's Gemini contents ({role, parts}),
//     gen_ai.system_instructions the request's systemInstruction as JSON (a string, a content,
//     a list of parts, or [] for none), gen_ai.tool.definitions its Gemini tools
//     ([{functionDeclarations}]), gen_ai.output.messages the response's content, or one content
//     per streamed chunk, which are merged into one assistant message;
//   - tool_call: input the CLI's call request ({callId, name, args, ...}), output the completed
//     call ({status, request, tool, response: {responseParts: [{functionResponse}]}, ...}): the
//     arguments and the function response are read;
//   - others (schedule_tool_calls, agent_call, user_prompt): the CLI's own values, passed on;
//     a string is the user's prompt.
var geminiCLI = Dialect{
	Name:   "gemini_cli",
	Scopes: []string{"gemini-cli"},
	Read:   readGeminiCLI,
}

// geminiCLIOps maps Gemini CLI's operations (GeminiCliOperation) to span types. The others,
// user_prompt and system_prompt (an interactive turn), are typed by the GenAI reader: AGENT,
// from gen_ai.agent.name.
var geminiCLIOps = map[string]string{
	"llm_call":            mlflow.SpanTypeLLM,
	"tool_call":           mlflow.SpanTypeTool,
	"agent_call":          mlflow.SpanTypeAgent,
	"schedule_tool_calls": mlflow.SpanTypeChain,
}

// geminiCLIProvider is the provider Gemini CLI names in its own logs for API-key auth
// (telemetry/semantic.ts getGenAiProvider); its spans name none.
const geminiCLIProvider = "gcp.gen_ai"

func readGeminiCLI(span ptrace.Span, rec *Record) {
	var f Fields
	readGenAIWith(span, rec, &f, genAIKeys, nil)
	op := f.Str(FieldOperation)
	if t, ok := geminiCLIOps[op]; ok {
		rec.SpanType = t
	}
	switch op {
	case "llm_call":
		readGeminiCLIModelCall(rec, &f)
	case "tool_call":
		readGeminiCLITool(rec, &f)
	default:
		// The GenAI reader would take the CLI's lists of call objects for messages.
		rec.Input = geminiCLIPayload(rec.Input.Messages[:0], f.Any(FieldInput))
		rec.Output = Payload{Value: f.Any(FieldOutput)}
	}
}

// readGeminiCLIModelCall reads an llm_call span: the system instruction and contents as the
// input messages, the tool declarations, the response content(s) as the output.
func readGeminiCLIModelCall(rec *Record, f *Fields) {
	if in, ok := f.Get(FieldInput); ok {
		msgs := rec.Input.Messages[:0]
		if sys, ok := f.Get(FieldSystemInstructions); ok {
			msgs = appendGeminiSystem(msgs, sys)
		}
		if msgs, ok := appendGeminiContents(msgs, in); ok {
			rec.Input = Payload{Messages: msgs}
		} else {
			rec.Input = Payload{Value: Some(in)}
		}
	}
	if out, ok := f.Get(FieldOutput); ok {
		msgs, ok := appendGeminiContents(rec.Output.Messages[:0], out)
		if !ok {
			msgs, ok = appendGeminiResponseContents(rec.Output.Messages[:0], out)
		}
		if ok {
			rec.Output = Payload{Messages: mergeAssistant(msgs)}
		} else {
			rec.Output = Payload{Value: Some(out)}
		}
	}
	// Gemini tools replace what the GenAI reader took from them, if they are Gemini tools.
	if defs, ok := f.Get(FieldToolDefinitions); ok {
		n := len(rec.Tools)
		if rec.Tools = appendGeminiTools(rec.Tools, defs); len(rec.Tools) > n {
			rec.Tools = append(rec.Tools[:0], rec.Tools[n:]...)
		}
	}
	if rec.Provider == "" {
		rec.Provider = geminiCLIProvider
	}
}

// readGeminiCLITool reads a tool_call span: the call's arguments as the input and, when the
// call responded with one function response, its response as the output.
func readGeminiCLITool(rec *Record, f *Fields) {
	rec.Input = Payload{Value: f.Any(FieldInput)}
	if args := get(jsonMembers(f.Any(FieldInput), "args"), "args"); args.Set {
		rec.Input = Payload{Value: args}
	}
	rec.Output = Payload{Value: f.Any(FieldOutput)}
	resp := jsonMembers(f.Any(FieldOutput), "response")
	if r, ok := resp.Get("response"); ok && r.Type() == pcommon.ValueTypeMap {
		if parts, ok := r.Map().Get("responseParts"); ok && parts.Type() == pcommon.ValueTypeSlice && parts.Slice().Len() == 1 {
			if p := parts.Slice().At(0); p.Type() == pcommon.ValueTypeMap {
				if fr, ok := geminiField(p.Map(), "function_response", "functionResponse"); ok {
					if v := get(fr, "response"); v.Set {
						rec.Output = Payload{Value: v}
					}
				}
			}
		}
	}
}

// appendGeminiResponseContents appends the contents of an llm_call output that
// appendGeminiContents does not read: a non-streamed call's one content, or streamed chunks
// among which some have none (null, or no parts). ok is false when there is no content.
func appendGeminiResponseContents(msgs []Message, out pcommon.Value) (_ []Message, ok bool) {
	v := anyjson.Value(out)
	switch v.Type() {
	case pcommon.ValueTypeMap:
		return appendGeminiResponseContent(msgs, v)
	case pcommon.ValueTypeSlice:
		for _, c := range v.Slice().All() {
			var read bool
			if msgs, read = appendGeminiResponseContent(msgs, c); read {
				ok = true
			}
		}
	}
	return msgs, ok
}

func appendGeminiResponseContent(msgs []Message, c pcommon.Value) (_ []Message, ok bool) {
	if c.Type() != pcommon.ValueTypeMap {
		return msgs, false
	}
	if p, ok := c.Map().Get("parts"); !ok || p.Type() != pcommon.ValueTypeSlice {
		return msgs, false
	}
	return appendGeminiContent(msgs, c.Map(), "assistant"), true
}

// geminiCLIPayload returns v as a payload: a prompt (a string, or a string holding a
// JSON-encoded string) as a user message in buf, anything else, JSON text cut short too, as
// it is.
func geminiCLIPayload(buf []Message, v Any) Payload {
	if !v.Set || v.Type() != pcommon.ValueTypeStr {
		return Payload{Value: v}
	}
	part, ok := jsonStringPart(v.Str())
	switch {
	case ok:
	case strings.HasPrefix(v.Str(), "{"), strings.HasPrefix(v.Str(), "["):
		return Payload{Value: v}
	default:
		part = Part{Text: v.Str()}
	}
	return Payload{Messages: append(buf, Message{Role: "user", Parts: []Part{part}})}
}

// jsonStringPart returns s, one JSON string, as a text part: as written between its quotes
// when its escapes are the writer's own (see Part.Encoded), so that a long prompt is copied
// rather than decoded and encoded again. ok is false for anything else.
func jsonStringPart(s string) (_ Part, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return Part{}, false
	}
	sc := anyjson.NewScanner(s)
	text, encoded, ok := sc.Text()
	if !ok || !sc.End() {
		return Part{}, false
	}
	return Part{Text: text, Encoded: encoded}, true
}

// appendGeminiSystem appends a Gemini system instruction, a string, a content or a list of
// parts, as a system message; an empty one adds nothing. Gemini CLI writes it as JSON text,
// its prompt (tens of KB) as a JSON string.
func appendGeminiSystem(msgs []Message, v pcommon.Value) []Message {
	if v.Type() == pcommon.ValueTypeStr {
		if part, ok := jsonStringPart(v.Str()); ok {
			if part.Text != "" {
				msgs = append(msgs, Message{Role: "system", Parts: []Part{part}})
			}
			return msgs
		}
	}
	switch sys := anyjson.Value(v); sys.Type() {
	case pcommon.ValueTypeStr:
		if sys.Str() != "" {
			msgs = append(msgs, Message{Role: "system", Parts: []Part{{Text: sys.Str()}}})
		}
	case pcommon.ValueTypeSlice:
		if sys.Slice().Len() > 0 {
			c := pcommon.NewMap()
			sys.Slice().CopyTo(c.PutEmptySlice("parts"))
			msgs = appendGeminiSystemContent(msgs, c)
		}
	case pcommon.ValueTypeMap:
		msgs = appendGeminiSystemContent(msgs, sys.Map())
	}
	return msgs
}

// appendGeminiSystemContent appends content c as the system message: its own role, if any
// ("user"), is not the one it plays.
func appendGeminiSystemContent(msgs []Message, c pcommon.Map) []Message {
	n := len(msgs)
	msgs = appendGeminiContent(msgs, c, "system")
	for i := n; i < len(msgs); i++ {
		if msgs[i].Role != "tool" {
			msgs[i].Role = "system"
		}
	}
	return msgs
}

// appendGeminiTools appends the function declarations of Gemini tools,
// [{functionDeclarations | function_declarations: [...]}], as definitions.
func appendGeminiTools(tools []Tool, v pcommon.Value) []Tool {
	if v.Type() == pcommon.ValueTypeStr {
		if out, ok := appendGeminiToolsJSON(tools, v.Str()); ok {
			return out
		}
	}
	return appendGeminiToolsGeneral(tools, v)
}

// appendGeminiToolsGeneral is appendGeminiTools on parsed values.
func appendGeminiToolsGeneral(tools []Tool, v pcommon.Value) []Tool {
	list := anyjson.Value(v)
	if list.Type() != pcommon.ValueTypeSlice {
		return tools
	}
	for _, t := range list.Slice().All() {
		if t.Type() != pcommon.ValueTypeMap {
			continue
		}
		for _, k := range adkToolKeys {
			decls, ok := t.Map().Get(k)
			if !ok || decls.Type() != pcommon.ValueTypeSlice {
				continue
			}
			for _, d := range decls.Slice().All() {
				tools = appendToolDefinitionGeneral(tools, d)
			}
		}
	}
	return tools
}

// mergeAssistant merges the assistant messages of msgs, streamed chunks of one answer, into
// the first, joining text pieces; other messages keep their place.
func mergeAssistant(msgs []Message) []Message {
	first, kept := -1, 0 // kept: the first message's parts before its last, which stay apart
	out := msgs[:0]
	for _, m := range msgs {
		if m.Role != "assistant" {
			out = append(out, m)
			continue
		}
		if first < 0 {
			first, kept = len(out), max(len(m.Parts)-1, 0)
			out = append(out, m)
			continue
		}
		out[first].Parts = append(out[first].Parts, m.Parts...)
		out[first].ToolCalls = append(out[first].ToolCalls, m.ToolCalls...)
	}
	if first >= 0 {
		// Text streamed in pieces is one text.
		parts := out[first].Parts
		joined := joinTextRuns(parts[kept:]) // in place
		out[first].Parts = parts[:kept+len(joined)]
	}
	return out
}

// joinTextRuns joins each run of adjacent text parts into one, in place.
func joinTextRuns(parts []Part) []Part {
	out := parts[:0]
	for i := 0; i < len(parts); {
		j := i + 1
		for !parts[i].Value.Set && j < len(parts) && !parts[j].Value.Set {
			j++
		}
		out = append(out, joinText(parts[i:j]))
		i = j
	}
	return out
}
