package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"context"
	"net/http"

	"go.uber.org/zap"
)

// bodyRefusedKey holds, in a request's context, a *bool that readBody sets when it refuses the
// body as over max_request_body_size: a 413 relayed from the upstream is not the receiver's.
type bodyRefusedKey struct{}

// warnTooLarge logs every request refused for a body over max_request_body_size. MLflow's
// client logs a span batch refused so only at debug level (and a refused batch that held the
// root span loses the whole trace), so this log is where an operator sees the loss. A tracking
// server has no such limit.
func (r *mlflowReceiver) warnTooLarge(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		refused := new(bool)
		next.ServeHTTP(w, req.WithContext(context.WithValue(req.Context(), bodyRefusedKey{}, refused)))
		if *refused {
			r.settings.Logger.Warn("Refused a request with a body over max_request_body_size; the data it carried is lost unless the limit is raised",
				zap.String("method", req.Method),
				zap.String("path", req.URL.Path),
				zap.Int64("content_length", req.ContentLength),
				zap.Int64("max_request_body_size", r.cfg.ServerConfig.MaxRequestBodySize))
		}
	})
}

// markBodyRefused records for warnTooLarge that req's body was refused as too large.
func markBodyRefused(req *http.Request) {
	if refused, ok := req.Context().Value(bodyRefusedKey{}).(*bool); ok {
		*refused = true
	}
}
