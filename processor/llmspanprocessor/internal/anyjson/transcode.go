package anyjson // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"

// maxTranscodeKeys bounds the keys of one object that JSON checks for duplicates (pairwise);
// larger objects are left to Parse.
const maxTranscodeKeys = 64

// JSON writes the value held in the JSON text s exactly as Value(Parse(s)) would, without
// building pdata values: one pass from text to text, for payloads that are only re-encoded.
// It reports false, having written nothing, for input the Scanner does not read and for
// objects with a key given twice or with more than maxTranscodeKeys keys (Parse keeps the
// first position and the last value, which a single pass cannot); the caller then uses Parse.
func (e *Encoder) JSON(s string) bool {
	mark, comma := len(e.buf), e.comma
	e.keys = e.keys[:0]
	sc := NewScanner(s)
	ok := e.transcode(&sc, 0) && sc.End()
	// The keys are substrings of s: drop them so that the Encoder does not keep s alive. The
	// slice, grown by transcode, is kept for the next call.
	clear(e.keys[:cap(e.keys)])
	e.keys = e.keys[:0]
	if !ok {
		e.buf, e.comma = e.buf[:mark], comma
	}
	return ok
}

// transcode mirrors Scanner.value, writing instead of building.
func (e *Encoder) transcode(sc *Scanner, depth int) bool {
	if depth > maxDepth {
		sc.Fail()
		return false
	}
	switch c := sc.Peek(); {
	case c == '"':
		if s, encoded, ok := sc.Text(); ok && encoded {
			e.StrEncoded(s)
		} else if ok {
			e.Str(s)
		}
	case c == '{':
		sc.i++
		e.ObjectStart()
		first := len(e.keys) // keys of this object are e.keys[first:]
		for f := true; ; f = false {
			k, ok := sc.Key(f)
			if !ok {
				break
			}
			if len(e.keys)-first >= maxTranscodeKeys || containsKey(e.keys[first:], k) {
				sc.Fail()
				break
			}
			e.keys = append(e.keys, k)
			e.Key(k)
			if !e.transcode(sc, depth+1) {
				break
			}
		}
		e.keys = e.keys[:first]
		e.ObjectEnd()
	case c == '[':
		sc.i++
		e.ArrayStart()
		for f := true; sc.Elem(f); f = false {
			if !e.transcode(sc, depth+1) {
				break
			}
		}
		e.ArrayEnd()
	case c == 't':
		sc.literal("true")
		e.sep()
		e.buf = append(e.buf, "true"...)
		e.comma = true
	case c == 'f':
		sc.literal("false")
		e.sep()
		e.buf = append(e.buf, "false"...)
		e.comma = true
	case c == 'n':
		sc.literal("null")
		e.Null()
	case c == '-' || (c >= '0' && c <= '9'):
		if i, f, isInt, ok := sc.numberValue(); isInt {
			e.Int(i)
		} else if ok {
			e.Float(f)
		}
	default:
		sc.Fail()
	}
	return !sc.failed
}

func containsKey(keys []string, k string) bool {
	for _, have := range keys {
		if have == k {
			return true
		}
	}
	return false
}
