// Package mlflowattr turns dialect records into MLflow span attributes. It is the one place
// that decides how MLflow values are encoded, and it never overwrites an attribute that is
// already there.
package mlflowattr // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/mlflowattr"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"
)

// formatOpenAI tells MLflow's UI that inputs and outputs are OpenAI chat messages.
const formatOpenAI = "openai"

// Writer writes records as MLflow attributes. Every mlflow.* value is a string holding JSON
// text, as MLflow's SDK writes it: the server decodes one JSON layer of each string attribute,
// so JSON text round-trips exactly while a raw "123" or "{...}" would not. A Writer reuses its
// buffers and is not safe for concurrent use.
type Writer struct {
	maxSize int // 0: no cap
	enc     anyjson.Encoder
	nested  anyjson.Encoder // JSON that is itself written as a string: tool call arguments
	kinds   []partClass     // how the parts of the message being written are written
	pending []pendingValue  // values encoded in enc, not yet put
	skipped []string        // keys of the last Write's values that no truncation made fit
}

// pendingValue is one encoded value: enc's bytes [start, end).
type pendingValue struct {
	key        string
	start, end int
}

// NewWriter returns a Writer that truncates any value longer than maxSize bytes once encoded
// (see truncateJSON), and skips a value that truncating strings cannot make short enough; 0
// disables the cap.
func NewWriter(maxSize int) *Writer {
	return &Writer{maxSize: maxSize}
}

// Write adds the MLflow attributes that rec implies to attrs and reports whether it added any.
// Attributes that already exist are kept as they are. mayExist false tells that attrs holds
// no key for which IsWrittenKey is true, which the caller found in its own pass over the keys:
// Write then spares a scan of them all (Get) for every attribute it writes.
func (w *Writer) Write(rec *dialect.Record, attrs pcommon.Map, mayExist bool) bool {
	// Every value is encoded into the one buffer first, then put in the same order (see
	// putPending): the keys are distinct, so deferring the puts changes nothing else.
	w.enc.Reset()
	w.pending = w.pending[:0]
	w.skipped = w.skipped[:0]
	put := func(key string, encode func()) {
		if mayExist && exists(attrs, key) {
			return
		}
		start := w.enc.Len()
		w.enc.Next()
		encode()
		w.pending = append(w.pending, pendingValue{key: key, start: start, end: w.enc.Len()})
	}

	if rec.SpanType != "" {
		put(mlflow.AttrSpanType, func() { w.enc.Str(rec.SpanType) })
	}
	format := rec.MessageFormat
	if len(rec.Input.Messages) > 0 {
		put(mlflow.AttrSpanInputs, func() { w.chatRequest(rec.Input.Messages) })
		format = formatOpenAI
	} else if rec.Input.Value.Set {
		put(mlflow.AttrSpanInputs, func() { w.value(rec.Input.Value.Value, rec.Input.Text) })
	}
	if len(rec.Output.Messages) > 0 {
		put(mlflow.AttrSpanOutputs, func() { w.chatResponse(rec.Output.Messages) })
		format = formatOpenAI
	} else if rec.Output.Value.Set {
		put(mlflow.AttrSpanOutputs, func() { w.value(rec.Output.Value.Value, rec.Output.Text) })
	}
	if format != "" {
		put(mlflow.AttrMessageFormat, func() { w.enc.Str(format) })
	}
	if u := rec.Usage; u.Input.Set || u.Output.Set {
		put(mlflow.AttrChatTokenUsage, func() { w.usage(u) })
	}
	if len(rec.Tools) > 0 {
		put(mlflow.AttrChatTools, func() { w.tools(rec.Tools) })
	}
	if rec.Model != "" {
		put(mlflow.AttrLLMModel, func() { w.enc.Str(rec.Model) })
	}
	if rec.Provider != "" {
		put(mlflow.AttrLLMProvider, func() { w.enc.Str(rec.Provider) })
	}
	if rec.Cost.Set {
		put(mlflow.AttrLLMCost, func() { w.cost(rec.Cost) })
	}
	// One growth of the attribute slice for all values, not one per doubling.
	if n := len(w.pending) + btoi(rec.SessionID != "") + btoi(rec.UserID != ""); n > 0 {
		attrs.EnsureCapacity(attrs.Len() + n)
	}
	wrote := w.putPending(attrs)
	// session.id and user.id are OTel keys and stay plain strings.
	wrote = putPlain(attrs, mayExist, mlflow.AttrSessionID, rec.SessionID) || wrote
	wrote = putPlain(attrs, mayExist, mlflow.AttrUserID, rec.UserID) || wrote
	return wrote
}

