package mlflow // import "github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"
)

// MaxTraceTagKeyChars is MLflow's limit on trace tag keys (MAX_TRACE_TAG_KEY_LENGTH), in
// characters.
const MaxTraceTagKeyChars = 250

// tagKeyChars is what MLflow takes in a tag key on a POSIX server: Python's \w (letters and
// numbers of any script, and _), slashes, periods, dashes, colons and spaces.
var tagKeyChars = regexp.MustCompile(`^[\p{L}\p{N}_/.\- :]*$`)

// TraceTagKeyProblem returns why MLflow refuses key as a trace tag key, worded as the tracking
// server words it, or "" when it takes the key. It checks what _validate_trace_tag checks: the
// characters, that the key reads as a file name of its own (posixpath.normpath leaves it
// alone), and the length. MLflow's SetTraceTag refuses such a key (400 INVALID_PARAMETER_VALUE),
// its OTLP ingestion skips a root's mlflow.traceTag.<key> attribute with it, while StartTraceV3
// stores it.
func TraceTagKeyProblem(key string) string {
	if key == "" {
		return "Missing value for required parameter 'key'."
	}
	quoted, _ := json.Marshal(key)
	if !tagKeyChars.MatchString(key) {
		return fmt.Sprintf("Invalid value %s for parameter 'key' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).", quoted)
	}
	if clean := path.Clean(key); clean != key || clean == "." || strings.HasPrefix(clean, "..") || strings.HasPrefix(clean, "/") {
		return fmt.Sprintf("Invalid value %s for parameter 'key' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '%s'", quoted, clean)
	}
	if utf8.RuneCountInString(key) > MaxTraceTagKeyChars {
		return fmt.Sprintf("'key' exceeds the maximum length of %d characters", MaxTraceTagKeyChars)
	}
	return ""
}
