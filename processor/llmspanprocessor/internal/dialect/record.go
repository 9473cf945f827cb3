package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// Record is what a dialect understood of one span, independent of any wire format. Zero
// values mean "not said": the writer only adds what a record holds.
type Record struct {
	SpanType string // an mlflow.SpanType* constant
	Input    Payload
	Output   Payload
	Tools    []Tool
	Usage    Usage
	Model    string
	Provider string // lower case
	// SessionID and UserID come from dialect-specific keys; the writer copies them to the OTel
	// session.id and user.id keys when those are absent.
	SessionID string
	UserID    string
	// MessageFormat names the UI parser for a native message shape the dialect passes on as a
	// Value. Leave it empty for Messages: the writer sets the format of the shape it writes.
	MessageFormat string
	// Cost is the call's cost as the source reported it. Unset, the processor prices Usage
	// from its price table; either way the writer writes it as mlflow.llm.cost.
	Cost Cost
	// arena holds the parts and tool calls that the streaming message readers read.
	arena arena
}

// Reset empties r, keeping the capacity of its slices, and of its arena, for the next span.
func (r *Record) Reset() {
	in, out, tools, a := r.Input.Messages[:0], r.Output.Messages[:0], r.Tools[:0], r.arena
	*r = Record{} // cheaper than assigning a literal that reads r, which is built apart and copied
	r.Input.Messages, r.Output.Messages, r.Tools = in, out, tools
	r.arena = arena{parts: a.parts[:0], calls: a.calls[:0]}
}

// arena holds the Parts and ToolCalls of the messages the streaming GenAI and OpenAI readers
// read for a span, which then need no allocation per message. A Record keeps it, emptied with
// its capacity by Reset as it keeps its Messages slices, and the dialects give &rec.arena to
// the readers that read into rec.Input and rec.Output; a reader given nil appends as usual.
// Nothing read from a span outlives its Reset. A message's items are a slice of the arena whose
// capacity ends at its length (s[i:j:j]), so that an append to it elsewhere reallocates instead
// of overwriting the next message's items; and until Reset the arena only grows, never writing
// over an item it handed out.
type arena struct {
	parts []Part
	calls []ToolCall
}

// addPart is append(parts, p) for the parts of one message, kept in a unless a is nil.
func (a *arena) addPart(parts []Part, p Part) []Part {
	if a == nil {
		return append(parts, p)
	}
	return arenaAppend(&a.parts, parts, p)
}

// addCall is append(calls, c) for the tool calls of one message, kept in a unless a is nil.
func (a *arena) addCall(calls []ToolCall, c ToolCall) []ToolCall {
	if a == nil {
		return append(calls, c)
	}
	return arenaAppend(&a.calls, calls, c)
}

// arenaAppend returns s, items of store, with v appended, as a slice of store: in place when s
// ends store, as for items read one after another, else moved to its end first (when items of
// another message came in between, a tool result read from a message's parts).
func arenaAppend[T any](store *[]T, s []T, v T) []T {
	st := *store
	if len(s) > 0 && (len(st) == 0 || &s[len(s)-1] != &st[len(st)-1]) {
		st = append(st, s...)
	}
	st = append(st, v)
	*store = st
	n := len(st)
	return st[n-len(s)-1 : n : n]
}

// Payload is a span's input or output: chat messages, or any other value.
type Payload struct {
	Messages []Message
	Value    Any // used when Messages is empty
	// Text tells that a string Value is text even when it reads as JSON (OpenInference's
	// text/plain mime type): "null" or "[1]" typed by a user is not JSON.
	Text bool
}

// Message is one chat message. Content parts keep their order.
type Message struct {
	Role         string
	Name         string
	Parts        []Part
	ToolCalls    []ToolCall
	ToolCallID   string // on a tool message: the call it answers
	FinishReason string // on an output message, in the source's vocabulary
}

// Part is one piece of message content: text, or another part kept as the source wrote it.
type Part struct {
	Text string
	// Encoded tells that Text is still as written inside a JSON string, which is how the
	// writer's encoder would write it, so that it is copied rather than decoded and encoded
	// again (see anyjson.Scanner.Text).
	Encoded bool
	Value   Any // a non-text part (image, reasoning, file, ...) or a structured tool result
}

// joinText joins text parts into one, building the text once: appending them one by one
// would copy the text so far for each, quadratic in a stream of many small chunks. The result
// is Encoded when all of them are; when some are not, every text is decoded.
func joinText(parts []Part) Part {
	if len(parts) == 1 {
		return parts[0]
	}
	n, encoded, mixed := 0, parts[0].Encoded, false
	for _, p := range parts {
		n += len(p.Text)
		mixed = mixed || p.Encoded != encoded
	}
	var b strings.Builder
	b.Grow(n) // a decoded text is no longer than its encoding
	for _, p := range parts {
		if mixed {
			b.WriteString(p.decoded())
		} else {
			b.WriteString(p.Text)
		}
	}
	return Part{Text: b.String(), Encoded: encoded && !mixed}
}

func (p *Part) decoded() string {
	if !p.Encoded {
		return p.Text
	}
	s, _ := anyjson.Unescape(p.Text)
	return s
}

// ToolCall is a model's request to call a tool.
type ToolCall struct {
	ID        string
	Name      string
	Arguments Any // a string holding JSON, or a structured value
}

// Tool is a tool definition offered to the model.
type Tool struct {
	Name        string
	Description string
	Parameters  Any // JSON schema
}

// Usage holds token counts. Input includes cached tokens, as in GenAI and MLflow.
type Usage struct {
	Input, Output, Total, CacheRead, CacheCreation Count
}

// Cost is a cost in USD. A part the source leaves out is 0; Total is Input + Output when the
// source gives no total.
type Cost struct {
	Input, Output, Total float64
	Set                  bool
}

// Count is a token count that may be unknown; zero is a valid count.
type Count struct {
	N   int64
	Set bool
}

// Any is an attribute value passed on as the instrumentation wrote it; it may be absent.
type Any struct {
	pcommon.Value
	Set bool
	// JSON, when not empty, holds the value as JSON text that a streaming reader has checked
	// and not parsed, and Value is empty: only the writer reads such values, and it transcodes
	// the text instead of building pdata values (see anyjson.Encoder.JSON), or copies it when
	// Canonical tells that transcoding would write it unchanged (anyjson.Scanner.RawCanonical).
	JSON      string
	Canonical bool
}

// Some wraps a present value.
func Some(v pcommon.Value) Any { return Any{Value: v, Set: true} }

// SomeJSON wraps a present value given as well-formed JSON text.
func SomeJSON(text string) Any { return Any{Set: true, JSON: text} }

// someCheckedJSON wraps JSON text read with anyjson.Scanner.RawCanonical, which told whether
// it is canonical.
func someCheckedJSON(text string, canonical bool) Any {
	return Any{Set: true, JSON: text, Canonical: canonical}
}

// fill sets p's value to v, when v is set and p holds no messages, and no value unless
// override: a retriever's own documents outrank the output.value that repeats them.
func (p *Payload) fill(v Any, override bool) {
	if v.Set && len(p.Messages) == 0 && (override || !p.Value.Set) {
		p.Value = v
	}
}
