package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// strands reads Strands Agents (strands-agents/sdk-python src/strands/telemetry/tracer.py).
// It speaks GenAI, with gen_ai.system or gen_ai.provider.name "strands-agents" (dropped: it is
// not the model's provider), and puts messages either in the deprecated per-message events
// with Bedrock Converse content blocks as JSON ([{"text"}, {"toolUse"}, {"toolResult"}]), or,
// with OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental, in the operation-details
// event. Agent spans carry the usage accumulated over the agent's model calls: it is dropped.
// An event loop cycle's output is its model reply and the results of the tools it ran. Memory
// spans keep their query, content and entries in memory.* events.
var strands = Dialect{
	Name:   "strands",
	Scopes: []string{"strands.telemetry.tracer"},
	Read:   readStrands,
}

var strandsKeys = withKeys(genAIKeys, Keys{
	"gen_ai.usage.cache_write_input_tokens": {FieldCacheCreationTokens, 1},
})

const (
	strandsCycle = "execute_event_loop_cycle"
	// strandsMemory begins the operations of memory spans (1.62): memory.search, memory.add,
	// memory.inject, memory.extract.
	strandsMemory = "memory."
)

func readStrands(span ptrace.Span, rec *Record) {
	var f Fields
	readGenAIWith(span, rec, &f, strandsKeys, nil)

	op := f.Str(FieldOperation)
	switch {
	case span.Name() == strandsCycle || op == strandsCycle:
		rec.SpanType = mlflow.SpanTypeChain
	case strings.HasPrefix(op, "invoke_"): // invoke_agent, and invoke_swarm, invoke_graph, ...
		rec.SpanType = mlflow.SpanTypeAgent
	case strings.HasPrefix(op, strandsMemory):
		rec.SpanType = mlflow.SpanTypeMemory
	}

	switch rec.SpanType {
	case mlflow.SpanTypeTool:
		strandsToolPayloads(span, rec, &f)
	case mlflow.SpanTypeMemory:
		strandsMemoryPayloads(span, rec)
	default:
		strandsEventMessages(span, rec)
		if rec.SpanType == mlflow.SpanTypeChain {
			strandsCycleResults(span, rec)
		}
		strandsToolMessages(rec.Input.Messages)
		strandsToolMessages(rec.Output.Messages)
	}
	if rec.SpanType == mlflow.SpanTypeAgent {
		rec.Usage = Usage{} // accumulated over the agent's model calls
	}
	// inputTokens excludes cache with Bedrock and Anthropic models and includes it with OpenAI
	// ones; Strands' totalTokens tells which.
	rec.Usage.includeCacheIfExclusive()
}

// strandsEventMessages replaces the messages read from deprecated events, whose content is a
// JSON list of content blocks, with the messages those blocks hold.
func strandsEventMessages(span ptrace.Span, rec *Record) {
	var in, out []Message
	for _, ev := range span.Events().All() {
		attrs := ev.Attributes()
		if ev.Name() == genAIEventChoice {
			msg := Message{Role: "assistant", FinishReason: str(attrs, "finish_reason")}
			if m, ok := attrs.Get("message"); ok {
				msg = strandsMessage(msg, m)
			}
			out = append(out, msg)
			// A cycle that ran tools ends with their results: what it adds to the conversation.
			if r, ok := attrs.Get("tool.result"); ok {
				out = appendStrandsMessage(out, "tool", r)
			}
			continue
		}
		role, ok := genAIMessageEvents[ev.Name()]
		if !ok {
			continue
		}
		if r := str(attrs, "role"); r != "" {
			role = r
		}
		if c, ok := attrs.Get("content"); ok {
			in = appendStrandsMessage(in, role, c)
		} else {
			in = append(in, Message{Role: role})
		}
	}
	if len(in) > 0 {
		rec.Input = Payload{Messages: append(rec.Input.Messages[:0], in...)}
	}
	if len(out) > 0 {
		rec.Output = Payload{Messages: append(rec.Output.Messages[:0], out...)}
	}
}

// appendStrandsMessage appends a message of the given role made of content blocks; each
// toolResult block becomes a tool message. Text that is no list of content blocks is the
// message's text, even when it holds a JSON list: an agent's answer (end_agent_span writes
// str(response)) may well be one.
func appendStrandsMessage(msgs []Message, role string, content pcommon.Value) []Message {
	if content.Type() == pcommon.ValueTypeStr {
		if out, ok := appendStrandsMessageJSON(msgs, role, content.Str()); ok {
			return out
		}
	}
	return appendStrandsMessageGeneral(msgs, role, content)
}

