package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// traceDataJSON is traces.json: TraceData.to_dict() (mlflow/entities/trace_data.py).
type traceDataJSON struct {
	Spans []spanJSON `json:"spans"`
}

// spanJSON is one span as Span.to_dict() writes it (mlflow/entities/span.py). MLflow 3 writes
// base64 ids and *_unix_nano times; MLflow 2 wrote a "context" object with hex ids, and
// start_time/end_time (Span.from_dict_v2). Both are read.
type spanJSON struct {
	TraceID           string          `json:"trace_id"`
	SpanID            string          `json:"span_id"`
	ParentSpanID      *string         `json:"parent_span_id"`
	Name              string          `json:"name"`
	StartTimeUnixNano flexInt         `json:"start_time_unix_nano"`
	EndTimeUnixNano   flexInt         `json:"end_time_unix_nano"`
	Status            statusJSON      `json:"status"`
	Attributes        json.RawMessage `json:"attributes"`
	Events            []eventJSON     `json:"events"`
	Links             []linkJSON      `json:"links"`

	Context *struct {
		TraceID string `json:"trace_id"`
		SpanID  string `json:"span_id"`
	} `json:"context"`
	ParentID      *string `json:"parent_id"`
	StartTime     flexInt `json:"start_time"`
	EndTime       flexInt `json:"end_time"`
	StatusCode    string  `json:"status_code"`
	StatusMessage string  `json:"status_message"`
}

type statusJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type eventJSON struct {
	Name         string          `json:"name"`
	TimeUnixNano flexInt         `json:"time_unix_nano"`
	Timestamp    flexInt         `json:"timestamp"` // MLflow 2
	Attributes   json.RawMessage `json:"attributes"`
}

// linkJSON is Link.to_dict(): the MLflow trace id ("tr-<hex>") and a hex span id.
type linkJSON struct {
	TraceID    string          `json:"trace_id"`
	SpanID     string          `json:"span_id"`
	Attributes json.RawMessage `json:"attributes"`
}

// flexInt is an integer written as a JSON number or string (from_dict applies int() to both).
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("not an integer: %s", b)
	}
	*f = flexInt(n)
	return nil
}

// traceDataToTraces converts traces.json into pdata, the way the SDK would have sent the
// same spans over OTLP (Span.to_otel_proto): every span attribute, stored as JSON text, becomes
// its decoded value (a string, number, bool, map or list); text that is not JSON stays a string.
// Event and link attributes are stored as plain values and are converted as they are.
func traceDataToTraces(body []byte) (ptrace.Traces, error) {
	var data traceDataJSON
	if err := json.Unmarshal(body, &data); err != nil {
		return ptrace.Traces{}, fmt.Errorf("malformed traces.json: %w", err)
	}
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	spans.EnsureCapacity(len(data.Spans))
	for i := range data.Spans {
		if err := data.Spans[i].to(spans.AppendEmpty()); err != nil {
			return ptrace.Traces{}, fmt.Errorf("span %d (%q): %w", i, data.Spans[i].Name, err)
		}
	}
	return td, nil
}

func (s *spanJSON) to(span ptrace.Span) error {
	if s.Context != nil { // MLflow 2: hex ids in "context", start_time/end_time
		return s.fill(span, s.Context.TraceID, s.Context.SpanID, s.ParentID, s.StartTime, s.EndTime, s.StatusCode, s.StatusMessage)
	}
	return s.fill(span, s.TraceID, s.SpanID, s.ParentSpanID, s.StartTimeUnixNano, s.EndTimeUnixNano, s.Status.Code, s.Status.Message)
}

func (s *spanJSON) fill(span ptrace.Span, traceID, spanID string, parentID *string, start, end flexInt, code, message string) error {
	tid, err := decodeTraceID(traceID)
	if err != nil {
		return fmt.Errorf("trace_id: %w", err)
	}
	sid, err := decodeSpanID(spanID)
	if err != nil {
		return fmt.Errorf("span_id: %w", err)
	}
	span.SetTraceID(tid)
	span.SetSpanID(sid)
	if parentID != nil && *parentID != "" {
		parent, err := decodeSpanID(*parentID)
		if err != nil {
			return fmt.Errorf("parent span id: %w", err)
		}
		span.SetParentSpanID(parent)
	}
	span.SetName(s.Name)
	span.SetStartTimestamp(pcommon.Timestamp(start))
	span.SetEndTimestamp(pcommon.Timestamp(end))
	if err := setStatus(span.Status(), code, message); err != nil {
		return err
	}
	return s.attributesEventsLinks(span)
}

func (s *spanJSON) attributesEventsLinks(span ptrace.Span) error {
	if err := putObject(span.Attributes(), s.Attributes, true); err != nil {
		return fmt.Errorf("attributes: %w", err)
	}
	for i, ev := range s.Events {
		event := span.Events().AppendEmpty()
		event.SetName(ev.Name)
		ts := ev.TimeUnixNano
		if ts == 0 {
			ts = ev.Timestamp
		}
		event.SetTimestamp(pcommon.Timestamp(ts))
		if err := putObject(event.Attributes(), ev.Attributes, false); err != nil {
			return fmt.Errorf("events[%d].attributes: %w", i, err)
		}
	}
	for i, l := range s.Links {
		traceID, err := decodeTraceID(l.TraceID)
		if err != nil {
			return fmt.Errorf("links[%d].trace_id: %w", i, err)
		}
		spanID, err := decodeSpanID(l.SpanID)
		if err != nil {
			return fmt.Errorf("links[%d].span_id: %w", i, err)
		}
		link := span.Links().AppendEmpty()
		link.SetTraceID(traceID)
		link.SetSpanID(spanID)
		if err := putObject(link.Attributes(), l.Attributes, false); err != nil {
			return fmt.Errorf("links[%d].attributes: %w", i, err)
		}
	}
	return nil
}

