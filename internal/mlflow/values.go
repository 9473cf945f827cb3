package mlflow // import "github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// ValueText returns an attribute's value as text. A string holding a JSON string, the way
// mlflow.* values are written ("\"gpt-4o\""), is unquoted; any other value is as AsString
// gives it.
func ValueText(v pcommon.Value) string {
	s := v.AsString()
	if v.Type() == pcommon.ValueTypeStr {
		if unquoted, ok := Unquote(s); ok {
			return unquoted
		}
	}
	return s
}

// Unquote returns the text of s when s is JSON string text, the way mlflow.* string values are
// written, and whether it is.
func Unquote(s string) (string, bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", false
	}
	if plain, ok := plainQuoted(s); ok {
		return plain, true // most values, such as "CHAT_MODEL": no decoding needed
	}
	var unquoted string
	if json.Unmarshal([]byte(s), &unquoted) != nil {
		return "", false
	}
	return unquoted, true
}

// plainQuoted returns the text of s, a JSON string without escapes, and whether it is one.
func plainQuoted(s string) (string, bool) {
	if len(s) < 2 || s[len(s)-1] != '"' {
		return "", false
	}
	inner := s[1 : len(s)-1]
	for i := 0; i < len(inner); i++ {
		if c := inner[i]; c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return "", false // escapes, or bytes json.Unmarshal may replace: decode
		}
	}
	return inner, true
}

// JSONText returns s as JSON text, the way mlflow.* string values are written.
func JSONText(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
