package mlflow // import "github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"

import (
	"context"
	"encoding/hex"
	"net/url"
	"time"
)

// maxSearchResults is the largest page SearchTracesV3 accepts.
const maxSearchResults = 500

// TraceInfo is a trace's summary (TraceInfoV3) as the server computed it from the spans.
type TraceInfo struct {
	TraceID      string
	ExperimentID string
	// ClientRequestID is the app's own id for the request (mlflow.update_current_trace).
	ClientRequestID string
	// State is OK, ERROR or IN_PROGRESS (no root span seen yet).
	State             string
	RequestTime       time.Time
	ExecutionDuration string // a proto Duration, e.g. "1.5s"
	RequestPreview    string
	ResponsePreview   string
	// TraceMetadata holds mlflow.trace.session, mlflow.trace.user, mlflow.trace.tokenUsage, ...
	TraceMetadata map[string]string
	Tags          map[string]string
}

// Trace is a trace with its spans.
type Trace struct {
	Info  TraceInfo
	Spans []Span
}

// Span is a stored span. Its attribute values are decoded the way MLflow's Python SDK shows
// them (Span.attributes): strings, int64, float64, bool, []any, map[string]any, []byte.
type Span struct {
	TraceID      string // 32 hex digits
	SpanID       string // 16 hex digits
	ParentSpanID string // 16 hex digits; empty for a root span
	Name         string
	StartTime    time.Time
	EndTime      time.Time
	// StatusCode is OK, ERROR or UNSET.
	StatusCode    string
	StatusMessage string
	Attributes    map[string]any
}

// SpanType returns the span's mlflow.spanType, or "" when it has none.
func (s *Span) SpanType() string {
	t, _ := s.Attributes[AttrSpanType].(string)
	return t
}

// SearchTraces returns the infos of the traces in the given experiments that match filter
// (MLflow's search syntax, e.g. "attributes.status = 'OK'"; empty for all), following pages.
func (c *Client) SearchTraces(ctx context.Context, experimentIDs []string, filter string) ([]TraceInfo, error) {
	req := searchTracesRequest{Filter: filter, MaxResults: maxSearchResults}
	for _, id := range experimentIDs {
		req.Locations = append(req.Locations, experimentLocation(id))
	}
	var infos []TraceInfo
	for {
		var page struct {
			Traces        []traceInfoJSON `json:"traces"`
			NextPageToken string          `json:"next_page_token"`
		}
		if err := c.post(ctx, PathSearchTraces, req, &page); err != nil {
			return nil, err
		}
		for i := range page.Traces {
			infos = append(infos, page.Traces[i].info())
		}
		// The server hands out a token even after the last page; an empty page ends the walk.
		if page.NextPageToken == "" || len(page.Traces) == 0 {
			return infos, nil
		}
		req.PageToken = page.NextPageToken
	}
}

// GetTrace returns a trace with all spans stored so far (IN_PROGRESS traces included). A
// missing trace is an error for which IsNotFound holds.
func (c *Client) GetTrace(ctx context.Context, traceID string) (*Trace, error) {
	var out struct {
		Trace struct {
			TraceInfo traceInfoJSON `json:"trace_info"`
			Spans     []spanJSON    `json:"spans"`
		} `json:"trace"`
	}
	query := url.Values{"trace_id": {traceID}, "allow_partial": {"true"}}
	if err := c.get(ctx, PathGetTrace, query, &out); err != nil {
		return nil, err
	}
	tr := &Trace{Info: out.Trace.TraceInfo.info(), Spans: make([]Span, 0, len(out.Trace.Spans))}
	for i := range out.Trace.Spans {
		tr.Spans = append(tr.Spans, out.Trace.Spans[i].span())
	}
	return tr, nil
}

