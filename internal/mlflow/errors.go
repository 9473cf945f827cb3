package mlflow // import "github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// maxErrorMessage bounds the message kept from a body that is not JSON (an HTML page from a
// proxy, say).
const maxErrorMessage = 512

// APIError is a non-2xx answer from the tracking server. The Flask REST API answers
// {"error_code": ..., "message": ...}; the FastAPI routes (/v1/traces among them) answer
// {"detail": ...}, where detail is a string or a list of validation errors.
type APIError struct {
	StatusCode int
	// Code is MLflow's error_code (RESOURCE_DOES_NOT_EXIST, ...); empty for FastAPI errors.
	Code    string
	Message string
	// RetryAfter is the delay the server asked for in a Retry-After header; 0 if none.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mlflow: HTTP %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// IsNotFound reports whether err is the server saying the resource does not exist.
func IsNotFound(err error) bool {
	apiErr, ok := errors.AsType[*APIError](err)
	return ok && (apiErr.Code == ErrorCodeNotFound || apiErr.Code == "" && apiErr.StatusCode == http.StatusNotFound)
}

// IsAlreadyExists reports whether err is the server refusing to create a resource that exists.
func IsAlreadyExists(err error) bool {
	apiErr, ok := errors.AsType[*APIError](err)
	return ok && apiErr.Code == ErrorCodeAlreadyExists
}

// ReadError turns a non-2xx response into an *APIError, reading at most 64 KiB of its body.
// The caller still closes the body.
func ReadError(resp *http.Response) *APIError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	apiErr := &APIError{StatusCode: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	var eb struct {
		ErrorCode string          `json:"error_code"`
		Message   string          `json:"message"`
		Detail    json.RawMessage `json:"detail"`
	}
	switch {
	case json.Unmarshal(body, &eb) != nil:
		apiErr.Message = truncate(strings.TrimSpace(string(body)))
	case eb.ErrorCode != "" || eb.Message != "":
		apiErr.Code, apiErr.Message = eb.ErrorCode, eb.Message
	default:
		apiErr.Message = detailMessage(eb.Detail)
	}
	return apiErr
}

// detailMessage renders FastAPI's detail: a string, or validation errors such as
// [{"loc":["header","x-mlflow-experiment-id"],"msg":"Field required"}].
func detailMessage(detail json.RawMessage) string {
	var s string
	if json.Unmarshal(detail, &s) == nil {
		return s
	}
	var items []struct {
		Loc []any  `json:"loc"`
		Msg string `json:"msg"`
	}
	if json.Unmarshal(detail, &items) != nil {
		return truncate(string(detail))
	}
	msgs := make([]string, 0, len(items))
	for _, it := range items {
		loc := make([]string, len(it.Loc))
		for i, l := range it.Loc {
			loc[i] = fmt.Sprint(l)
		}
		msgs = append(msgs, strings.Join(loc, ".")+": "+it.Msg)
	}
	return strings.Join(msgs, "; ")
}

// retryAfter reads a Retry-After value: delay-seconds or an HTTP-date (RFC 9110 10.2.3).
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return max(time.Duration(secs)*time.Second, 0)
	}
	if date, err := http.ParseTime(v); err == nil {
		return max(time.Until(date), 0)
	}
	return 0
}

func truncate(s string) string {
	if len(s) <= maxErrorMessage {
		return s
	}
	return s[:maxErrorMessage] + "..."
}
