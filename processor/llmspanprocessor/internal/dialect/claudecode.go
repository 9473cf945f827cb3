package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// claudeCode reads the traces of Claude Code and the Claude Agent SDK
// (https://code.claude.com/docs/en/monitoring-usage#traces-beta). Its spans use bare keys:
// span.type, model, input_tokens (which excludes cache, as in Anthropic's API), user_prompt,
// tool_input, response.model_output, and new_context: on an llm_request the messages added
// since the previous request, as labelled text parts ("[USER]", "[TOOL RESULT: id]"); on a
// tool span its result. The other content values start with a label line too ("[TOOL INPUT:
// Read]", "[USER PROMPT]"), which is dropped. Content is "<REDACTED>" or absent unless the
// user opts in (new_context, tool_input and response.model_output only with the detailed
// beta, ENABLE_BETA_TRACING_DETAILED); "<REDACTED>" counts as absent.
var claudeCode = Dialect{
	Name:   "claude_code",
	Scopes: []string{"com.anthropic.claude_code.tracing"},
	Read:   readClaudeCode,
}

const claudeCodeRedacted = "<REDACTED>"

// claudeCodeTypes maps span.type, without its "claude_code." prefix, to span types. Only the
// three kinds MLflow's own translator knows are typed.
var claudeCodeTypes = map[string]string{
	"interaction": mlflow.SpanTypeAgent,
	"llm_request": mlflow.SpanTypeLLM,
	"tool":        mlflow.SpanTypeTool,
}

// claudeCodeToolDetails are written as the input of a tool span that has no tool_input.
var claudeCodeToolDetails = [...]string{"full_command", "file_path", "skill_name", "subagent_type"}

func readClaudeCode(span ptrace.Span, rec *Record) {
	var (
		kind                                     string
		model, userPrompt, newContext, toolInput Any
		modelOutput                              Any
		input, output, cacheRead, cacheCreation  Count
		details                                  [len(claudeCodeToolDetails)]Any
		stopReason                               string
	)
	content := func(v pcommon.Value) Any {
		if v.Type() == pcommon.ValueTypeStr && (v.Str() == "" || v.Str() == claudeCodeRedacted) {
			return Any{}
		}
		return Some(v)
	}
	for k, v := range span.Attributes().All() {
		switch k {
		case "span.type":
			kind = scalarString(v)
		case "model":
			model = Some(v)
		case "gen_ai.request.model":
			if !model.Set {
				model = Some(v)
			}
		case "gen_ai.system":
			rec.Provider = lower(scalarString(v))
		case "input_tokens":
			input = countOf(v)
		case "output_tokens":
			output = countOf(v)
		case "cache_read_tokens":
			cacheRead = countOf(v)
		case "cache_creation_tokens":
			cacheCreation = countOf(v)
		case "user_prompt":
			userPrompt = content(v)
		case "new_context":
			newContext = content(v)
		case "tool_input":
			toolInput = content(v)
		case "response.model_output":
			modelOutput = content(v)
		case "stop_reason":
			stopReason = scalarString(v)
		default:
			for i, d := range claudeCodeToolDetails {
				if k == d {
					details[i] = content(v)
				}
			}
		}
	}
	if kind == "" {
		kind = span.Name()
	}
	kind = strings.TrimPrefix(kind, "claude_code.")
	rec.SpanType = claudeCodeTypes[kind]
	if model.Set {
		rec.Model = scalarString(model.Value)
	}

	switch kind {
	case "interaction":
		rec.Input.Value = firstSet(userPrompt, claudeCodeUnwrap(newContext, "[USER PROMPT"))
	case "llm_request":
		if msgs, ok := appendClaudeCodeContext(rec.Input.Messages[:0], newContext); ok {
			rec.Input.Messages = msgs
		} else {
			rec.Input.Value = newContext
		}
		if modelOutput.Set && modelOutput.Type() == pcommon.ValueTypeStr {
			rec.Output.Messages = append(rec.Output.Messages[:0], Message{
				Role: "assistant", Parts: []Part{{Text: modelOutput.Str()}}, FinishReason: stopReason,
			})
		} else {
			rec.Output.Value = modelOutput
		}
		// Usage only on model calls: input_tokens excludes cache reads and writes.
		rec.Usage = Usage{Input: input, Output: output, CacheRead: cacheRead, CacheCreation: cacheCreation}
		rec.Usage.IncludeCache()
	case "tool":
		rec.Input.Value = claudeCodeUnwrap(toolInput, "[TOOL INPUT:")
		if !toolInput.Set {
			rec.Input.Value = claudeCodeDetails(details[:])
		}
		rec.Output.Value = claudeCodeUnwrap(newContext, "[TOOL RESULT:")
		if !newContext.Set {
			rec.Output.Value = claudeCodeToolOutput(span)
		}
	}
}

