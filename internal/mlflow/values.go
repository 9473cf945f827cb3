package mlflow // import "github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"

import (
	"encoding/json"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// ValueText returns an attribute's value as text. A string holding a JSON string, the way
// mlflow.* values are written ("\"gpt-4o\""), is unquoted; any other value is as AsString
// gives it.
func ValueText(v pcommon.Value) string {
	s := v.AsString()
	if v.Type() == pcommon.ValueTypeStr && strings.HasPrefix(s, `"`) {
		var unquoted string
		if json.Unmarshal([]byte(s), &unquoted) == nil {
			return unquoted
		}
	}
	return s
}

// JSONText returns s as JSON text, the way mlflow.* string values are written.
func JSONText(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
