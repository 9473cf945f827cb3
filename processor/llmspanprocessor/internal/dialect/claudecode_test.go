package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// new_context of an llm_request: labelled parts, one message each; a separator inside a
// part's text stays in it.
func TestClaudeCodeContext(t *testing.T) {
	var rec Record
	readClaudeCode(spanWithStrings(map[string]string{
		"span.type": "llm_request",
		"new_context": "[USER]\nfirst\n\n---\n\nnot a label\n\n---\n\n" +
			"[TOOL RESULT: toolu_1]\nresult\n\n---\n\n[USER]\nsecond",
		"response.model_output": "answer",
		"stop_reason":           "end_turn",
	}), &rec)
	require.Equal(t, []string{"user", "tool", "user"}, roles(rec.Input.Messages))
	assert.Equal(t, "first\n\n---\n\nnot a label", rec.Input.Messages[0].Parts[0].Text)
	assert.Equal(t, "toolu_1", rec.Input.Messages[1].ToolCallID)
	assert.Equal(t, "result", rec.Input.Messages[1].Parts[0].Text)
	require.Len(t, rec.Output.Messages, 1)
	assert.Equal(t, "answer", rec.Output.Messages[0].Parts[0].Text)
	assert.Equal(t, "end_turn", rec.Output.Messages[0].FinishReason)
}

// Text without a leading label is passed on as it is; "<REDACTED>" is absent.
func TestClaudeCodeUnlabelled(t *testing.T) {
	var rec Record
	readClaudeCode(spanWithStrings(map[string]string{
		"span.type": "llm_request", "new_context": "withheld", "response.model_output": "<REDACTED>",
	}), &rec)
	assert.Empty(t, rec.Input.Messages)
	assert.Equal(t, "withheld", rec.Input.Value.Str())
	assert.Empty(t, rec.Output.Messages)
	assert.False(t, rec.Output.Value.Set)
}

// A tool span's tool_input and new_context lose their label line; the interaction's
// new_context is read when user_prompt is redacted.
func TestClaudeCodeLabels(t *testing.T) {
	var rec Record
	readClaudeCode(spanWithStrings(map[string]string{
		"span.type":   "tool",
		"tool_input":  "[TOOL INPUT: Read]\n{\"file_path\":\"/a\"}",
		"new_context": "[TOOL RESULT: Read]\ntext",
	}), &rec)
	assert.Equal(t, `{"file_path":"/a"}`, rec.Input.Value.Str())
	assert.Equal(t, "text", rec.Output.Value.Str())

	rec = Record{}
	readClaudeCode(spanWithStrings(map[string]string{
		"span.type": "interaction", "user_prompt": "<REDACTED>", "new_context": "[USER PROMPT]\nhi",
	}), &rec)
	assert.Equal(t, pcommon.ValueTypeStr, rec.Input.Value.Type())
	assert.Equal(t, "hi", rec.Input.Value.Str())
}
