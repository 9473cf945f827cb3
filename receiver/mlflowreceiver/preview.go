package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"encoding/json"
	"reflect"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// sdkPreviewMaxLength is the length, in characters, MLflow's SDK cuts the previews it derives
// to, with "..." at the end (TRACE_REQUEST_RESPONSE_PREVIEW_MAX_LENGTH_OSS); previews an app
// sets are never cut.
const sdkPreviewMaxLength = 1000

// appPreview returns preview when the app set it (mlflow.update_current_trace), or "" when it is
// what the SDK derives from the root span's inputs or outputs (key) for every trace. The server
// derives the same from the spans it is sent, after the pipeline's processors: carrying the
// SDK's own copy would undo what they changed, such as llmredaction's masking.
//
// The SDK's preview is the value's JSON text or the text of one of its chat messages, cut to
// sdkPreviewMaxLength; a preview that could be either is taken as derived. So is one an app
// set to text found in the value: the server then shows its own, from the processed span.
func appPreview(preview string, attrs pcommon.Map, key string) string {
	v, ok := attrs.Get(key)
	if preview == "" || !ok {
		return preview
	}
	if strings.HasSuffix(preview, "...") && utf8.RuneCountInString(preview) == sdkPreviewMaxLength {
		return ""
	}
	value := v.AsRaw()
	var decoded any
	if s, isStr := value.(string); isStr && json.Unmarshal([]byte(s), &decoded) == nil {
		value = decoded // a value the SDK wrote as JSON text
	}
	if sameJSON(preview, value) || containsText(value, preview) {
		return ""
	}
	return preview
}

// sameJSON reports whether text is JSON for value, however it is spaced.
func sameJSON(text string, value any) bool {
	var got, want any
	b, err := json.Marshal(value)
	return err == nil && json.Unmarshal([]byte(text), &got) == nil &&
		json.Unmarshal(b, &want) == nil && reflect.DeepEqual(got, want)
}

// containsText reports whether s is one of the strings in value, at any depth.
func containsText(value any, s string) bool {
	switch v := value.(type) {
	case string:
		return v == s
	case map[string]any:
		for _, e := range v {
			if containsText(e, s) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if containsText(e, s) {
				return true
			}
		}
	}
	return false
}
