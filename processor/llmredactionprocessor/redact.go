package llmredactionprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmredactionprocessor"

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// redactor finds and replaces sensitive values in text and in JSON text. It is built once
// from the configuration and is safe for concurrent use; counts go to the caller's slice,
// indexed like detectors.
type redactor struct {
	detectors     []detector
	mode          string
	salt          []byte
	allowValues   map[string]bool
	allowPatterns []*regexp.Regexp
}

func newRedactor(cfg *Config) *redactor {
	r := &redactor{mode: cfg.Mode, salt: []byte(cfg.HashSalt), allowValues: map[string]bool{}}
	for _, d := range builtins {
		if len(cfg.Detectors) == 0 || slices.Contains(cfg.Detectors, d.name) {
			r.detectors = append(r.detectors, d)
		}
	}
	for _, c := range cfg.Custom {
		r.detectors = append(r.detectors, detector{name: c.Name, re: regexp.MustCompile(c.Regex)}) // Validate compiled it
	}
	for _, v := range cfg.AllowValues {
		r.allowValues[v] = true
	}
	for _, p := range cfg.AllowPatterns {
		r.allowPatterns = append(r.allowPatterns, regexp.MustCompile(`^(?:`+p+`)$`))
	}
	return r
}

// maybe reports whether any detector could match s.
func (r *redactor) maybe(s string) bool {
	for _, d := range r.detectors {
		if d.maybe == nil || d.maybe(s) {
			return true
		}
	}
	return false
}

func (r *redactor) allowed(m string) bool {
	if r.allowValues[m] {
		return true
	}
	for _, p := range r.allowPatterns {
		if p.MatchString(m) {
			return true
		}
	}
	return false
}

// text returns s with every detected value replaced, adding to counts. Detectors match on
// probeText(s), at the same offsets.
func (r *redactor) text(s string, counts []int64) string {
	probe := probeText(s)
	for i, d := range r.detectors {
		if d.maybe != nil && !d.maybe(s) {
			continue
		}
		locs := d.re.FindAllStringIndex(probe, -1)
		if len(locs) == 0 {
			continue
		}
		var b strings.Builder
		last := 0
		for _, loc := range locs {
			start, end := loc[0], loc[1]
			if start == end {
				continue // a custom regex that also matches the empty string
			}
			if d.valid != nil && !d.valid(probe[start:end]) {
				from, to, ok := d.shorter(probe[start:end])
				if !ok {
					continue
				}
				start, end = start+from, start+to
			}
			m := s[start:end]
			if d.standalone && !standsAlone(probe, start, end) || r.allowed(m) {
				continue
			}
			b.WriteString(s[last:start])
			r.replacement(&b, d.name, m)
			last = end
			counts[i]++
		}
		if last > 0 {
			b.WriteString(s[last:])
			s = b.String()
			probe = probeText(s)
		}
	}
	return s
}

// maskPattern matches what replacement writes.
var maskPattern = regexp.MustCompile(`\[REDACTED:[a-z][a-z0-9_]*(?::[0-9a-f]{16})?\]`)

// probeText returns s, at the same offsets, as detectors see it:
//   - the inside of each mask written by an earlier detector or pass is blanked ('#'), so that no
//     detector matches in it (a hash made of digits is no card number) and a pass is idempotent;
//   - the characters after the backslash of each JSON or Python escape (\n, \t, \u00a0, \xa0)
//     are blanked (' '), so that in text that is not parsed as JSON (cut-off JSON, a Python
//     repr) the value after "card\n" starts a word. The backslash stays, so no match runs across
//     an escape.
func probeText(s string) string {
	hasMask, hasEscape := strings.Contains(s, "[REDACTED:"), strings.IndexByte(s, '\\') >= 0
	if !hasMask && !hasEscape {
		return s
	}
	b := []byte(s)
	if hasMask {
		for _, loc := range maskPattern.FindAllStringIndex(s, -1) {
			for k := loc[0] + 1; k < loc[1]-1; k++ {
				b[k] = '#'
			}
		}
	}
	for i := 0; hasEscape && i < len(b)-1; i++ {
		if b[i] != '\\' {
			continue
		}
		n := 0 // characters escaped after the backslash
		switch {
		case strings.IndexByte("nrtbf", b[i+1]) >= 0:
			n = 1
		case b[i+1] == 'u' && isHex(b[i+2:], 4):
			n = 5
		case b[i+1] == 'x' && isHex(b[i+2:], 2):
			n = 3
		}
		for k := i + 1; k <= i+n; k++ {
			b[k] = ' '
		}
		i += n
	}
	return string(b)
}

