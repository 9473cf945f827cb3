package mlflow // import "github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// GetTrace answers with OpenTelemetry proto spans in protobuf JSON with proto field names:
// base64 ids and structured AnyValues. The server decodes the JSON text it stores for each
// attribute back into an AnyValue, so these are the values the Python SDK shows.

type spanJSON struct {
	TraceID           []byte         `json:"trace_id"`
	SpanID            []byte         `json:"span_id"`
	ParentSpanID      []byte         `json:"parent_span_id"`
	Name              string         `json:"name"`
	StartTimeUnixNano protoInt64     `json:"start_time_unix_nano"`
	EndTimeUnixNano   protoInt64     `json:"end_time_unix_nano"`
	Attributes        []keyValueJSON `json:"attributes"`
	Status            struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"status"`
}

func (s *spanJSON) span() Span {
	code := strings.TrimPrefix(s.Status.Code, "STATUS_CODE_")
	if code == "" {
		code = "UNSET"
	}
	return Span{
		TraceID:       hex.EncodeToString(s.TraceID),
		SpanID:        hex.EncodeToString(s.SpanID),
		ParentSpanID:  hex.EncodeToString(s.ParentSpanID),
		Name:          s.Name,
		StartTime:     time.Unix(0, int64(s.StartTimeUnixNano)),
		EndTime:       time.Unix(0, int64(s.EndTimeUnixNano)),
		StatusCode:    code,
		StatusMessage: s.Status.Message,
		Attributes:    keyValues(s.Attributes),
	}
}

type keyValueJSON struct {
	Key   string       `json:"key"`
	Value anyValueJSON `json:"value"`
}

type anyValueJSON struct {
	StringValue *string      `json:"string_value"`
	BoolValue   *bool        `json:"bool_value"`
	IntValue    *protoInt64  `json:"int_value"`
	DoubleValue *protoDouble `json:"double_value"`
	BytesValue  []byte       `json:"bytes_value"`
	ArrayValue  *struct {
		Values []anyValueJSON `json:"values"`
	} `json:"array_value"`
	KvlistValue *struct {
		Values []keyValueJSON `json:"values"`
	} `json:"kvlist_value"`
}

func keyValues(kvs []keyValueJSON) map[string]any {
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value.value()
	}
	return m
}

func (v *anyValueJSON) value() any {
	switch {
	case v.StringValue != nil:
		return *v.StringValue
	case v.BoolValue != nil:
		return *v.BoolValue
	case v.IntValue != nil:
		return int64(*v.IntValue)
	case v.DoubleValue != nil:
		return float64(*v.DoubleValue)
	case v.BytesValue != nil:
		return v.BytesValue
	case v.ArrayValue != nil:
		vals := make([]any, len(v.ArrayValue.Values))
		for i := range v.ArrayValue.Values {
			vals[i] = v.ArrayValue.Values[i].value()
		}
		return vals
	case v.KvlistValue != nil:
		return keyValues(v.KvlistValue.Values)
	default:
		return nil
	}
}

// protoInt64 is a 64-bit integer in protobuf JSON: a number, or a decimal string.
type protoInt64 int64

func (p *protoInt64) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("mlflow: %s is not a 64-bit integer", b)
	}
	*p = protoInt64(n)
	return nil
}

// protoDouble is a double in protobuf JSON: a number, or a string, as "NaN", "Infinity" and
// "-Infinity" must be (JSON numbers cannot express them; ParseFloat reads all three).
type protoDouble float64

func (p *protoDouble) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(strings.Trim(string(b), `"`), 64)
	if err != nil {
		return fmt.Errorf("mlflow: %s is not a double", b)
	}
	*p = protoDouble(f)
	return nil
}
