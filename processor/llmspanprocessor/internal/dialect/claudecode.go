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
// new_context, tool_input, response.model_output. Content is "<REDACTED>" unless the user
// opts in; that value counts as absent.
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
		rec.Input.Value = firstSet(userPrompt, newContext)
	case "llm_request":
		rec.Input.Value = newContext
		rec.Output.Value = modelOutput
		// Usage only on model calls: input_tokens excludes cache reads and writes.
		rec.Usage = Usage{Input: input, Output: output, CacheRead: cacheRead, CacheCreation: cacheCreation}
		rec.Usage.includeCache()
	case "tool":
		rec.Input.Value = toolInput
		if !toolInput.Set {
			rec.Input.Value = claudeCodeDetails(details[:])
		}
		rec.Output.Value = newContext
		if !newContext.Set {
			rec.Output.Value = claudeCodeToolOutput(span)
		}
	}
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
