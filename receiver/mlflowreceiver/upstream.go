package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"go.uber.org/zap"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// maxUpstreamAnswer bounds an upstream answer relayed to the client; experiment answers are
// a few hundred bytes.
const maxUpstreamAnswer = 1 << 20

// answerTooLarge is the reason given for an upstream answer over maxUpstreamAnswer, which cut
// would be broken JSON.
const answerTooLarge = "answer over 1 MiB"

// upstreamExperiments relays experiment calls to a real tracking server, so the ids clients
// get are MLflow's own. Its answers, errors included, go back to the client unchanged.
type upstreamExperiments struct {
	baseURL string
	client  *http.Client
	logger  *zap.Logger
}

func (u *upstreamExperiments) getByName(w http.ResponseWriter, r *http.Request) { u.relay(w, r) }
func (u *upstreamExperiments) get(w http.ResponseWriter, r *http.Request)       { u.relay(w, r) }
func (u *upstreamExperiments) create(w http.ResponseWriter, r *http.Request)    { u.relay(w, r) }

func (u *upstreamExperiments) resourceAttribute(id string) (string, string, bool) {
	return mlflow.AttrExperimentID, id, true
}

// relay sends r's method, path, query and body upstream. The client's credentials are for the
// collector and are not passed on; upstream auth comes from the upstream settings.
func (u *upstreamExperiments) relay(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	target := u.baseURL + r.URL.Path
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, target, bytes.NewReader(body))
	if err != nil {
		writeError(w, http.StatusInternalServerError, codeInternalError, err.Error())
		return
	}
	if ct := r.Header.Get(headerContentType); ct != "" {
		req.Header.Set(headerContentType, ct)
	}
	resp, err := u.client.Do(req)
	if err != nil {
		// Retryable for the client: the upstream may come back.
		u.fail(w, r, http.StatusServiceUnavailable, codeUnavailable, err.Error())
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxUpstreamAnswer+1))
	if err != nil {
		u.fail(w, r, http.StatusServiceUnavailable, codeUnavailable, err.Error())
		return
	}
	if len(answer) > maxUpstreamAnswer {
		// Cut, it would be broken JSON: say what happened instead.
		u.fail(w, r, http.StatusBadGateway, codeInternalError, answerTooLarge)
		return
	}
	if ct := resp.Header.Get(headerContentType); ct != "" {
		w.Header().Set(headerContentType, ct)
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
}

// fail answers a call the upstream server did not answer, and logs it: the client only shows
// its own retries, and an operator needs to see that the upstream is down.
func (u *upstreamExperiments) fail(w http.ResponseWriter, r *http.Request, status int, code, reason string) {
	u.logger.Warn("Upstream MLflow server did not answer an experiment call", zap.String("path", r.URL.Path), zap.String("reason", reason))
	writeError(w, status, code, "upstream MLflow server: "+reason)
}

// trimBaseURL drops a trailing slash so paths can be appended.
func trimBaseURL(endpoint string) string { return strings.TrimRight(endpoint, "/") }