// StartTrace records a trace's info (StartTraceV3), as MLflow's SDK does once a trace's root
// span has ended. For a trace whose spans the server already holds, it merges the info into the
// stored trace: metadata and tags are added; state and client request id replace the stored
// ones (an empty ClientRequestID clears it); previews replace the computed ones when set, and
// the computed previews and token usage stay otherwise.
func (c *Client) StartTrace(ctx context.Context, info TraceInfo) error {
	type traceInfoV3 struct {
		TraceID           string            `json:"trace_id"`
		ClientRequestID   string            `json:"client_request_id,omitempty"`
		TraceLocation     traceLocation     `json:"trace_location"`
		RequestPreview    string            `json:"request_preview,omitempty"`
		ResponsePreview   string            `json:"response_preview,omitempty"`
		RequestTime       string            `json:"request_time,omitempty"`
		ExecutionDuration string            `json:"execution_duration,omitempty"`
		State             string            `json:"state,omitempty"`
		TraceMetadata     map[string]string `json:"trace_metadata,omitempty"`
		Tags              map[string]string `json:"tags,omitempty"`
	}
	var in struct {
		Trace struct {
			TraceInfo traceInfoV3 `json:"trace_info"`
		} `json:"trace"`
	}
	in.Trace.TraceInfo = traceInfoV3{
		TraceID:           info.TraceID,
		ClientRequestID:   info.ClientRequestID,
		TraceLocation:     experimentLocation(info.ExperimentID),
		RequestPreview:    info.RequestPreview,
		ResponsePreview:   info.ResponsePreview,
		ExecutionDuration: info.ExecutionDuration,
		State:             info.State,
		TraceMetadata:     info.TraceMetadata,
		Tags:              info.Tags,
	}
	if !info.RequestTime.IsZero() {
		in.Trace.TraceInfo.RequestTime = info.RequestTime.UTC().Format(time.RFC3339Nano)
	}
	var out struct{}
	return c.post(ctx, PathStartTraceV3, in, &out)
}

type searchTracesRequest struct {
	Locations  []traceLocation `json:"locations"`
	Filter     string          `json:"filter,omitempty"`
	MaxResults int             `json:"max_results"`
	PageToken  string          `json:"page_token,omitempty"`
}

type traceLocation struct {
	Type             string `json:"type"`
	MLflowExperiment struct {
		ExperimentID string `json:"experiment_id"`
	} `json:"mlflow_experiment"`
}

func experimentLocation(id string) traceLocation {
	loc := traceLocation{Type: "MLFLOW_EXPERIMENT"}
	loc.MLflowExperiment.ExperimentID = id
	return loc
}

type traceInfoJSON struct {
	TraceID           string            `json:"trace_id"`
	ClientRequestID   string            `json:"client_request_id"`
	TraceLocation     traceLocation     `json:"trace_location"`
	RequestTime       time.Time         `json:"request_time"`
	ExecutionDuration string            `json:"execution_duration"`
	State             string            `json:"state"`
	RequestPreview    string            `json:"request_preview"`
	ResponsePreview   string            `json:"response_preview"`
	TraceMetadata     map[string]string `json:"trace_metadata"`
	Tags              map[string]string `json:"tags"`
}

func (t *traceInfoJSON) info() TraceInfo {
	return TraceInfo{
		TraceID:           t.TraceID,
		ExperimentID:      t.TraceLocation.MLflowExperiment.ExperimentID,
		ClientRequestID:   t.ClientRequestID,
		State:             t.State,
		RequestTime:       t.RequestTime,
		ExecutionDuration: t.ExecutionDuration,
		RequestPreview:    t.RequestPreview,
		ResponsePreview:   t.ResponsePreview,
		TraceMetadata:     t.TraceMetadata,
		Tags:              t.Tags,
	}
}

// TraceIDPrefix starts every MLflow trace id.
const TraceIDPrefix = "tr-"

// TraceID returns MLflow's id for the trace with the given OpenTelemetry trace id.
func TraceID(otelTraceID [16]byte) string {
	return TraceIDPrefix + hex.EncodeToString(otelTraceID[:])
}