// appendStrandsMessageGeneral is appendStrandsMessage on parsed values.
func appendStrandsMessageGeneral(msgs []Message, role string, content pcommon.Value) []Message {
	blocks := anyjson.Value(content)
	if blocks.Type() != pcommon.ValueTypeSlice || content.Type() == pcommon.ValueTypeStr && !strandsBlockList(blocks.Slice()) {
		return append(msgs, Message{Role: role, Parts: contentParts(Some(content))})
	}
	msg := Message{Role: role}
	var results int
	for _, b := range blocks.Slice().All() {
		if b.Type() != pcommon.ValueTypeMap {
			msg.Parts = append(msg.Parts, Part{Value: Some(b)})
			continue
		}
		bm := b.Map()
		if text, ok := bm.Get("text"); ok && text.Type() == pcommon.ValueTypeStr {
			msg.Parts = append(msg.Parts, Part{Text: text.Str()})
		} else if use, ok := bm.Get("toolUse"); ok && use.Type() == pcommon.ValueTypeMap {
			msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: str(use.Map(), "toolUseId"), Name: str(use.Map(), "name"), Arguments: get(use.Map(), "input")})
		} else if res, ok := bm.Get("toolResult"); ok && res.Type() == pcommon.ValueTypeMap {
			results++
			msgs = append(msgs, Message{Role: "tool", ToolCallID: str(res.Map(), "toolUseId"), Parts: resultParts(strandsResult(get(res.Map(), "content")))})
		} else {
			msg.Parts = append(msg.Parts, Part{Value: Some(b)})
		}
	}
	if results > 0 && len(msg.Parts) == 0 && len(msg.ToolCalls) == 0 {
		return msgs
	}
	if msg.Role == "tool" && results > 0 {
		msg.Role = "user" // the rest of a tool result message, as Bedrock sends it
	}
	return append(msgs, msg)
}

// strandsBlockKeys are the members of a Bedrock content block (strands/types/content.py
// ContentBlock; Bedrock's ContentBlock adds audio and searchResult).
var strandsBlockKeys = map[string]bool{
	"text": true, "toolUse": true, "toolResult": true, "image": true, "document": true,
	"video": true, "audio": true, "reasoningContent": true, "cachePoint": true,
	"guardContent": true, "citationsContent": true, "searchResult": true,
}

// strandsBlockList reports whether list holds content blocks, objects with a block's member,
// and nothing else. An empty list is no message content either: it is an answer's text.
func strandsBlockList(list pcommon.Slice) bool {
	if list.Len() == 0 {
		return false
	}
	for _, b := range list.All() {
		if b.Type() != pcommon.ValueTypeMap || !strandsBlock(b.Map()) {
			return false
		}
	}
	return true
}

func strandsBlock(m pcommon.Map) bool {
	for k := range m.All() {
		if strandsBlockKeys[k] {
			return true
		}
	}
	return false
}

// strandsMessage fills an output message from a gen_ai.choice message: content blocks, or
// the agent's final text.
func strandsMessage(msg Message, m pcommon.Value) Message {
	read := appendStrandsMessage(nil, msg.Role, m)
	if len(read) == 1 && read[0].Role == msg.Role {
		msg.Parts, msg.ToolCalls = read[0].Parts, read[0].ToolCalls
	}
	return msg
}

// strandsResult simplifies a tool result's content blocks: text blocks become their text, a
// single json block its value; anything else stays as it is.
func strandsResult(content Any) Any {
	if !content.Set {
		return content
	}
	blocks := anyjson.Value(content.Value)
	if blocks.Type() != pcommon.ValueTypeSlice || blocks.Slice().Len() == 0 {
		return content
	}
	if r, ok := strandsBlocks(blocks.Slice()); ok {
		return r
	}
	return Some(blocks)
}

// strandsBlocks is strandsResult on a list of blocks; ok is false when they are not all text
// blocks or a single json block.
func strandsBlocks(blocks pcommon.Slice) (_ Any, ok bool) {
	var texts []string
	for _, b := range blocks.All() {
		if b.Type() != pcommon.ValueTypeMap {
			return Any{}, false
		}
		if blocks.Len() == 1 {
			if j, ok := b.Map().Get("json"); ok {
				return Some(j), true
			}
		}
		t, ok := b.Map().Get("text")
		if !ok || t.Type() != pcommon.ValueTypeStr {
			return Any{}, false
		}
		texts = append(texts, t.Str())
	}
	return Some(pcommon.NewValueStr(strings.Join(texts, "\n"))), true
}

