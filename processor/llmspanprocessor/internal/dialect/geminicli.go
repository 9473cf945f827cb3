package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// geminiCLI reads Gemini CLI's traces (google-gemini/gemini-cli packages/core/src/telemetry,
// service and tracer "gemini-cli"; gen_ai.agent.name "gemini-cli"). It uses GenAI keys with
// its own operation names, and puts Gemini contents ({role, parts}, or a plain string) in
// gen_ai.input.messages and one content per streamed chunk in gen_ai.output.messages; the
// chunks are merged into one assistant message.
var geminiCLI = Dialect{
	Name:   "gemini_cli",
	Scopes: []string{"gemini-cli"},
	Read:   readGeminiCLI,
}

var geminiCLIOps = map[string]string{
	"llm_call":   mlflow.SpanTypeLLM,
	"tool_call":  mlflow.SpanTypeTool,
	"agent_call": mlflow.SpanTypeAgent,
}

func readGeminiCLI(span ptrace.Span, rec *Record) {
	var f Fields
	readGenAIWith(span, rec, &f, genAIKeys, nil)
	if t, ok := geminiCLIOps[f.Str(FieldOperation)]; ok {
		rec.SpanType = t
	}
	if in, ok := f.Get(FieldInput); ok {
		if msgs, ok := appendGeminiContents(rec.Input.Messages[:0], in); ok {
			rec.Input = Payload{Messages: msgs}
		} else if prompt, ok := geminiCLIPrompt(in); ok {
			rec.Input = Payload{Messages: append(rec.Input.Messages[:0], Message{Role: "user", Parts: []Part{{Text: prompt}}})}
		}
	}
	if out, ok := f.Get(FieldOutput); ok {
		if msgs, ok := appendGeminiContents(rec.Output.Messages[:0], out); ok {
			rec.Output = Payload{Messages: mergeAssistant(msgs)}
		}
	}
}

// geminiCLIPrompt returns an input that is a prompt, not contents: a string, or a string
// holding a JSON-encoded string.
func geminiCLIPrompt(in pcommon.Value) (string, bool) {
	v := anyjson.Value(in)
	if v.Type() != pcommon.ValueTypeStr {
		return "", false
	}
	if strings.HasPrefix(v.Str(), `"`) {
		if parsed, ok := anyjson.Parse(v.Str()); ok && parsed.Type() == pcommon.ValueTypeStr {
			return parsed.Str(), true
		}
	}
	return v.Str(), true
}

// mergeAssistant merges the assistant messages of msgs, streamed chunks of one answer, into
// the first, joining text pieces; other messages keep their place.
func mergeAssistant(msgs []Message) []Message {
	first := -1
	out := msgs[:0]
	for _, m := range msgs {
		if m.Role != "assistant" {
			out = append(out, m)
			continue
		}
		if first < 0 {
			first = len(out)
			out = append(out, m)
			continue
		}
		// Text streamed in pieces is one text.
		for _, p := range m.Parts {
			parts := out[first].Parts
			if n := len(parts); n > 0 && !p.Value.Set && !parts[n-1].Value.Set {
				parts[n-1].AppendText(p)
			} else {
				out[first].Parts = append(parts, p)
			}
		}
		out[first].ToolCalls = append(out[first].ToolCalls, m.ToolCalls...)
	}
	return out
}
