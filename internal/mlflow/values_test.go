package mlflow

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// decodedText is ValueText without its shortcut: every JSON string decoded.
func decodedText(v pcommon.Value) string {
	s := v.AsString()
	var unquoted string
	if v.Type() == pcommon.ValueTypeStr && strings.HasPrefix(s, `"`) && json.Unmarshal([]byte(s), &unquoted) == nil {
		return unquoted
	}
	return s
}

func TestValueText(t *testing.T) {
	for _, s := range []string{
		`"CHAT_MODEL"`, `""`, `"`, `"a"b"`, `"a\"b"`, `"tab\there"`, `"caf\u00e9"`, `"café"`,
		"\"caf\xe9\"", "\"new\nline\"", `"gpt-4o" `, `plain`, `"unterminated`, `{"a":1}`, `12`,
	} {
		v := pcommon.NewValueStr(s)
		assert.Equal(t, decodedText(v), ValueText(v), "%q", s)
	}
	assert.Equal(t, "12", ValueText(pcommon.NewValueInt(12)))
}

func FuzzValueText(f *testing.F) {
	f.Add(`"CHAT_MODEL"`)
	f.Add(`"a\"b"`)
	f.Fuzz(func(t *testing.T, s string) {
		v := pcommon.NewValueStr(s)
		if got, want := ValueText(v), decodedText(v); got != want {
			t.Fatalf("ValueText(%q) = %q, decoded %q", s, got, want)
		}
	})
}
