package cost

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// matcher is a compiled genai-prices match clause. Names reach it in lower case, as in
// genai-prices, which lowers both sides of every comparison except regexes.
type matcher interface{ match(name string) bool }

type (
	equals     string
	startsWith string
	endsWith   string
	contains   string
	anyOf      []matcher
	allOf      []matcher
	re         struct{ *regexp.Regexp }
	not        struct{ matcher }
)

func (m equals) match(s string) bool     { return s == string(m) }
func (m startsWith) match(s string) bool { return strings.HasPrefix(s, string(m)) }
func (m endsWith) match(s string) bool   { return strings.HasSuffix(s, string(m)) }
func (m contains) match(s string) bool   { return strings.Contains(s, string(m)) }
func (m re) match(s string) bool         { return m.MatchString(s) }
func (m not) match(s string) bool        { return !m.matcher.match(s) }

func (m anyOf) match(s string) bool {
	for _, c := range m {
		if c.match(s) {
			return true
		}
	}
	return false
}

func (m allOf) match(s string) bool {
	for _, c := range m {
		if !c.match(s) {
			return false
		}
	}
	return true
}

// clause is one genai-prices match clause: exactly one field is set.
type clause struct {
	Equals     *string  `json:"equals"`
	StartsWith *string  `json:"starts_with"`
	EndsWith   *string  `json:"ends_with"`
	Contains   *string  `json:"contains"`
	Regex      *string  `json:"regex"`
	Or         []clause `json:"or"`
	And        []clause `json:"and"`
}

func compileRaw(raw json.RawMessage) (matcher, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var c clause
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, err
	}
	return c.compile()
}

func (c clause) compile() (matcher, error) {
	switch {
	case c.Equals != nil:
		return equals(strings.ToLower(*c.Equals)), nil
	case c.StartsWith != nil:
		return startsWith(strings.ToLower(*c.StartsWith)), nil
	case c.EndsWith != nil:
		return endsWith(strings.ToLower(*c.EndsWith)), nil
	case c.Contains != nil:
		return contains(strings.ToLower(*c.Contains)), nil
	case c.Regex != nil:
		return compileRegex(*c.Regex)
	case c.Or != nil:
		return compileAll(c.Or, func(ms []matcher) matcher { return anyOf(ms) })
	case c.And != nil:
		return compileAll(c.And, func(ms []matcher) matcher { return allOf(ms) })
	}
	return nil, fmt.Errorf("empty match clause")
}

func compileAll(cs []clause, wrap func([]matcher) matcher) (matcher, error) {
	ms := make([]matcher, 0, len(cs))
	for _, c := range cs {
		m, err := c.compile()
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return wrap(ms), nil
}

// compileRegex compiles a Python regex (re.search semantics) with Go's RE2. RE2 has no
// lookahead; the one form the table uses, a whole-pattern negative lookahead "^(?!X)"
// ("does not start with X"), becomes not("^X"). Any other unsupported pattern is an error, so
// that a regenerated table that needs more is caught by the tests.
func compileRegex(pattern string) (matcher, error) {
	if inner, ok := strings.CutPrefix(pattern, "^(?!"); ok && strings.HasSuffix(inner, ")") {
		m, err := regexp.Compile("^(?:" + strings.TrimSuffix(inner, ")") + ")")
		if err == nil {
			return not{re{m}}, nil
		}
	}
	m, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("regex %q: %w", pattern, err)
	}
	return re{m}, nil
}
