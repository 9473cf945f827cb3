package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// mlflowText returns the text MLflow stores for an attribute value it received over OTLP:
// Python's json.dumps(value, ensure_ascii=False) (dump_span_attribute_value), with its ", " and
// ": " separators, so that a list or map is measured as MLflow measures it. ok is false for a
// value holding bytes, which MLflow dumps through repr instead.
func mlflowText(v pcommon.Value) (text string, ok bool) {
	var b strings.Builder
	ok = writePyJSON(&b, v)
	return b.String(), ok
}

func writePyJSON(b *strings.Builder, v pcommon.Value) bool {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		writePyString(b, v.Str())
	case pcommon.ValueTypeInt:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case pcommon.ValueTypeDouble:
		b.WriteString(pyFloat(v.Double()))
	case pcommon.ValueTypeBool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case pcommon.ValueTypeSlice:
		b.WriteByte('[')
		for i, item := range v.Slice().All() {
			if i > 0 {
				b.WriteString(", ")
			}
			if !writePyJSON(b, item) {
				return false
			}
		}
		b.WriteByte(']')
	case pcommon.ValueTypeMap:
		b.WriteByte('{')
		first := true
		for k, item := range v.Map().All() {
			if !first {
				b.WriteString(", ")
			}
			first = false
			writePyString(b, k)
			b.WriteString(": ")
			if !writePyJSON(b, item) {
				return false
			}
		}
		b.WriteByte('}')
	case pcommon.ValueTypeBytes:
		return false
	default: // empty
		b.WriteString("null")
	}
	return true
}

// writePyString writes s as Python's json.dumps with ensure_ascii=False quotes it.
func writePyString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			b.WriteRune(r)
			i += n
			continue
		}
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			} else {
				b.WriteByte(c)
			}
		}
		i++
	}
	b.WriteByte('"')
}

// pyFloat formats f as Python's repr does (and json.dumps with it): the shortest digits that
// read back as f, in positional notation from 1e-4 up to 1e16 ("1234.0", "0.0001"), else
// in exponent notation with at least two exponent digits ("1e+16", "1.5e-05").
func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	sign := ""
	if math.Signbit(f) {
		sign, f = "-", -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d[.ddd]e±XX
	mant, expText, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expText)
	digits := strings.Replace(mant, ".", "", 1)
	if f == 0 {
		return sign + "0.0"
	}
	if exp < -4 || exp >= 16 {
		out := sign + mant + "e"
		if exp < 0 {
			out, exp = out+"-", -exp
		} else {
			out += "+"
		}
		if exp < 10 {
			out += "0"
		}
		return out + strconv.Itoa(exp)
	}
	if exp < 0 {
		return sign + "0." + strings.Repeat("0", -exp-1) + digits
	}
	if len(digits) <= exp+1 {
		return sign + digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
	}
	return sign + digits[:exp+1] + "." + digits[exp+1:]
}
