package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configauth"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.uber.org/zap"
)

// relayedPrefixes are MLflow's API paths (the artifacts API is /api/2.0/mlflow-artifacts/):
// only these are relayed, so a stray request for something else still gets MLflow's 404.
var relayedPrefixes = []string{"/api/", "/ajax-api/"}

// relay passes calls the receiver does not serve itself (assessments, get and search of
// traces, attachments, ...) to the upstream tracking server as a reverse proxy, so an MLflow
// client pointed at the collector can use the whole tracking API.
type relay struct {
	proxy   *httputil.ReverseProxy
	timeout time.Duration
	logger  *zap.Logger
}

// newRelay builds the relay from the upstream settings without their auth and headers:
// relayed calls act for the client and carry its own credentials, never the collector's,
// which would let any client of the collector act on the upstream as the collector.
func newRelay(ctx context.Context, host component.Host, set component.TelemetrySettings, up *confighttp.ClientConfig) (*relay, error) {
	cfg := *up
	cfg.Auth = configoptional.None[configauth.Config]()
	cfg.Headers = nil
	client, err := cfg.ToClient(ctx, host.GetExtensions(), set)
	if err != nil {
		return nil, err
	}
	target, err := url.Parse(up.Endpoint)
	if err != nil {
		return nil, err
	}
	rl := &relay{timeout: client.Timeout, logger: set.Logger}
	rl.proxy = &httputil.ReverseProxy{
		// SetURL keeps the method, path (under the endpoint's own path), query and headers, and
		// sends the upstream's host as Host; ReverseProxy drops hop-by-hop headers both ways.
		Rewrite:        func(pr *httputil.ProxyRequest) { pr.SetURL(target) },
		Transport:      client.Transport,
		ModifyResponse: rl.warnRefusedUpstream,
		ErrorHandler:   rl.fail,
		ErrorLog:       zap.NewStdLog(set.Logger),
	}
	return rl, nil
}

// relays reports whether path is one of MLflow's API paths.
func relays(path string) bool {
	for _, p := range relayedPrefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// ServeHTTP relays req and answers with the upstream's status, headers and body. The body is
// read first, so one over max_request_body_size gets the receiver's 413 and is never relayed.
func (rl *relay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, ok := readBody(w, req)
	if !ok {
		return
	}
	rl.forward(w, req, body)
}

// forward relays req with body, read from it already: the tag calls read it first, and may
// send it more than once (see relayLateTag).
func (rl *relay) forward(w http.ResponseWriter, req *http.Request, body []byte) {
	ctx := req.Context()
	if rl.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rl.timeout)
		defer cancel()
	}
	out := req.WithContext(ctx)
	// The body is as decoded by the server (Content-Encoding removed), so its length is new.
	out.Body, out.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	out.Header.Del("Content-Length")
	rl.proxy.ServeHTTP(w, out)
}

// warnRefusedUpstream logs a 413 the upstream answered (its own limit, or a proxy's in front of
// it), which the client gets as is. The receiver's own refusals are logged by warnTooLarge,
// with its limit to raise; raising that would not help here.
func (rl *relay) warnRefusedUpstream(resp *http.Response) error {
	if resp.StatusCode == http.StatusRequestEntityTooLarge {
		rl.logger.Warn("Upstream MLflow server refused a relayed call's body as too large (413); the receiver's max_request_body_size was not exceeded",
			zap.String("method", resp.Request.Method),
			zap.String("path", resp.Request.URL.Path),
			zap.Int64("content_length", resp.Request.ContentLength))
	}
	return nil
}

// fail answers a call the upstream did not answer with 502 in MLflow's error shape (the client
// retries it) and logs it, by method and path only: headers carry the client's credentials.
func (rl *relay) fail(w http.ResponseWriter, req *http.Request, err error) {
	if errors.Is(err, context.Canceled) && req.Context().Err() != nil {
		rl.logger.Debug("Client went away before the upstream MLflow server answered a relayed call",
			zap.String("method", req.Method), zap.String("path", req.URL.Path))
		return
	}
	rl.logger.Warn("Upstream MLflow server did not answer a relayed call",
		zap.String("method", req.Method), zap.String("path", req.URL.Path), zap.Error(err))
	writeError(w, http.StatusBadGateway, codeUnavailable, "upstream MLflow server did not answer: "+err.Error())
}
