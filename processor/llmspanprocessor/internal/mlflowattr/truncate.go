package mlflowattr // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/mlflowattr"

import (
	"strconv"
	"unicode/utf8"
)

// Truncation marker: a cut string value ends with truncatedPrefix, the number of bytes removed
// from the string (counted in UTF-8, once JSON escapes are decoded), and truncatedSuffix.
const (
	truncatedPrefix = "…[truncated "
	truncatedSuffix = " bytes]"
)

// stringSpan is the content of one string value in JSON text: s[start:end] between its quotes.
type stringSpan struct{ start, end int }

// truncateJSON shortens the JSON text s to at most limit bytes by cutting its longest string
// values (never object keys, numbers or structure): every string longer than a common length
// is cut to it and ends with the truncation marker. Cuts fall between characters, never inside
// a UTF-8 sequence or a JSON escape, so the result is valid JSON text in valid UTF-8 that MLflow
// still parses and renders. It reports false when cutting strings cannot make s short enough.
// s must be valid JSON, as the Encoder writes it.
func truncateJSON(s string, limit int) (string, bool) {
	if len(s) <= limit {
		return s, true
	}
	values, longest := stringValues(s)
	// Every cut string grows by its marker; plan with the longest one.
	marker := len(truncatedPrefix) + len(strconv.Itoa(len(s))) + len(truncatedSuffix)
	excess := len(s) - limit
	saved := func(keep int) int { // bytes saved by cutting every string to keep bytes
		n := 0
		for _, v := range values {
			if l := v.end - v.start; l > keep+marker {
				n += l - keep - marker
			}
		}
		return n
	}
	if saved(0) < excess {
		return "", false
	}
	// The longest length to keep that still saves enough: saved falls as keep grows.
	lo, hi := 0, longest
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if saved(mid) >= excess {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	keep := lo

	out := make([]byte, 0, limit)
	last := 0
	for _, v := range values {
		if v.end-v.start <= keep+marker {
			continue
		}
		cut := v.start + safeCut(s[v.start:v.end], keep)
		out = append(out, s[last:cut]...)
		out = append(out, truncatedPrefix...)
		out = strconv.AppendInt(out, int64(decodedLen(s[cut:v.end])), 10)
		out = append(out, truncatedSuffix...)
		last = v.end
	}
	out = append(out, s[last:]...)
	if len(out) > limit {
		return "", false // cannot happen: each cut saves at least what was planned
	}
	return string(out), true
}

// stringValues returns the string values of the JSON text s, keys left out, and the length of
// the longest.
func stringValues(s string) (values []stringSpan, longest int) {
	for i := 0; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		start := i + 1
		i = start
		for i < len(s) && s[i] != '"' {
			if s[i] == '\\' {
				i++
			}
			i++
		}
		end := min(i, len(s))
		j := end + 1
		for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
			j++
		}
		if j < len(s) && s[j] == ':' {
			continue // an object key
		}
		values = append(values, stringSpan{start, end})
		longest = max(longest, end-start)
	}
	return values, longest
}

// safeCut returns the largest n <= keep such that the JSON string content c cut at n ends on a
// character boundary: after a whole UTF-8 sequence and a whole escape (a surrogate pair
// \uD83D\uDE00 is one character).
func safeCut(c string, keep int) int {
	n := 0
	for n < len(c) {
		size := charSize(c[n:])
		if n+size > keep {
			break
		}
		n += size
	}
	return n
}

// charSize is the length of the first character of the JSON string content c, as written.
func charSize(c string) int {
	if c[0] != '\\' {
		if c[0] < utf8.RuneSelf {
			return 1
		}
		_, size := utf8.DecodeRuneInString(c)
		return size
	}
	if len(c) < 2 || c[1] != 'u' {
		return min(2, len(c))
	}
	if len(c) >= 12 && isSurrogate(c[2:6], 0xd800) && c[6] == '\\' && c[7] == 'u' && isSurrogate(c[8:12], 0xdc00) {
		return 12
	}
	return min(6, len(c))
}

// isSurrogate reports whether the four hex digits h are a high (base 0xd800) or low (0xdc00)
// surrogate.
func isSurrogate(h string, base uint64) bool {
	n, err := strconv.ParseUint(h, 16, 16)
	return err == nil && n >= base && n < base+0x400
}

// decodedLen is the length in UTF-8 of the JSON string content c once its escapes are decoded.
func decodedLen(c string) int {
	n := 0
	for i := 0; i < len(c); {
		size := charSize(c[i:])
		switch {
		case c[i] != '\\':
			n += size
		case size == 12:
			n += 4 // a surrogate pair: a character outside the BMP
		case size == 6:
			r, err := strconv.ParseUint(c[i+2:i+6], 16, 16)
			if err != nil || r >= 0xd800 && r < 0xe000 {
				r = utf8.RuneError
			}
			n += utf8.RuneLen(rune(r))
		default:
			n++
		}
		i += size
	}
	return n
}
