package anyjson // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"

import (
	"encoding/base64"
	"math"
	"math/bits"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Encoder appends compact JSON to a buffer that is reused between values. Separators are
// inserted automatically, so callers only state structure: Key, then a value.
type Encoder struct {
	buf   []byte
	comma bool     // a value was just completed at the current level
	keys  []string // JSON's keys of the objects being written, to find duplicates
}

// Reset empties the buffer, keeping its capacity.
func (e *Encoder) Reset() {
	e.buf = e.buf[:0]
	e.comma = false
}

// Len is the number of bytes written since the last Reset.
func (e *Encoder) Len() int { return len(e.buf) }

// String returns a copy of what was written since the last Reset.
func (e *Encoder) String() string { return string(e.buf) }

// Bytes returns what was written since the last Reset. It is the Encoder's buffer: valid
// until the next write or Reset.
func (e *Encoder) Bytes() []byte { return e.buf }

// Next starts another top-level value after those already written, with no separator, so
// that several values can share one buffer (and one string copy) and be told apart by Len.
func (e *Encoder) Next() { e.comma = false }

// StrOf writes what other holds as a JSON string (JSON text nested in a string). It reads
// other's buffer in place instead of copying it into a string first: appendString only reads
// it while appending to e's own buffer, and the view does not outlive the call.
func (e *Encoder) StrOf(other *Encoder) {
	if e == other {
		panic("anyjson: StrOf of itself")
	}
	e.Str(unsafe.String(unsafe.SliceData(other.buf), len(other.buf)))
}

func (e *Encoder) sep() {
	if e.comma {
		e.buf = append(e.buf, ',')
	}
}

// ObjectStart opens an object.
func (e *Encoder) ObjectStart() { e.open('{') }

// ObjectEnd closes an object.
func (e *Encoder) ObjectEnd() { e.close('}') }

// ArrayStart opens an array.
func (e *Encoder) ArrayStart() { e.open('[') }

// ArrayEnd closes an array.
func (e *Encoder) ArrayEnd() { e.close(']') }

func (e *Encoder) open(c byte) {
	e.sep()
	e.buf = append(e.buf, c)
	e.comma = false
}

func (e *Encoder) close(c byte) {
	e.buf = append(e.buf, c)
	e.comma = true
}

// Field writes an object key that needs no escaping, as the constant keys of MLflow's shapes:
// printable ASCII without '"' or '\\'. The next call writes its value.
func (e *Encoder) Field(k string) {
	e.sep()
	e.buf = append(e.buf, '"')
	e.buf = append(e.buf, k...)
	e.buf = append(e.buf, '"', ':')
	e.comma = false
}

// Key writes an object key; the next call writes its value.
func (e *Encoder) Key(k string) {
	e.sep()
	e.buf = appendString(e.buf, k)
	e.buf = append(e.buf, ':')
	e.comma = false
}

// String writes s as a JSON string. Invalid UTF-8 becomes U+FFFD so the output is always valid.
func (e *Encoder) Str(s string) {
	e.sep()
	if shortPlain(s) { // roles, names, ids, types: copied without the general escaping loop
		e.buf = append(e.buf, '"')
		e.buf = append(e.buf, s...)
		e.buf = append(e.buf, '"')
	} else {
		e.buf = appendString(e.buf, s)
	}
	e.comma = true
}

// shortPlain reports whether s is at most 16 bytes long and plainLen(s) == len(s); from 8
// bytes on it tests two words that overlap.
func shortPlain(s string) bool {
	switch n := len(s); {
	case n > 16:
		return false
	case n >= 8:
		return notPlain(load64(s[:8]))|notPlain(load64(s[n-8:])) == 0
	}
	for i := 0; i < len(s); i++ {
		if !isPlain(s[i]) {
			return false
		}
	}
	return true
}

// StrEncoded writes a string given as the inside of a JSON string, encoded as Str encodes it
// (Scanner.Text returns such texts): the bytes are copied as they are.
func (e *Encoder) StrEncoded(s string) {
	e.StrBegin()
	e.buf = append(e.buf, s...)
	e.StrEnd()
}

// Canonical writes JSON text that Scanner.RawCanonical found canonical, as it is: what JSON
// would write for it.
func (e *Encoder) Canonical(s string) {
	e.sep()
	e.buf = append(e.buf, s...)
	e.comma = true
}

// StrBegin opens a string written in pieces with StrPiece, for texts joined without building
// the joined string; StrEnd closes it.
func (e *Encoder) StrBegin() {
	e.sep()
	e.buf = append(e.buf, '"')
}

// StrPiece appends s to the string StrBegin opened: escaped, or as it is when already encoded
// (see StrEncoded).
func (e *Encoder) StrPiece(s string, encoded bool) {
	if encoded {
		e.buf = append(e.buf, s...)
	} else {
		e.buf = appendStringBody(e.buf, s)
	}
}

// StrEnd closes the string StrBegin opened.
func (e *Encoder) StrEnd() {
	e.buf = append(e.buf, '"')
	e.comma = true
}

// Int writes an integer.
func (e *Encoder) Int(n int64) {
	e.sep()
	e.buf = strconv.AppendInt(e.buf, n, 10)
	e.comma = true
}

// Null writes null.
func (e *Encoder) Null() {
	e.sep()
	e.buf = append(e.buf, "null"...)
	e.comma = true
}

// Float writes a number; a non-finite one is null.
func (e *Encoder) Float(f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		e.Null()
		return
	}
	e.sep()
	e.buf = appendFloat(e.buf, f)
	e.comma = true
}

