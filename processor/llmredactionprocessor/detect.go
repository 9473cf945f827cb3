package llmredactionprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmredactionprocessor"

import (
	"net/netip"
	"regexp"
	"strings"
)

// detector finds one kind of sensitive value. maybe is a cheap prefilter: when it says no, the
// regexp is not run. valid, when set, confirms a regexp match (checksums). cut lists the
// separators at which a match valid rejects is split to look for a shorter value in it (see
// shorter). standalone refuses a match that touches a letter, digit or underscore: code such
// as std::vector or Foo::Bar holds strings that parse as IPv6 addresses (d::, ::Ba).
type detector struct {
	name       string
	re         *regexp.Regexp
	maybe      func(s string) bool
	valid      func(match string) bool
	cut        string
	standalone bool
}

// Built-in detector names.
const (
	DetectorAPIKey      = "api_key"
	DetectorBearerToken = "bearer_token"
	DetectorEmail       = "email"
	DetectorCreditCard  = "credit_card"
	DetectorIBAN        = "iban"
	DetectorPhone       = "phone"
	DetectorIPv4        = "ipv4"
	DetectorIPv6        = "ipv6"
)

// builtins is in the order detectors run: secrets first, as they may contain what other
// detectors look for.
var builtins = []detector{
	{
		name: DetectorAPIKey,
		re:   regexp.MustCompile(`\b(?:sk-(?:proj-|ant-(?:api\d\d-)?)?[A-Za-z0-9_-]{20,}|(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|xox[abposr]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35})`),
		maybe: func(s string) bool {
			return strings.Contains(s, "sk-") || strings.Contains(s, "AKIA") || strings.Contains(s, "ASIA") ||
				strings.Contains(s, "_") || strings.Contains(s, "xox") || strings.Contains(s, "AIza")
		},
	},
	{
		name:  DetectorBearerToken,
		re:    regexp.MustCompile(`(?i)\bbearer\s+[A-Za-z0-9._~+/-]{8,}=*`),
		maybe: func(s string) bool { return containsFold(s, "bearer") },
	},
	{
		name:  DetectorEmail,
		re:    regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`),
		maybe: func(s string) bool { return strings.IndexByte(s, '@') >= 0 },
	},
	{
		name:  DetectorCreditCard,
		re:    regexp.MustCompile(`\b\d(?:[ -]?\d){12,18}\b`),
		maybe: func(s string) bool { return countDigits(s, 13) },
		valid: luhn,
		cut:   " -",
	},
	{
		name:  DetectorIBAN,
		re:    regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b`),
		maybe: func(s string) bool { return countDigits(s, 4) },
		valid: ibanChecksum,
		cut:   " ",
	},
	{
		name: DetectorPhone,
		// International (+ and a country code), or North American with separators.
		re:    regexp.MustCompile(`(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){2,4}|\(\d{3}\) ?\d{3}[ .-]\d{4}|\b\d{3}[.-]\d{3}[.-]\d{4})\b`),
		maybe: func(s string) bool { return countDigits(s, 7) },
		valid: func(m string) bool { n := digits(m); return n >= 7 && n <= 15 },
	},
	{
		name:  DetectorIPv4,
		re:    regexp.MustCompile(`\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b`),
		maybe: func(s string) bool { return strings.IndexByte(s, '.') >= 0 && countDigits(s, 4) },
	},
	{
		name: DetectorIPv6,
		re:   regexp.MustCompile(`(?i)(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:%[0-9a-z]+)?`),
		maybe: func(s string) bool {
			return strings.Count(s, ":") >= 2
		},
		valid: func(m string) bool {
			a, err := netip.ParseAddr(m)
			return err == nil && a.Is6() && strings.Count(m, ":") >= 2
		},
		cut:        ":",
		standalone: true,
	},
}

// standsAlone reports whether s[start:end] touches no letter, digit or underscore.
func standsAlone(s string, start, end int) bool {
	return (start == 0 || !isWordByte(s[start-1])) && (end == len(s) || !isWordByte(s[end]))
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// maxCandidates bounds the runs shorter tries in one match.
const maxCandidates = 64

// shorter finds, in a match m that valid rejects, the longest run of whole tokens (split at
// d.cut) that the regexp matches entirely and valid accepts, and returns its bounds in m. The
// regexp's longest match may have taken in a neighbouring token ("qty 3 4111…", an IBAN
// followed by "BIC", the colon of "IP:2001:db8::1"). A doubled separator (IPv6's ::) is part
// of the value and does not split.
func (d *detector) shorter(m string) (start, end int, ok bool) {
	isCut := func(i int) bool { return i >= 0 && i < len(m) && strings.IndexByte(d.cut, m[i]) >= 0 }
	// Token t runs from starts[t] to ends[t].
	starts, ends := []int{0}, []int{}
	for i := range len(m) {
		if isCut(i) && !isCut(i-1) && !isCut(i+1) {
			ends, starts = append(ends, i), append(starts, i+1)
		}
	}
	ends = append(ends, len(m))
	tried := 0
	for n := len(starts) - 1; n > 0; n-- { // tokens per run, longest first; all of them is m
		for first := 0; first+n <= len(starts); first++ {
			if tried++; tried > maxCandidates {
				return 0, 0, false
			}
			start, end = starts[first], ends[first+n-1]
			c := m[start:end]
			if !d.valid(c) {
				continue
			}
			if loc := d.re.FindStringIndex(c); loc != nil && loc[1]-loc[0] == len(c) {
				return start, end, true
			}
		}
	}
	return 0, 0, false
}

// BuiltinDetectors lists the built-in detector names.
func BuiltinDetectors() []string {
	names := make([]string, len(builtins))
	for i, d := range builtins {
		names[i] = d.name
	}
	return names
}

func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// countDigits reports whether s holds at least n ASCII digits.
func countDigits(s string, n int) bool {
	for i := 0; i < len(s) && n > 0; i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n--
		}
	}
	return n == 0
}

// containsFold reports whether s holds word (lower-case ASCII letters) in any case. It jumps
// from one occurrence of word's first letter to the next, so it stays about as cheap as
// strings.Contains.
func containsFold(s, word string) bool {
	for _, first := range [2]byte{word[0], word[0] - 'a' + 'A'} {
		for rest := s; ; {
			i := strings.IndexByte(rest, first)
			if i < 0 || len(rest)-i < len(word) {
				break
			}
			if strings.EqualFold(rest[i+1:i+len(word)], word[1:]) {
				return true
			}
			rest = rest[i+1:]
		}
	}
	return false
}

// luhn checks a card number's check digit (separators ignored) and its length, 13 to 19.
func luhn(m string) bool {
	sum, n := 0, 0
	for i := len(m) - 1; i >= 0; i-- {
		c := m[i]
		if c < '0' || c > '9' {
			continue
		}
		d := int(c - '0')
		if n%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		n++
	}
	return n >= 13 && n <= 19 && sum%10 == 0
}

// ibanChecksum checks ISO 13616's mod-97 check digits (spaces ignored).
func ibanChecksum(m string) bool {
	s := strings.ReplaceAll(m, " ", "")
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	rem := 0
	for i := range len(s) {
		c := s[(i+4)%len(s)] // the first four characters move to the end
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}