// strandsToolMessages simplifies the content of tool messages read from the latest
// conventions' tool_call_response parts, whose response is the tool result's content blocks
// as they are ([{"text": ...}]), as strandsResult does. Other messages are left alone.
func strandsToolMessages(msgs []Message) {
	for i := range msgs {
		m := &msgs[i]
		if m.Role != "tool" || len(m.Parts) == 0 {
			continue
		}
		if blocks, ok := strandsPartBlocks(m.Parts); ok {
			if r, ok := strandsBlocks(blocks); ok {
				m.Parts = resultParts(r)
			}
		}
	}
}

// strandsPartBlocks returns parts as a list of blocks when each is an object.
func strandsPartBlocks(parts []Part) (pcommon.Slice, bool) {
	blocks := pcommon.NewSlice()
	for _, p := range parts {
		v := p.Value.Value
		if p.Value.JSON != "" {
			v, _ = anyjson.Parse(p.Value.JSON)
		}
		if !p.Value.Set || v.Type() != pcommon.ValueTypeMap {
			return blocks, false
		}
		v.CopyTo(blocks.AppendEmpty())
	}
	return blocks, true
}

// strandsCycleResults sets a cycle span's output, with the latest conventions, to the tool
// results that Strands adds when the cycle ends, as a second gen_ai.input.messages (they are
// the next model call's input); the first holds the cycle's input. The default conventions
// put them in gen_ai.choice's tool.result, read by strandsEventMessages.
func strandsCycleResults(span ptrace.Span, rec *Record) {
	first := true
	var out []Message
	for _, ev := range span.Events().All() {
		if ev.Name() != genAIEventDetails {
			continue
		}
		v, ok := ev.Attributes().Get("gen_ai.input.messages")
		if !ok {
			continue
		}
		if first {
			first = false
			continue
		}
		out, _ = appendGenAIMessages(out, v, &rec.arena)
	}
	if len(out) > 0 && len(rec.Output.Messages) == 0 && !rec.Output.Value.Set {
		rec.Output = Payload{Messages: out}
	}
}

// strandsToolPayloads sets a tool span's input to the tool's arguments and its output to its
// result, from the deprecated events (gen_ai.tool.message content, gen_ai.choice message) or
// the operation-details event's single tool_call / tool_call_response part.
func strandsToolPayloads(span ptrace.Span, rec *Record, f *Fields) {
	args, result := strandsPart(f, FieldInput, "arguments"), strandsPart(f, FieldOutput, "response")
	for _, ev := range span.Events().All() {
		switch ev.Name() {
		case "gen_ai.tool.message":
			if !args.Set {
				args = get(ev.Attributes(), "content")
			}
		case genAIEventChoice:
			if !result.Set {
				result = get(ev.Attributes(), "message")
			}
		}
	}
	if args.Set {
		rec.Input = Payload{Messages: rec.Input.Messages[:0], Value: args}
	}
	if result.Set {
		rec.Output = Payload{Messages: rec.Output.Messages[:0], Value: strandsResult(result)}
	}
}

// strandsMemoryPayloads sets a memory span's input to the query searched or the content added,
// and its output to the entries found, from the events Strands records them in, {content}.
func strandsMemoryPayloads(span ptrace.Span, rec *Record) {
	for _, ev := range span.Events().All() {
		switch ev.Name() {
		case "memory.query", "memory.content":
			rec.Input.fill(get(ev.Attributes(), "content"), false)
		case "memory.results":
			rec.Output.fill(get(ev.Attributes(), "content"), false)
		}
	}
}

// strandsPart returns key of the first part of the first message in a GenAI messages field.
func strandsPart(f *Fields, field Field, key string) Any {
	v, ok := f.Get(field)
	if !ok {
		return Any{}
	}
	if v.Type() == pcommon.ValueTypeStr {
		if part, ok := strandsPartJSON(v.Str(), key); ok {
			return part
		}
	}
	return strandsPartGeneral(v, key)
}

// strandsPartGeneral is strandsPart on parsed values.
func strandsPartGeneral(v pcommon.Value, key string) Any {
	msgs := anyjson.Value(v)
	if msgs.Type() != pcommon.ValueTypeSlice || msgs.Slice().Len() == 0 || msgs.Slice().At(0).Type() != pcommon.ValueTypeMap {
		return Any{}
	}
	parts, ok := msgs.Slice().At(0).Map().Get("parts")
	if !ok || parts.Type() != pcommon.ValueTypeSlice || parts.Slice().Len() == 0 || parts.Slice().At(0).Type() != pcommon.ValueTypeMap {
		return Any{}
	}
	return get(parts.Slice().At(0).Map(), key)
}