// putPending puts the values encoded by Write. When none needs truncating, they are
// substrings of one string: one copy per span instead of one per attribute, and the values
// live exactly as long as the span's attributes anyway. A value that gets truncated is copied
// on its own, and then so is every value, so that no attribute keeps the untruncated text
// (which may be many times maxSize) alive.
func (w *Writer) putPending(attrs pcommon.Map) bool {
	if len(w.pending) == 0 {
		return false
	}
	encoded := w.enc.Bytes()
	shared := ""
	if w.maxSize <= 0 || !w.anyLongerThan(w.maxSize) {
		shared = string(encoded)
	}
	wrote := false
	for _, p := range w.pending {
		var value string
		if shared != "" {
			value = shared[p.start:p.end]
		} else {
			value = string(encoded[p.start:p.end])
		}
		if w.maxSize > 0 && len(value) > w.maxSize {
			var ok bool
			if value, ok = truncateJSON(value, w.maxSize); !ok {
				w.skipped = append(w.skipped, p.key)
				continue
			}
		}
		attrs.PutStr(p.key, value)
		wrote = true
	}
	return wrote
}

// Skipped lists the keys of the last Write's values that were left out because truncating
// their strings could not make them fit max_value_size (a cost or token usage object under a
// tiny cap, a message list whose structure alone is too long).
func (w *Writer) Skipped() []string { return w.skipped }

func (w *Writer) anyLongerThan(n int) bool {
	for _, p := range w.pending {
		if p.end-p.start > n {
			return true
		}
	}
	return false
}

func putPlain(attrs pcommon.Map, mayExist bool, key, s string) bool {
	if s == "" || mayExist && exists(attrs, key) {
		return false
	}
	attrs.PutStr(key, s)
	return true
}

func exists(attrs pcommon.Map, key string) bool {
	_, ok := attrs.Get(key)
	return ok
}

// IsWrittenKey reports whether Write may write key k: mlflow.*, session.id, user.id.
func IsWrittenKey(k string) bool {
	return strings.HasPrefix(k, mlflow.AttrPrefix) || k == mlflow.AttrSessionID || k == mlflow.AttrUserID
}

// MayExist reports whether attrs holds a key for which IsWrittenKey is true, for callers of
// Write that do not look at the keys themselves.
func MayExist(attrs pcommon.Map) bool {
	for k := range attrs.All() {
		if IsWrittenKey(k) {
			return true
		}
	}
	return false
}

// value writes a payload that is not chat messages. A string holding JSON is written as that
// JSON, unless text says it is text; any other string as a JSON string.
func (w *Writer) value(v pcommon.Value, text bool) {
	if v.Type() == pcommon.ValueTypeStr && text {
		w.enc.Str(v.Str())
		return
	}
	if v.Type() == pcommon.ValueTypeStr {
		// Text to text when it can: the same output without building pdata values.
		if w.enc.JSON(v.Str()) {
			return
		}
		if !anyjson.StartsValue(v.Str()) {
			w.enc.Str(v.Str()) // prose
			return
		}
		if parsed, ok := anyjson.Parse(v.Str()); ok {
			v = parsed
		}
	}
	w.enc.Value(v)
}

// usage writes mlflow.chat.tokenUsage. Counts the source leaves out are 0; the total is the
// source's when it has one.
func (w *Writer) usage(u dialect.Usage) {
	total := u.Input.N + u.Output.N
	if u.Total.Set {
		total = u.Total.N
	}
	w.enc.ObjectStart()
	w.enc.Field(mlflow.UsageInputTokens)
	w.enc.Int(u.Input.N)
	w.enc.Field(mlflow.UsageOutputTokens)
	w.enc.Int(u.Output.N)
	w.enc.Field(mlflow.UsageTotalTokens)
	w.enc.Int(total)
	if u.CacheRead.Set {
		w.enc.Field(mlflow.UsageCacheReadTokens)
		w.enc.Int(u.CacheRead.N)
	}
	if u.CacheCreation.Set {
		w.enc.Field(mlflow.UsageCacheCreationTokens)
		w.enc.Int(u.CacheCreation.N)
	}
	w.enc.ObjectEnd()
}

// cost writes mlflow.llm.cost: {"input_cost","output_cost","total_cost"} in USD.
func (w *Writer) cost(c dialect.Cost) {
	w.enc.ObjectStart()
	w.enc.Field(mlflow.CostInput)
	w.enc.Float(c.Input)
	w.enc.Field(mlflow.CostOutput)
	w.enc.Float(c.Output)
	w.enc.Field(mlflow.CostTotal)
	w.enc.Float(c.Total)
	w.enc.ObjectEnd()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
