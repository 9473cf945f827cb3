package anyjson // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"

import (
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Scanner reads JSON text token by token without building values, for readers that pick a
// few fields out of large message lists: strings without escapes come back as substrings of
// the input, and values the reader does not need are skipped. It is strict: anything malformed
// or unusual (control characters or invalid UTF-8 in strings, lone surrogates, nesting deeper
// than Parse allows) makes it fail, and the reader then falls back to Parse. So a Scanner is
// only ever right or failed, never differently right.
type Scanner struct {
	s      string
	i      int
	failed bool
	// unusual tells that the scan failed on a rule stricter than json-iterator's (string
	// contents, number text), not on the structure, which json-iterator checks alike.
	unusual bool
	// canonical is set while RawCanonical reads a value, and altered tells that what it read so
	// far is not what the Encoder writes for it; skip and number check only while canonical
	// and not altered.
	canonical, altered bool
}

// NewScanner returns a Scanner over s.
func NewScanner(s string) Scanner { return Scanner{s: s} }

// Failed reports whether the input was malformed or beyond what the Scanner reads.
func (sc *Scanner) Failed() bool { return sc.failed }

// Fail marks the scan failed, for readers that meet a shape they leave to Parse.
func (sc *Scanner) Fail() {
	sc.failed = true
	sc.i = len(sc.s)
}

// Peek returns the first byte of the next token, or 0 at the end of input.
func (sc *Scanner) Peek() byte {
	// Compact JSON has no whitespace between tokens: that case is inlined into every caller.
	if sc.i < len(sc.s) && sc.s[sc.i] > ' ' {
		return sc.s[sc.i]
	}
	return sc.skipSpace()
}

// skipSpace skips whitespace and returns the next byte, or 0 at the end of input.
func (sc *Scanner) skipSpace() byte {
	for sc.i < len(sc.s) {
		switch c := sc.s[sc.i]; c {
		case ' ', '\t', '\n', '\r':
			sc.i++
			sc.altered = true
		default:
			return c
		}
	}
	return 0
}

// Consume consumes c if it is the next token.
func (sc *Scanner) Consume(c byte) bool {
	if sc.Peek() == c && !sc.failed {
		sc.i++
		return true
	}
	return false
}

// End reports whether the scan succeeded and only whitespace is left.
func (sc *Scanner) End() bool {
	sc.Peek()
	return sc.i == len(sc.s) && !sc.failed
}

// Elem advances to the next element of an array whose '[' was consumed; first tells whether
// none was read yet. It reports false after consuming the closing ']' or on failure.
func (sc *Scanner) Elem(first bool) bool {
	switch sc.Peek() {
	case ']':
		sc.i++
		return false
	case ',':
		if !first {
			sc.i++
			return true
		}
	case 0:
	default:
		if first {
			return true
		}
	}
	sc.Fail()
	return false
}

// Key reads the next member's key of an object whose '{' was consumed, and its ':'; first
// tells whether none was read yet. It reports false after consuming the closing '}' or on
// failure.
func (sc *Scanner) Key(first bool) (string, bool) {
	c := sc.Peek()
	if c == '}' {
		sc.i++
		return "", false
	}
	if !first {
		if c != ',' {
			sc.Fail()
			return "", false
		}
		sc.i++
	}
	// Most keys are short and plain, and compact JSON has the ':' right after them: one word
	// tested, as in token, or two for a key of 8 bytes or more, and no call.
	if i := sc.i; i+9 <= len(sc.s) && sc.s[i] == '"' {
		j, m := i+1, notPlain(load64(sc.s[i+1:i+9]))
		if m == 0 && i+17 <= len(sc.s) {
			j, m = i+9, notPlain(load64(sc.s[i+9:i+17]))
		}
		if m != 0 {
			if j += bits.TrailingZeros64(m) / 8; sc.s[j] == '"' && j+1 < len(sc.s) && sc.s[j+1] == ':' {
				sc.i = j + 2
				return sc.s[i+1 : j], true
			}
		}
	}
	k, ok := sc.Str()
	if !ok || !sc.Consume(':') {
		sc.Fail()
		return "", false
	}
	return k, true
}

// Str reads a string value; it fails when the next value is not a string.
func (sc *Scanner) Str() (string, bool) {
	inner, escaped, _, ok := sc.token()
	if !ok || !escaped {
		return inner, ok
	}
	s, ok := unescape(inner)
	if !ok { // token checked every escape: never reached
		sc.Fail()
	}
	return s, ok
}

// Text reads a string value like Str, but leaves it as written between its quotes when that is
// how the Encoder would write it: no escapes but \", \\, \n, \r and \t, which it writes
// itself. Writing those bytes back (Encoder.StrEncoded) gives what decoding and encoding them
// would, without either. encoded tells which of the two forms s is.
func (sc *Scanner) Text() (s string, encoded, ok bool) {
	inner, _, canonical, ok := sc.token()
	if !ok || canonical {
		return inner, ok, ok
	}
	s, ok = unescape(inner)
	return s, false, ok
}

// token reads the string at the next token and returns what its quotes enclose, as written;
// escaped tells whether that holds escapes and canonical whether they are only those the
// Encoder writes. It fails, as Parse would not read them the same way, on control characters,
// invalid UTF-8, unknown escapes and lone surrogates.
func (sc *Scanner) token() (inner string, escaped, canonical, ok bool) {
	if sc.Peek() != '"' {
		sc.Fail()
		return "", false, false, false
	}
	start := sc.i + 1
	// Keys, roles, ids and types are short: most end within the next eight bytes, tested as one
	// word here, and a longer plain one before IndexByte's setup pays off, found a word at a
	// time by plainLen from the second word on. n is the length of the plain run found.
	var n int
	if start+8 > len(sc.s) {
		n = plainLen(sc.s[start:]) // near the end of the input
	} else if m := notPlain(load64(sc.s[start : start+8])); m != 0 {
		n = bits.TrailingZeros64(m) / 8
	} else {
		n = 8 + plainLen(sc.s[start+8:min(len(sc.s), start+shortString)])
	}
	if j := start + n; j < len(sc.s) && sc.s[j] == '"' {
		sc.i = j + 1
		return sc.s[start:j], false, true, true
	}
	canonical = true
	// quote is the next '"' at or after j, found with IndexByte (vectorized); backslashes are
	// looked for only before it, so each byte is searched once however many escapes there are.
	quote := -1
	for j := start; ; {
		if quote < j {
			q := strings.IndexByte(sc.s[j:], '"')
			if q < 0 {
				break
			}
			quote = j + q
		}
		seg := sc.s[j:quote]
		b := strings.IndexByte(seg, '\\')
		if b >= 0 {
			seg = seg[:b]
		}
		if !validText(seg) {
			sc.unusual = true
			break
		}
		if b < 0 {
			sc.i = quote + 1
			sc.altered = sc.altered || !canonical
			return sc.s[start:quote], escaped, canonical, true
		}
		j += b
		n, canon := escapeLen(sc.s, j)
		if n == 0 {
			sc.unusual = true
			break
		}
		escaped, canonical = true, canonical && canon
		j += n
	}
	sc.Fail()
	return "", false, false, false
}

// shortString is how far token looks for the end of a string with plainLen alone.
const shortString = 32

// escapeLen returns the length of the escape at s[i] ('\\'), 0 when it is not one Parse reads
// (including a lone surrogate), and whether the Encoder writes it the same way.
func escapeLen(s string, i int) (n int, canonical bool) {
	if i+1 >= len(s) {
		return 0, false
	}
	switch s[i+1] {
	case '"', '\\', 'n', 'r', 't':
		return 2, true
	case '/', 'b', 'f':
		return 2, false
	case 'u':
		r, ok := hex4(s, i+2)
		switch {
		case !ok:
			return 0, false
		case r < 0xd800 || r > 0xdfff:
			return 6, false
		case r >= 0xdc00: // a low surrogate first
			return 0, false
		}
		// A high surrogate must be followed by an escaped low one.
		if i+12 > len(s) || s[i+6] != '\\' || s[i+7] != 'u' {
			return 0, false
		}
		if lo, ok := hex4(s, i+8); !ok || lo < 0xdc00 || lo > 0xdfff {
			return 0, false
		}
		return 12, false
	}
	return 0, false
}

// validText reports whether s, a run of string contents without quotes or backslashes, has no
// control characters and is valid UTF-8.
func validText(s string) bool {
	for i := 0; i < len(s); {
		i += printableLen(s[i:])
		if i >= len(s) {
			return true
		}
		c := s[i]
		if c < 0x20 {
			return false
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		i += size
	}
	return true
}

// Mark returns the position of the next token, for Since.
func (sc *Scanner) Mark() int {
	sc.Peek()
	return sc.i
}

// Since returns the input from mark to the current position: the text of the values read
// since Mark.
func (sc *Scanner) Since(mark int) string {
	if sc.failed {
		return ""
	}
	return sc.s[mark:sc.i]
}

// unescape decodes the escapes of a string's contents, as Parse does for well-formed ones.
func unescape(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		// The run up to the next escape is copied whole: prose has few escapes.
		j := strings.IndexByte(s[i:], '\\')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j + 1
		if i >= len(s) {
			return "", false
		}
		switch s[i] {
		case '"', '\\', '/':
			b.WriteByte(s[i])
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := hex4(s, i+1)
			if !ok {
				return "", false
			}
			i += 4
			if utf8.ValidRune(r) {
				b.WriteRune(r)
				continue
			}
			// A surrogate: only a high one followed by an escaped low one is read here.
			if r >= 0xdc00 || i+6 >= len(s) || s[i+1] != '\\' || s[i+2] != 'u' {
				return "", false
			}
			lo, ok := hex4(s, i+3)
			if !ok || lo < 0xdc00 || lo > 0xdfff {
				return "", false
			}
			i += 6
			b.WriteRune(0x10000 + (r-0xd800)<<10 + (lo - 0xdc00))
		default:
			return "", false
		}
	}
	return b.String(), true
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(s[i:i+4], 16, 32)
	return rune(n), err == nil
}

// Raw skips the next value, checking that it is well formed, and returns its text. depth is
// the value's nesting depth in the whole input, so that the limit is Parse's.
func (sc *Scanner) Raw(depth int) string {
	sc.Peek()
	start := sc.i
	sc.skip(depth)
	if sc.failed {
		return ""
	}
	return sc.s[start:sc.i]
}

// RawCanonical is Raw, and also reports whether the text is canonical: exactly what
// Encoder.JSON writes for the value (compact, strings with only the Encoder's escapes, numbers
// integers as strconv writes them, objects of at most canonicalKeys keys, none given twice). A
// writer then copies the text (Encoder.Canonical) instead of transcoding it: the one pass
// that checked it also tells that it would come out the same.
func (sc *Scanner) RawCanonical(depth int) (text string, canonical bool) {
	sc.Peek()
	sc.canonical, sc.altered = true, false
	text = sc.Raw(depth)
	sc.canonical = false
	return text, text != "" && !sc.altered
}

// canonicalKeys is how many keys of an object skip tracks to find one given twice; an object
// with more is not canonical. Sixteen strings on the stack per level of nesting, at most
// maxDepth levels.
const canonicalKeys = 16

func (sc *Scanner) skip(depth int) {
	if depth > maxDepth {
		sc.Fail()
		return
	}
	switch c := sc.Peek(); {
	case c == '"':
		sc.token()
	case c == '{':
		sc.i++
		if sc.canonical && !sc.altered {
			sc.skipMembersChecked(depth)
			break
		}
		for first := true; ; first = false {
			if _, ok := sc.Key(first); !ok {
				break
			}
			sc.skip(depth + 1)
		}
	case c == '[':
		sc.i++
		for first := true; sc.Elem(first); first = false {
			sc.skip(depth + 1)
		}
	case c == 't':
		sc.literal("true")
	case c == 'f':
		sc.literal("false")
	case c == 'n':
		sc.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		sc.number()
	default:
		sc.Fail()
	}
}

// skipMembersChecked is skip's loop over an object's members for RawCanonical, which also
// looks for a key given twice: Parse keeps its last value, in its first place.
func (sc *Scanner) skipMembersChecked(depth int) {
	var keys [canonicalKeys]string
	n := 0
	for first := true; ; first = false {
		k, ok := sc.Key(first)
		if !ok {
			return
		}
		if !sc.altered {
			if n == len(keys) || slices.Contains(keys[:n], k) {
				sc.altered = true
			} else {
				keys[n] = k
				n++
			}
		}
		sc.skip(depth + 1)
	}
}

func (sc *Scanner) literal(lit string) {
	if !strings.HasPrefix(sc.s[sc.i:], lit) {
		sc.Fail()
		return
	}
	sc.i += len(lit)
}

// number reads what Parse accepts as a number, a run of number characters that strconv
// reads, and returns its text.
func (sc *Scanner) number() string {
	j := sc.i
	for j < len(sc.s) && strings.IndexByte("0123456789+-.eE", sc.s[j]) >= 0 {
		j++
	}
	n := sc.s[sc.i:j]
	if i, err := strconv.ParseInt(n, 10, 64); err != nil {
		if _, err := strconv.ParseFloat(n, 64); err != nil {
			sc.unusual = true
			sc.Fail()
			return ""
		}
		sc.altered = true // the Encoder writes a float's shortest form, which may differ
	} else if sc.canonical && !sc.altered && !isCanonicalInt(n, i) {
		sc.altered = true
	}
	sc.i = j
	return n
}

// isCanonicalInt reports whether n, which reads as i, is how strconv writes i (no '+', no
// leading zeros, no "-0").
func isCanonicalInt(n string, i int64) bool {
	var b [20]byte
	return string(strconv.AppendInt(b[:0], i, 10)) == n
}

// numberValue reads a number as Parse does: an int when it reads as one, else a float. ok is
// false (and the scan failed) when it is neither.
func (sc *Scanner) numberValue() (i int64, f float64, isInt, ok bool) {
	n := sc.number()
	if i, err := strconv.ParseInt(n, 10, 64); err == nil {
		return i, 0, true, true
	}
	if f, err := strconv.ParseFloat(n, 64); err == nil {
		return 0, f, false, true
	}
	return 0, 0, false, false
}

// value reads the next value into v as Parse does; it reports false on failure.
func (sc *Scanner) value(v pcommon.Value, depth int) bool {
	if depth > maxDepth {
		sc.Fail()
		return false
	}
	switch c := sc.Peek(); {
	case c == '"':
		if s, ok := sc.Str(); ok {
			v.SetStr(s)
		}
	case c == '{':
		sc.i++
		m := v.SetEmptyMap()
		for first := true; ; first = false {
			k, ok := sc.Key(first)
			if !ok || !sc.value(m.PutEmpty(k), depth+1) {
				break
			}
		}
	case c == '[':
		sc.i++
		l := v.SetEmptySlice()
		for first := true; sc.Elem(first); first = false {
			if !sc.value(l.AppendEmpty(), depth+1) {
				break
			}
		}
	case c == 't':
		sc.literal("true")
		v.SetBool(true)
	case c == 'f':
		sc.literal("false")
		v.SetBool(false)
	case c == 'n':
		sc.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		if i, f, isInt, ok := sc.numberValue(); isInt {
			v.SetInt(i)
		} else if ok {
			v.SetDouble(f)
		}
	default:
		sc.Fail()
	}
	return !sc.failed
}

// Unescape decodes the inside of a JSON string that Scanner.Text returned encoded.
func Unescape(s string) (string, bool) {
	if strings.IndexByte(s, '\\') < 0 {
		return s, true
	}
	return unescape(s)
}