// claudeCodeUnwrap returns a text without its label line ("[TOOL INPUT: Read]\n{...}"); the
// writer writes the rest as JSON when it is JSON.
func claudeCodeUnwrap(a Any, label string) Any {
	if !a.Set || a.Type() != pcommon.ValueTypeStr || !strings.HasPrefix(a.Str(), label) {
		return a
	}
	_, rest, ok := strings.Cut(a.Str(), "]\n")
	if !ok {
		return a
	}
	return Some(pcommon.NewValueStr(rest))
}

// claudeCodeSeparator joins the parts of an llm_request's new_context.
const claudeCodeSeparator = "\n\n---\n\n"

// appendClaudeCodeContext reads new_context as messages: "[USER]\n<text>" is a user message,
// "[TOOL RESULT: <tool_use_id>]\n<content>" a tool message. A separator that no label follows
// belongs to the text before it. Text that does not start with a label is not read.
func appendClaudeCodeContext(msgs []Message, a Any) (_ []Message, ok bool) {
	if !a.Set || a.Type() != pcommon.ValueTypeStr {
		return msgs, false
	}
	start := len(msgs)
	for i, piece := range strings.Split(a.Str(), claudeCodeSeparator) {
		label, text, _ := strings.Cut(piece, "\n")
		var m Message
		switch {
		case label == "[USER]":
			m = Message{Role: "user"}
		case strings.HasPrefix(label, "[TOOL RESULT: ") && strings.HasSuffix(label, "]"):
			m = Message{Role: "tool", ToolCallID: label[len("[TOOL RESULT: ") : len(label)-1]}
		case i == 0:
			return msgs[:start], false
		default:
			last := &msgs[len(msgs)-1].Parts[0]
			last.Text += claudeCodeSeparator + piece
			continue
		}
		m.Parts = []Part{{Text: text}}
		msgs = append(msgs, m)
	}
	return msgs, true
}

// claudeCodeDetails gathers the tool details that are present into one map.
func claudeCodeDetails(details []Any) Any {
	var m pcommon.Value
	found := false
	for i, d := range details {
		if !d.Set {
			continue
		}
		if !found {
			m, found = pcommon.NewValueMap(), true
		}
		d.CopyTo(m.Map().PutEmpty(claudeCodeToolDetails[i]))
	}
	if !found {
		return Any{}
	}
	return Some(m)
}

// claudeCodeToolOutput reads the tool.output event: its output, content or diff.
func claudeCodeToolOutput(span ptrace.Span) Any {
	for _, ev := range span.Events().All() {
		if ev.Name() != "tool.output" {
			continue
		}
		for _, k := range [...]string{"output", "content", "diff"} {
			if v, ok := ev.Attributes().Get(k); ok && !(v.Type() == pcommon.ValueTypeStr && (v.Str() == "" || v.Str() == claudeCodeRedacted)) {
				return Some(v)
			}
		}
	}
	return Any{}
}
