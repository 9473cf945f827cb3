package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// MLflow error codes (mlflow/protos/databricks.proto) the receiver answers with.
const (
	codeInvalidParameter  = "INVALID_PARAMETER_VALUE"
	codeNotFound          = "RESOURCE_DOES_NOT_EXIST"
	codeAlreadyExists     = "RESOURCE_ALREADY_EXISTS"
	codeEndpointNotFound  = "ENDPOINT_NOT_FOUND"
	codeLimitExceeded     = "REQUEST_LIMIT_EXCEEDED"
	codeUnavailable       = "TEMPORARILY_UNAVAILABLE"
	codeInternalError     = "INTERNAL_ERROR"
	contentTypeJSON       = "application/json"
	contentTypeProtobuf   = "application/x-protobuf"
	headerContentType     = "Content-Type"
	headerRetryAfter      = "Retry-After"
	retryAfterUnavailable = "1"
)

// writeJSON answers status with v as a JSON body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error_code":"INTERNAL_ERROR","message":"encoding the answer failed"}`)
	}
	w.Header().Set(headerContentType, contentTypeJSON)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError answers in the shape of MLflow's REST API, which its clients parse into an
// MlflowException carrying error_code.
func writeError(w http.ResponseWriter, status int, code, message string) {
	if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
		w.Header().Set(headerRetryAfter, retryAfterUnavailable)
	}
	writeJSON(w, status, map[string]string{"error_code": code, "message": message})
}

// writeConsumerError maps the next consumer's refusal to a status the MLflow client reacts to
// correctly: it retries 429 and 503 (and 5xx), and gives up on 4xx.
func writeConsumerError(w http.ResponseWriter, err error) {
	if s, ok := status.FromError(err); ok {
		switch s.Code() {
		case codes.ResourceExhausted:
			writeError(w, http.StatusTooManyRequests, codeLimitExceeded, err.Error())
			return
		case codes.InvalidArgument:
			writeError(w, http.StatusBadRequest, codeInvalidParameter, err.Error())
			return
		}
	}
	if consumererror.IsPermanent(err) {
		// The data will never be accepted; 400 keeps the client from retrying it (it retries 500).
		writeError(w, http.StatusBadRequest, codeInvalidParameter, err.Error())
		return
	}
	writeError(w, http.StatusServiceUnavailable, codeUnavailable, err.Error())
}

// readBody reads the whole (already decompressed) request body. It answers 413 when the body
// is over max_request_body_size and 400 when it cannot be read.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err == nil {
		return body, true
	}
	if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
		markBodyRefused(r)
		writeError(w, http.StatusRequestEntityTooLarge, codeLimitExceeded, "request body exceeds max_request_body_size")
		return nil, false
	}
	writeError(w, http.StatusBadRequest, codeInvalidParameter, "reading the request body: "+err.Error())
	return nil, false
}

// decodeJSON reads a JSON request body into v, answering the error itself when it fails.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	_, ok := readJSON(w, r, v)
	return ok
}

// readJSON is decodeJSON that also returns the body, for a call that may be relayed.
func readJSON(w http.ResponseWriter, r *http.Request, v any) ([]byte, bool) {
	body, ok := readBody(w, r)
	if !ok {
		return nil, false
	}
	if err := json.Unmarshal(body, v); err != nil {
		writeError(w, http.StatusBadRequest, codeInvalidParameter, "malformed JSON body: "+err.Error())
		return nil, false
	}
	return body, true
}

// endpointNotFound is MLflow's answer for a route it does not serve.
func endpointNotFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, codeEndpointNotFound, "No API endpoint found for "+r.Method+" "+r.URL.Path)
}