// setStatus reads the OTel enum name MLflow 3 writes (STATUS_CODE_OK) and the bare value MLflow
// 3.5 and 2 wrote (OK).
func setStatus(status ptrace.Status, code, message string) error {
	switch strings.TrimPrefix(code, "STATUS_CODE_") {
	case "OK":
		status.SetCode(ptrace.StatusCodeOk)
	case "ERROR":
		status.SetCode(ptrace.StatusCodeError)
	case "UNSET", "":
		status.SetCode(ptrace.StatusCodeUnset)
	default:
		return fmt.Errorf("status: unknown code %q", code)
	}
	status.SetMessage(message)
	return nil
}

// decodeTraceID reads a trace id as MLflow writes it: base64 of the 16 bytes (MLflow 3), or hex
// with an optional "tr-" or "0x" prefix (MLflow 3.5 and 2, links).
func decodeTraceID(s string) (pcommon.TraceID, error) {
	var id pcommon.TraceID
	err := decodeID(s, id[:])
	return id, err
}

// otelTraceID is the OTel trace id inside an MLflow 3 trace id ("tr-<32 hex>"); false for
// other ids (an MLflow 2 request id is a uuid, unrelated to the OTel trace id).
func otelTraceID(mlflowID string) (pcommon.TraceID, bool) {
	var id pcommon.TraceID
	h, ok := strings.CutPrefix(mlflowID, "tr-")
	if !ok || len(h) != 2*len(id) {
		return id, false
	}
	if _, err := hex.Decode(id[:], []byte(h)); err != nil {
		return id, false
	}
	return id, true
}

// setTraceID gives every span of td the trace id id.
func setTraceID(td ptrace.Traces, id pcommon.TraceID) {
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				span.SetTraceID(id)
			}
		}
	}
}

func decodeSpanID(s string) (pcommon.SpanID, error) {
	var id pcommon.SpanID
	err := decodeID(s, id[:])
	return id, err
}

func decodeID(s string, dst []byte) error {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == len(dst) {
		copy(dst, b)
		return nil
	}
	h := strings.TrimPrefix(strings.TrimPrefix(s, "tr-"), "0x")
	if len(h)%2 == 1 {
		h = "0" + h // from a Python int formatted without leading zeros
	}
	b, err := hex.DecodeString(h)
	if err != nil || len(b) == 0 || len(b) > len(dst) {
		return fmt.Errorf("%q is neither base64 nor hex of %d bytes", s, len(dst))
	}
	copy(dst[len(dst)-len(b):], b)
	return nil
}

// putObject puts the members of a JSON object into m, in their order. With jsonText, string
// members hold JSON text (span attributes) and are decoded one level, falling back to the raw
// string as MLflow's reader does.
func putObject(m pcommon.Map, raw json.RawMessage, jsonText bool) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	dec := newDecoder(raw)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errors.New("not a JSON object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		v := m.PutEmpty(key)
		if !jsonText {
			if err := putValue(v, dec); err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			continue
		}
		var member json.RawMessage
		if err := dec.Decode(&member); err != nil {
			return err
		}
		var text string
		if member[0] != '"' || json.Unmarshal(member, &text) != nil {
			err = decodeValue(v, member) // a plain value where JSON text was expected
		} else if decodeValue(v, []byte(text)) != nil {
			v.SetStr(text)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	return nil
}

// decodeValue sets v from one complete JSON document.
func decodeValue(v pcommon.Value, doc []byte) error {
	dec := newDecoder(doc)
	if err := putValue(v, dec); err != nil {
		return err
	}
	// Only the end of the input may follow: "3.17.2" or "1 apple" is text, not the number it
	// starts with (json.loads, which the server uses, rejects both).
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

// putValue sets v from the next JSON value of dec, as _set_otel_proto_anyvalue would from the
// Python value: null leaves v empty, integers become ints, other numbers doubles.
func putValue(v pcommon.Value, dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case nil:
	case bool:
		v.SetBool(t)
	case string:
		v.SetStr(t)
	case json.Number:
		if i, err := t.Int64(); err == nil {
			v.SetInt(i)
		} else if f, err := t.Float64(); err == nil {
			v.SetDouble(f)
		} else {
			return err
		}
	case json.Delim:
		switch t {
		case '{':
			m := v.SetEmptyMap()
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				if err := putValue(m.PutEmpty(k.(string)), dec); err != nil {
					return err
				}
			}
		case '[':
			s := v.SetEmptySlice()
			for dec.More() {
				if err := putValue(s.AppendEmpty(), dec); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("unexpected %v", t)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return err
		}
	}
	return nil
}

func newDecoder(b []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec
}
