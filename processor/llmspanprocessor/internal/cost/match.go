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
// lookahead; the one form the table uses, a leading negative lookahead "^(?!X)Y" ("does not
// start with X" and, when Y is not empty, "starts with Y"), becomes and(not("^X"), "^Y"). Any
// other unsupported pattern is an error, so that a regenerated table that needs more is caught
// by the tests.
func compileRegex(pattern string) (matcher, error) {
	rest, ok := strings.CutPrefix(pattern, "^(?!")
	end := groupEnd(rest)
	if !ok || end < 0 {
		return compilePart(pattern, "", pattern)
	}
	lookahead, err := compilePart(pattern, "^", rest[:end])
	if err != nil || rest[end+1:] == "" {
		return not{lookahead}, err
	}
	then, err := compilePart(pattern, "^", rest[end+1:])
	return allOf{not{lookahead}, then}, err
}

// compilePart compiles part of pattern, after anchor.
func compilePart(pattern, anchor, part string) (matcher, error) {
	m, err := regexp.Compile(anchor + "(?:" + part + ")")
	if err != nil {
		return nil, fmt.Errorf("regex %q: %w", pattern, err)
	}
	return re{m}, nil
}

// groupEnd returns the index of the ')' that closes a group opened just before s, or -1.
func groupEnd(s string) int {
	depth, inClass := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++ // the escaped character
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}
