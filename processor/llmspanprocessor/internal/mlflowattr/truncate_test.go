package mlflowattr

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTruncateJSON(t *testing.T) {
	long := strings.Repeat("a", 100)
	tests := []struct {
		name  string
		in    string
		limit int
		want  string // "" when not checked exactly
		fails bool
	}{
		{name: "short enough", in: `{"a":"b"}`, limit: 9, want: `{"a":"b"}`},
		{name: "top-level string", in: `"` + long + `"`, limit: 40, want: `"` + strings.Repeat("a", 14) + `…[truncated 86 bytes]"`},
		{name: "keys are kept", in: `{"` + long + `":"x","v":"` + long + `"}`, limit: 150},
		{name: "longest string first", in: `["short","` + long + `"]`, limit: 60, want: `["short","` + strings.Repeat("a", 24) + `…[truncated 76 bytes]"]`},
		{name: "numbers only", in: `{"input_tokens":123456789,"output_tokens":1}`, limit: 20, fails: true},
		{name: "marker longer than the value", in: `"CHAT_MODEL"`, limit: 8, fails: true},
		{name: "skeleton too long", in: `[` + strings.Repeat(`"ab",`, 30) + `"ab"]`, limit: 40, fails: true},
		{name: "escapes counted decoded", in: `"` + strings.Repeat(`\n`, 50) + `"`, limit: 40, want: `"` + strings.Repeat(`\n`, 7) + `…[truncated 43 bytes]"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := truncateJSON(tt.in, tt.limit)
			if tt.fails {
				assert.False(t, ok, got)
				return
			}
			require.True(t, ok)
			assert.LessOrEqual(t, len(got), tt.limit)
			assert.True(t, json.Valid([]byte(got)), got)
			if tt.want != "" {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}

// TestTruncateJSONNeverSplits cuts strings of multi-byte characters, escapes and surrogate
// pairs at every limit: the result is always valid JSON in valid UTF-8, within the limit, and
// what is kept of each string is a prefix of the original.
func TestTruncateJSONNeverSplits(t *testing.T) {
	pieces := []string{"é", "€", "😀", `\"`, `\\`, `\n`, `\u0001`, `\ud83d\ude00`, `\ufffd`, "a", "中文"}
	for i, p := range pieces {
		for _, q := range pieces[i:] {
			content := strings.Repeat(p+q, 40)
			in := `{"messages":[{"role":"user","content":"` + content + `"},{"role":"assistant","content":"` + q + content + `"}]}`
			require.True(t, json.Valid([]byte(in)), in)
			var orig map[string][]map[string]string
			require.NoError(t, json.Unmarshal([]byte(in), &orig))
			for limit := len(in) - 1; limit >= 60; limit-- {
				got, ok := truncateJSON(in, limit)
				if !ok {
					continue
				}
				require.LessOrEqual(t, len(got), limit)
				require.True(t, utf8.ValidString(got), "%q at %d", p+q, limit)
				var out map[string][]map[string]string
				require.NoError(t, json.Unmarshal([]byte(got), &out), "%q at %d: %s", p+q, limit, got)
				for m, msg := range out["messages"] {
					assert.Equal(t, orig["messages"][m]["role"], msg["role"])
					kept, marker, cut := strings.Cut(msg["content"], "…[truncated ")
					assert.True(t, strings.HasPrefix(orig["messages"][m]["content"], kept), "%q at %d", p+q, limit)
					if cut {
						assert.Regexp(t, `^\d+ bytes\]$`, marker)
						assert.Equal(t, len(orig["messages"][m]["content"])-len(kept), atoi(t, strings.TrimSuffix(marker, " bytes]")), "bytes removed")
					}
				}
			}
		}
	}
}

func atoi(t *testing.T, s string) int {
	var n int
	require.NoError(t, json.Unmarshal([]byte(s), &n))
	return n
}
