package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestArenaKeepsMessagesApart checks that the slices an arena hands out never overlap: a
// message's items stay together when another's come in between, and an append made elsewhere
// reallocates rather than writing over the next message's.
func TestArenaKeepsMessagesApart(t *testing.T) {
	a := arena{parts: make([]Part, 0, 16)} // room to overwrite
	first := a.addPart(nil, Part{Text: "a"})
	second := a.addPart(nil, Part{Text: "b"})
	first = a.addPart(first, Part{Text: "c"}) // moved after "b"
	second = append(second, Part{Text: "d"})  // as mergeAssistant appends
	second = a.addPart(second, Part{Text: "e"})
	third := a.addPart(nil, Part{Text: "f"})
	assert.Equal(t, []Part{{Text: "a"}, {Text: "c"}}, first)
	assert.Equal(t, []Part{{Text: "b"}, {Text: "d"}, {Text: "e"}}, second)
	assert.Equal(t, []Part{{Text: "f"}}, third)
	assert.Equal(t, cap(first), len(first))
}

// TestRecordArena checks that the streaming readers read the same messages into a Record
// span after span, through its arena, without allocating once its slices have grown.
func TestRecordArena(t *testing.T) {
	in := `[{"role":"user","parts":[{"type":"text","content":"q"},{"type":"tool_call_response","id":"c","response":"r"},{"type":"text","content":"q2"}]},` +
		`{"role":"assistant","parts":[{"type":"tool_call","id":"c","name":"f","arguments":{"a":1}},{"type":"text","content":"t"}]},` +
		`{"role":"assistant","content":[{"type":"text","text":"o"}],"tool_calls":[{"id":"d","function":{"name":"g","arguments":{}}}]}]`
	out := `[{"role":"assistant","content":"x","tool_calls":[{"id":"e","name":"h"}]}]`
	wantIn, okIn := appendGenAIMessagesJSON(nil, in, nil)
	wantOut, okOut := appendOpenAIMessagesJSON(nil, out, nil)
	require.True(t, okIn && okOut)
	var rec Record
	read := func() {
		rec.Reset()
		rec.Input.Messages, _ = appendGenAIMessagesJSON(rec.Input.Messages, in, &rec.arena)
		rec.Output.Messages, _ = appendOpenAIMessagesJSON(rec.Output.Messages, out, &rec.arena)
	}
	for range 3 {
		read()
		require.Equal(t, dump(wantIn), dump(rec.Input.Messages))
		require.Equal(t, dump(wantOut), dump(rec.Output.Messages))
	}
	assert.Zero(t, testing.AllocsPerRun(10, read))
}
