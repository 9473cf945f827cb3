package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// Backoff between attempts of a tag call the upstream refused for want of the trace.
const (
	lateTagFirstBackoff = 250 * time.Millisecond
	lateTagMaxBackoff   = 2 * time.Second
)

// codeBadRequest is MLflow's error code for a statement its SQL store refused.
const codeBadRequest = "BAD_REQUEST"

// relayLateTag relays a tag call for a trace whose root span went on (or that the receiver does
// not track) to the upstream, with the client's credentials, as a tracking server would store
// the tag. The pipeline may not have stored the trace there yet (llmtrace's grace period,
// batching, the exporter's queue and retries), and MLflow refuses a tag for a trace it does
// not have; so that refusal is retried (if waitForTrace), for up to late_tag_wait, and the
// client gets the upstream's last answer.
func (r *mlflowReceiver) relayLateTag(w http.ResponseWriter, req *http.Request, body []byte, waitForTrace bool, id, key string) {
	deadline := time.Now().Add(r.cfg.LateTagWait)
	backoff := lateTagFirstBackoff
	for {
		ans := &bufferedAnswer{header: http.Header{}}
		r.relay.forward(ans, req, body)
		if req.Context().Err() != nil {
			return // the client went away
		}
		if !waitForTrace || !traceMissing(req.Method, ans) {
			ans.writeTo(w)
			return
		}
		wait := min(backoff, time.Until(deadline))
		if wait <= 0 {
			r.settings.Logger.Warn("Upstream MLflow server still lacks the trace of a tag call after late_tag_wait; answering its refusal (raise late_tag_wait if the pipeline takes longer to store traces)",
				zap.String("method", req.Method), zap.String("trace_id", id), zap.String("key", key), zap.Int("status", ans.status))
			ans.writeTo(w)
			return
		}
		r.settings.Logger.Debug("Upstream MLflow server does not have the trace of a tag call yet; retrying",
			zap.String("method", req.Method), zap.String("trace_id", id), zap.String("key", key))
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-req.Context().Done():
			timer.Stop()
			return
		case <-r.stop: // shutting down: answer now
			timer.Stop()
			ans.writeTo(w)
			return
		}
		backoff = min(2*backoff, lateTagMaxBackoff)
	}
}

// traceMissing tells whether the upstream refused a tag call because it does not have the
// trace. DeleteTraceTag answers 404 RESOURCE_DOES_NOT_EXIST (also for a tag the trace lacks,
// which is retried too, unless the trace's root went on without it: the pipeline may not have
// stored the trace's own tags yet).
// SetTraceTag answers 400 BAD_REQUEST, MLflow 3.17.2's SQL store refusing a tag without its
// trace (a foreign key), or 404 RESOURCE_DOES_NOT_EXIST as a store checking first would.
func traceMissing(method string, ans *bufferedAnswer) bool {
	var e struct {
		ErrorCode string `json:"error_code"`
	}
	_ = json.Unmarshal(ans.body.Bytes(), &e)
	switch ans.status {
	case http.StatusNotFound:
		return e.ErrorCode == codeNotFound
	case http.StatusBadRequest:
		return method == http.MethodPatch && e.ErrorCode == codeBadRequest
	}
	return false
}

// bufferedAnswer keeps an upstream answer until it is known to be final. Tag calls are
// answered {} or an error; past maxUpstreamAnswer it is dropped (Write still succeeds, as a
// failed write would abort the relay).
type bufferedAnswer struct {
	header   http.Header
	status   int
	body     bytes.Buffer
	overflow bool
}

func (a *bufferedAnswer) Header() http.Header { return a.header }

func (a *bufferedAnswer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}

func (a *bufferedAnswer) Write(p []byte) (int, error) {
	a.WriteHeader(http.StatusOK)
	if a.body.Len()+len(p) > maxUpstreamAnswer {
		a.overflow = true
	} else {
		a.body.Write(p)
	}
	return len(p), nil
}

func (a *bufferedAnswer) writeTo(w http.ResponseWriter) {
	if a.overflow {
		writeError(w, http.StatusBadGateway, codeInternalError, "upstream MLflow server: "+answerTooLarge)
		return
	}
	if a.status == 0 {
		a.status = http.StatusOK // nothing written: an empty answer
	}
	maps.Copy(w.Header(), a.header)
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body.Bytes())
}
