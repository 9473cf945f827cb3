package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"net/http"

	"go.uber.org/zap"
)

// warnTooLarge logs every request refused for a body over max_request_body_size. MLflow's
// client logs a span batch refused so only at debug level (and a refused batch that held the
// root span loses the whole trace), so this log is where an operator sees the loss. A tracking
// server has no such limit.
func (r *mlflowReceiver) warnTooLarge(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, req)
		if sw.status == http.StatusRequestEntityTooLarge {
			r.settings.Logger.Warn("Refused a request with a body over max_request_body_size; the data it carried is lost unless the limit is raised",
				zap.String("method", req.Method),
				zap.String("path", req.URL.Path),
				zap.Int64("content_length", req.ContentLength),
				zap.Int64("max_request_body_size", r.cfg.ServerConfig.MaxRequestBodySize))
		}
	})
}

// statusWriter records the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
