package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Spans other than actions have no subtype: genkit:type types them.
func TestGenkitTypes(t *testing.T) {
	for typ, want := range map[string]string{
		"util": "AGENT", "flowStep": "CHAIN", "dotprompt": "CHAIN", "promptTemplate": "CHAIN", "other": "",
	} {
		var rec Record
		readGenkit(spanWithStrings(map[string]string{"genkit:type": typ, "genkit:input": `"x"`}), &rec)
		assert.Equal(t, want, rec.SpanType, typ)
		assert.True(t, rec.Input.Value.Set, typ)
	}
	var rec Record
	readGenkit(spanWithStrings(map[string]string{"genkit:input": `"x"`}), &rec)
	assert.Equal(t, Record{}, rec, "not a Genkit span")
}

// ai.generate's span: chat messages, the model of its options, the response without usage
// (the model spans count it), and no tool definitions from its tool names.
func TestGenkitGenerate(t *testing.T) {
	for _, input := range []string{
		`{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":[{"text":"Weather?"}]}],"tools":["/tool/get_weather"],"config":{}}`,
		`{"model":"openai/gpt-4o-mini","model2":1,"messages":"[{\"role\":\"user\",\"content\":[{\"text\":\"Weather?\"}]}]","tools":["/tool/get_weather"]}`,
	} {
		var rec Record
		readGenkit(spanWithStrings(map[string]string{
			"genkit:type":   "util",
			"genkit:name":   "generate",
			"genkit:input":  input,
			"genkit:output": `{"message":{"role":"model","content":[{"text":"Sunny."}]},"finishReason":"stop","usage":{"inputTokens":27,"outputTokens":7}}`,
		}), &rec)
		assert.Equal(t, "AGENT", rec.SpanType)
		assert.Equal(t, []string{"user"}, roles(rec.Input.Messages), input)
		assert.Equal(t, []string{"assistant"}, roles(rec.Output.Messages))
		assert.Equal(t, "stop", rec.Output.Messages[0].FinishReason)
		assert.Equal(t, Usage{}, rec.Usage)
		assert.Empty(t, rec.Tools)
		assert.Equal(t, "openai", rec.Provider)
		assert.Equal(t, "gpt-4o-mini", rec.Model)
	}
}

func TestGenkitEmbedder(t *testing.T) {
	var rec Record
	readGenkit(spanWithStrings(map[string]string{
		"genkit:type":             "action",
		"genkit:metadata:subtype": "embedder",
		"genkit:name":             "openai/text-embedding-3-small",
		"genkit:input":            `{"input":[{"content":[{"text":"hello "},{"text":"world"}]},{"content":[],"metadata":{"k":1}}],"options":{}}`,
		"genkit:output":           `{"embeddings":[{"embedding":[0.1,0.2]},{"embedding":[],"metadata":{"k":1}}]}`,
	}), &rec)
	assert.Equal(t, "EMBEDDING", rec.SpanType)
	assert.Equal(t, []any{"hello world", ""}, rec.Input.Value.AsRaw())
	assert.Equal(t, `[[0.1,0.2],[]]`, rec.Output.Value.Str())
	assert.Equal(t, "openai", rec.Provider)
	assert.Equal(t, "text-embedding-3-small", rec.Model)
}

// Documents with other parts than text, and responses of another shape, stay as they are.
func TestGenkitEmbeddingKept(t *testing.T) {
	for _, docs := range []string{
		`[{"content":[{"media":{"url":"u"}}]}]`, `[{"content":[{"text":"a","metadata":{}}]}]`,
		`[{"content":[{"text":1}]}]`, `[{"content":"a"}]`, `[{}]`, `["a"]`, `{}`,
	} {
		v := pcommon.NewValueStr(docs)
		_, ok := genkitDocumentTexts(v)
		assert.False(t, ok, docs)
	}
	for _, out := range []string{
		`{"embeddings":[{"embedding":"AAA="}]}`, `{"embeddings":[{}]}`, `{"embeddings":[1]}`, `{"embeddings":{}}`,
		`{}`, `[]`, `{"embeddings":[{"embedding":[1]}]} x`, `{"embeddings":[{"embedding":[1],"embedding":[2]}]}`,
		`{"embeddings":[],"embeddings":[]}`, `{"embeddings":[{"embedding":[1}]}`,
	} {
		_, ok := genkitVectorsJSON(out)
		assert.False(t, ok, out)
	}
	got, ok := genkitVectorsJSON(` { "embeddings" : [ ] , "x" : 1 } `)
	require.True(t, ok)
	assert.Equal(t, `[]`, got)
}

// An agent of genkit/beta records no input; its output holds the answer and the session.
func TestGenkitAgent(t *testing.T) {
	var rec Record
	readGenkit(spanWithStrings(map[string]string{
		"genkit:type":                     "action",
		"genkit:metadata:subtype":         "agent",
		"genkit:name":                     "weatherAgent",
		"genkit:metadata:agent:sessionId": "s-1",
		"genkit:init":                     `{"sessionId":"s-1"}`,
		"genkit:output":                   `{"sessionId":"s-1","message":{"role":"model","content":[{"text":"Sunny."}]},"finishReason":"stop","state":{"messages":[]}}`,
	}), &rec)
	assert.Equal(t, "AGENT", rec.SpanType)
	assert.False(t, rec.Input.Value.Set)
	assert.Equal(t, []string{"assistant"}, roles(rec.Output.Messages))
	assert.Equal(t, "s-1", rec.SessionID)
	assert.Empty(t, rec.Model)
}
