package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"encoding/json"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// Limits of MLflow's trace info (mlflow/tracing/constant.py), which it enforces on the values it
// reads from the spans by refusing the whole request (400 INVALID_PARAMETER_VALUE). It counts
// characters (code points), not bytes.
const (
	maxSessionIDChars = 250  // MAX_CHARS_IN_TRACE_INFO_METADATA
	maxTraceNameChars = 4096 // MAX_CHARS_IN_TRACE_INFO_TAGS_VALUE
)

// attrConversationID is the GenAI convention's session id, which MLflow reads when a span has
// no session.id.
const attrConversationID = "gen_ai.conversation.id"

// usageCacheCreationAbove1hTokens is the part of the cache creation tokens cached for an hour
// (TokenUsageKey.CACHE_CREATION_INPUT_TOKENS_ABOVE_1HR).
const usageCacheCreationAbove1hTokens = "cache_creation_input_tokens_above_1hr"

// malformedSuffix is appended to the key of a value moved aside: MLflow stores it with the span
// without reading it.
const malformedSuffix = ".malformed"

// attrRule repairs a span attribute whose value makes MLflow refuse the request.
type attrRule struct {
	key string
	// rootOnly: MLflow reads the key on root spans only.
	rootOnly bool
	// did says what repair does, for logs and errors; metric names it in
	// otelcol_exporter_mlflow_values_repaired's repair attribute.
	did, metric string
	// repair changes v, the value of key in attrs, if it needs to, and reports whether it did.
	repair func(attrs pcommon.Map, v pcommon.Value) bool
}

// attrRules are the span attributes MLflow's OTLP ingestion (SqlAlchemyStore.log_spans) reads and
// fails on, each with its repair.
var attrRules = []attrRule{
	truncated(mlflow.AttrSessionID, maxSessionIDChars, false, "session_id_truncated"),
	truncated(attrConversationID, maxSessionIDChars, false, "session_id_truncated"),
	truncated(mlflow.AttrTraceTagPrefix+tagTraceName, maxTraceNameChars, true, "trace_name_truncated"),
	// MLflow adds up the counts of each span's token usage and cost into the trace's; a count
	// that is not a number fails that, with a 422. It also reads each cost's fields without
	// checking that it is an object (token usage that is not one, it skips).
	movedAside(mlflow.AttrChatTokenUsage, "token_usage_moved_aside", func(v pcommon.Value) bool {
		return malformed(v, false, mlflow.UsageInputTokens, mlflow.UsageOutputTokens, mlflow.UsageTotalTokens,
			mlflow.UsageCacheReadTokens, mlflow.UsageCacheCreationTokens, usageCacheCreationAbove1hTokens)
	}),
	movedAside(mlflow.AttrLLMCost, "cost_moved_aside", func(v pcommon.Value) bool {
		return malformed(v, true, mlflow.CostInput, mlflow.CostOutput, mlflow.CostTotal)
	}),
	// MLflow stores the span type in a column of its own, which takes no list or map (SQLite
	// refuses to bind one: 400 BAD_REQUEST).
	movedAside(mlflow.AttrSpanType, "span_type_moved_aside", func(v pcommon.Value) bool {
		return v.Type() == pcommon.ValueTypeSlice || v.Type() == pcommon.ValueTypeMap
	}),
}

// truncated is the rule that truncates a value of key over limit characters to limit. As MLflow
// does, a string holding a JSON string (the way mlflow.* values are written) is measured
// unquoted; it is truncated unquoted too, and stays JSON text. A list or map is measured as the
// text MLflow makes of it (mlflowText), which replaces it, truncated.
func truncated(key string, limit int, rootOnly bool, metric string) attrRule {
	return attrRule{
		key:      key,
		rootOnly: rootOnly,
		did:      key + " over " + strconv.Itoa(limit) + " characters truncated",
		metric:   metric,
		repair: func(_ pcommon.Map, v pcommon.Value) bool {
			switch v.Type() {
			case pcommon.ValueTypeStr:
			case pcommon.ValueTypeSlice, pcommon.ValueTypeMap:
				text, ok := mlflowText(v)
				if !ok {
					return false
				}
				cut, long := truncate(text, limit)
				if long {
					v.SetStr(cut)
				}
				return long
			default: // a number or boolean is never that long
				return false
			}
			s := v.Str()
			unquoted, quoted := mlflow.Unquote(s)
			if quoted {
				s = unquoted
			}
			cut, ok := truncate(s, limit)
			if !ok {
				return false
			}
			if quoted {
				cut = mlflow.JSONText(cut)
			}
			v.SetStr(cut)
			return true
		},
	}
}

// truncate returns s cut to limit characters, and whether it was longer.
func truncate(s string, limit int) (string, bool) {
	n := 0
	for i := range s {
		if n == limit {
			return s[:i], true
		}
		n++
	}
	return s, false
}

// movedAside is the rule that moves a value of key that isMalformed to key+malformedSuffix,
// where MLflow does not read it.
func movedAside(key, metric string, isMalformed func(pcommon.Value) bool) attrRule {
	return attrRule{
		key:    key,
		did:    "malformed " + key + " moved to " + key + malformedSuffix,
		metric: metric,
		repair: func(attrs pcommon.Map, v pcommon.Value) bool {
			if !isMalformed(v) {
				return false
			}
			moveValue(attrs, key, key+malformedSuffix)
			return true
		},
	}
}

// malformed reports whether v, a JSON object as text or a map, has a field of fields that is not
// a number: MLflow adds them up with Python's +, for which a boolean is a number too. With
// objectOnly, a value that is no JSON object is malformed too.
func malformed(v pcommon.Value, objectOnly bool, fields ...string) bool {
	switch v.Type() {
	case pcommon.ValueTypeMap:
		for _, f := range fields {
			if fv, ok := v.Map().Get(f); ok {
				switch fv.Type() {
				case pcommon.ValueTypeInt, pcommon.ValueTypeDouble, pcommon.ValueTypeBool:
				default:
					return true
				}
			}
		}
		return false
	case pcommon.ValueTypeStr:
		var object map[string]json.RawMessage
		if json.Unmarshal([]byte(v.Str()), &object) != nil || object == nil { // nil: JSON null
			return objectOnly
		}
		for _, f := range fields {
			if raw, ok := object[f]; ok && !isJSONNumberOrBool(raw) {
				return true
			}
		}
		return false
	default:
		return objectOnly
	}
}

func isJSONNumberOrBool(raw json.RawMessage) bool {
	s := string(raw)
	return s == "true" || s == "false" || s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9')
}