// appendFloat appends f as strconv.AppendFloat(b, f, 'g', -1, 64) does. Costs in USD, the
// Encoder's floats, are mostly a few significant digits: those are written from an integer
// count of 1e-12, several times faster than the general shortest-form search, and only when
// that count is f exactly (see fixedDecimal).
func appendFloat(b []byte, f float64) []byte {
	switch n, ok := fixedDecimal(f); {
	case !ok:
		return strconv.AppendFloat(b, f, 'g', -1, 64)
	case n == 0 || f >= 1e-4:
		return appendFixed(b, n)
	default: // where strconv's 'g' form turns exponential
		return appendFixedExp(b, n)
	}
}

// fixedScale is the count of fixed-point units per 1: twelve decimals.
const fixedScale = 1e12

// fixedDecimal returns f, 0 or from 1e-12 to below 1e3, as a count n of 1e-12 when n/1e12
// reads back as f. Then that decimal, trailing zeros dropped, is the shortest one that reads
// back as f, which is what strconv writes: n < 1e15 has at most 15 significant digits, and two
// decimals of at most 15 digits never read as the same float64.
func fixedDecimal(f float64) (int64, bool) {
	if f == 0 && !math.Signbit(f) {
		return 0, true
	}
	if !(f >= 1/fixedScale && f < 1e3) {
		return 0, false
	}
	n := int64(math.Round(f * fixedScale))
	return n, float64(n)/fixedScale == f // n < 2^53: float64(n) is exact, the division rounds once
}

// appendFixedExp appends n/1e12, for 1 <= n < 1e8, in strconv's exponential form:
// 7200000 is 7.2e-06.
func appendFixedExp(b []byte, n int64) []byte {
	width := 1
	for m := n; m >= 10; m /= 10 {
		width++
	}
	exp := 13 - width // n/1e12 = d.ddd × 10^-(13-width)
	var buf [12]byte
	ds := fracDigits(&buf, uint64(n))[12-width:] // n's own digits, from its first (not 0)
	b = append(b, ds[0])
	if len(ds) > 1 {
		b = append(b, '.')
		b = append(b, ds[1:]...)
	}
	b = append(b, 'e', '-')
	if exp < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(exp), 10)
}

// appendFixed appends n/1e12 in decimal, without trailing zeros after the point.
func appendFixed(b []byte, n int64) []byte {
	u := uint64(n) // n >= 0; unsigned division by a constant is cheaper
	if whole := u / fixedScale; whole < 10 {
		b = append(b, byte('0'+whole)) // costs are mostly below a dollar: no strconv call
	} else {
		b = strconv.AppendUint(b, whole, 10)
	}
	frac := u % fixedScale
	if frac == 0 {
		return b
	}
	var buf [12]byte
	b = append(b, '.')
	return append(b, fracDigits(&buf, frac)...)
}

// fracDigits writes v < 1e12 into buf as twelve digits, zero-padded, and returns them without
// their trailing zeros. Costs mostly have six decimals or fewer: the last six digits are then
// all zeros, and not written.
func fracDigits(buf *[12]byte, v uint64) []byte {
	end := 6
	if low := uint32(v % 1e6); low != 0 {
		sixDigits(buf[6:], low)
		end = 12
	}
	sixDigits(buf[:6], uint32(v/1e6))
	for end > 0 && buf[end-1] == '0' {
		end--
	}
	return buf[:end]
}