// isHex reports whether b starts with n hex digits.
func isHex(b []byte, n int) bool {
	if len(b) < n {
		return false
	}
	for _, c := range b[:n] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func (r *redactor) replacement(b *strings.Builder, name, match string) {
	b.WriteString("[REDACTED:")
	b.WriteString(name)
	if r.mode == ModeHash {
		mac := hmac.New(sha256.New, r.salt)
		mac.Write([]byte(match))
		b.WriteByte(':')
		b.WriteString(hex.EncodeToString(mac.Sum(nil)[:8]))
	}
	b.WriteByte(']')
}

// value redacts a string attribute value. JSON text (an object, an array or a string, as
// MLflow writes every value) is redacted leaf by leaf and stays JSON text of the same shape;
// other text is redacted as text. It reports whether anything changed.
func (r *redactor) value(s string, counts []int64) (string, bool) {
	if !r.maybe(s) {
		return s, false
	}
	out := r.jsonOrText(s, 0, counts)
	return out, out != s
}

// jsonOrText redacts s as JSON text when it parses as JSON and is nested at most maxJSONDepth
// levels inside other JSON text (depth), and as text otherwise.
func (r *redactor) jsonOrText(s string, depth int, counts []int64) string {
	if depth <= maxJSONDepth && looksLikeJSON(s) {
		if out, err := r.json(s, depth, counts); err == nil {
			return out
		}
	}
	return r.text(s, counts)
}

func looksLikeJSON(s string) bool {
	s = strings.TrimLeft(s, " \t\r\n")
	return s != "" && (s[0] == '{' || s[0] == '[' || s[0] == '"')
}

// maxJSONDepth bounds how many levels of JSON text inside JSON string values are parsed, as
// each level parses its whole value again.
const maxJSONDepth = 8

var errTrailing = errors.New("trailing data after JSON value")

// json re-emits s token by token, with string values (not keys) and numbers redacted. Object
// key order, numbers nothing matched (as written) and structure are kept; whitespace is not.
// It writes nothing to counts unless s is valid JSON.
func (r *redactor) json(s string, depth int, counts []int64) (string, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	local := make([]int64, len(counts))
	var out bytes.Buffer
	out.Grow(len(s) + 32)
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	// stack holds, per open container, whether it is an object and how many tokens it holds.
	type frame struct {
		object bool
		n      int
	}
	var stack []frame
	changed := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		if len(stack) == 0 && out.Len() > 0 {
			return "", errTrailing
		}
		isKey := false
		if len(stack) > 0 {
			f := &stack[len(stack)-1]
			if d, ok := tok.(json.Delim); !ok || d == '{' || d == '[' {
				switch {
				case f.object && f.n%2 == 1:
					out.WriteByte(':')
				case f.n > 0:
					out.WriteByte(',')
				}
				isKey = f.object && f.n%2 == 0
				f.n++
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, frame{object: t == '{'})
			default:
				stack = stack[:len(stack)-1]
			}
			out.WriteByte(byte(t))
		case string:
			// A value may itself be JSON text (tool call arguments), whose escapes are not
			// text: it is redacted as JSON. The prefilter first spares a parse.
			if !isKey && r.maybe(t) {
				if red := r.jsonOrText(t, depth+1, local); red != t {
					t, changed = red, true
				}
			}
			writeJSONString(enc, &out, t)
		case json.Number:
			// A number can be a card number a model wrote as one (tool call arguments): a match
			// is written as a string holding its mask.
			n := t.String()
			if red := r.text(n, local); red != n {
				writeJSONString(enc, &out, red)
				changed = true
			} else {
				out.WriteString(n)
			}
		case bool:
			if t {
				out.WriteString("true")
			} else {
				out.WriteString("false")
			}
		case nil:
			out.WriteString("null")
		}
	}
	if out.Len() == 0 {
		return "", io.ErrUnexpectedEOF
	}
	for i, n := range local {
		counts[i] += n
	}
	if !changed {
		return s, nil
	}
	return out.String(), nil
}

func writeJSONString(enc *json.Encoder, out *bytes.Buffer, s string) {
	_ = enc.Encode(s) // a string always encodes
	out.Truncate(out.Len() - 1)
}

// truncate cuts s to at most max bytes at a UTF-8 boundary and appends a marker saying how
// many bytes were cut.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…[truncated " + strconv.Itoa(len(s)-cut) + " bytes]"
}
