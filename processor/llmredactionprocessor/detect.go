package llmredactionprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmredactionprocessor"

import (
	"net/netip"
	"regexp"
	"strings"
)

// detector finds one kind of sensitive value. maybe is a cheap prefilter: when it says no, the
// regexp is not run. valid, when set, confirms a regexp match (checksums).
type detector struct {
	name  string
	re    *regexp.Regexp
	maybe func(s string) bool
	valid func(match string) bool
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
		maybe: func(s string) bool { return strings.Contains(s, "earer") || strings.Contains(s, "EARER") },
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
	},
	{
		name:  DetectorIBAN,
		re:    regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b`),
		maybe: func(s string) bool { return countDigits(s, 4) },
		valid: ibanChecksum,
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
	},
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