// sixDigits writes v < 1e6 into b as six digits, zero-padded, two at a time.
func sixDigits(b []byte, v uint32) {
	_ = b[5]
	for i := 4; i >= 0; i -= 2 {
		d := v % 100 * 2
		v /= 100
		b[i], b[i+1] = digitPairs[d], digitPairs[d+1]
	}
}

// digitPairs holds "00" to "99", for sixDigits.
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

// Value writes any pdata value: maps become objects, slices arrays, bytes base64 strings (as
// in OTLP/JSON), an empty value and non-finite doubles null.
func (e *Encoder) Value(v pcommon.Value) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		e.Str(v.Str())
	case pcommon.ValueTypeInt:
		e.Int(v.Int())
	case pcommon.ValueTypeDouble:
		e.Float(v.Double())
	case pcommon.ValueTypeBool:
		e.sep()
		e.buf = strconv.AppendBool(e.buf, v.Bool())
		e.comma = true
	case pcommon.ValueTypeBytes:
		e.Str(base64.StdEncoding.EncodeToString(v.Bytes().AsRaw()))
	case pcommon.ValueTypeMap:
		e.ObjectStart()
		for k, mv := range v.Map().All() {
			e.Key(k)
			e.Value(mv)
		}
		e.ObjectEnd()
	case pcommon.ValueTypeSlice:
		e.ArrayStart()
		for _, sv := range v.Slice().All() {
			e.Value(sv)
		}
		e.ArrayEnd()
	default:
		e.Null()
	}
}

const hex = "0123456789abcdef"

func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendStringBody(b, s)
	return append(b, '"')
}

// appendStringBody appends s escaped as the inside of a JSON string.
func appendStringBody(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		if i += plainLen(s[i:]); i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}

// plainLen returns the length of the longest prefix of s made of printable ASCII other than
// '"' and '\\': the bytes a JSON string holds as they are. Message text is mostly such bytes,
// so it tests eight at a time (SWAR).
func plainLen(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if m := notPlain(load64(s[i : i+8])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	if i < len(s) && i > 0 {
		// The last word, overlapping bytes already tested, which are plain.
		last := len(s) - 8
		if m := notPlain(load64(s[last:])); m != 0 {
			return last + bits.TrailingZeros64(m)/8
		}
		return len(s)
	}
	for ; i < len(s) && isPlain(s[i]); i++ { // shorter than a word
	}
	return i
}

// isPlain reports whether a JSON string holds c as it is: printable ASCII other than '"' and
// '\\'.
func isPlain(c byte) bool { return c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' }

// load64 reads the eight bytes of w, little-endian. Given a constant-length slice expression
// (s[i:i+8]) the compiler drops the bounds checks and makes it one load.
func load64(w string) uint64 {
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

// notPlain flags, in the top bit of each byte of x, the bytes that plainLen stops at: control
// characters, non-ASCII, '"' and '\\'. Each test flags its first such byte exactly (a borrow
// only runs upwards from a flagged byte), so the lowest flag is the first byte that is not plain;
// flags above it may be spurious.
func notPlain(x uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	quote, backslash := x^(lo*'"'), x^(lo*'\\')
	return ((x - lo*0x20) | x | (quote-lo)&^quote | (backslash-lo)&^backslash) & hi
}

// printableLen returns the length of a prefix of s made of printable ASCII (0x20-0x7f); it
// tests 64 bytes at a time, then eight, and may stop early, never late.
func printableLen(s string) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+64 <= len(s); i += 64 {
		w := s[i : i+64]
		a, b, c, d := load64(w[0:8]), load64(w[8:16]), load64(w[16:24]), load64(w[24:32])
		e, f, g, h := load64(w[32:40]), load64(w[40:48]), load64(w[48:56]), load64(w[56:64])
		// A byte below 0x20 borrows into, or a byte from 0x80 has, its top bit.
		low := (a - lo*0x20) | (b - lo*0x20) | (c - lo*0x20) | (d - lo*0x20) |
			(e - lo*0x20) | (f - lo*0x20) | (g - lo*0x20) | (h - lo*0x20)
		if (low|a|b|c|d|e|f|g|h)&hi != 0 {
			break
		}
	}
	for ; i+8 <= len(s); i += 8 {
		if x := load64(s[i : i+8]); ((x-lo*0x20)|x)&hi != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf {
			break
		}
	}
	return i
}
