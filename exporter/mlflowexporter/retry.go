package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"errors"
	"net/http"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// retryPolicy marks err for exporterhelper's retry sender, from the server's answer in it:
//   - 408, 429 and 5xx are retried with backoff, and 429 and 503 no sooner than their
//     Retry-After asks;
//   - any other refusal (4xx, an unfollowed 3xx) is permanent: the spans are dropped;
//   - errors without an answer (network, timeout) are retried.
func retryPolicy(err error) error {
	apiErr, ok := errors.AsType[*mlflow.APIError](err)
	if !ok {
		return err
	}
	switch code := apiErr.StatusCode; {
	case code == http.StatusTooManyRequests, code == http.StatusServiceUnavailable:
		if apiErr.RetryAfter > 0 {
			return exporterhelper.NewThrottleRetry(err, apiErr.RetryAfter)
		}
		return err
	case code == http.StatusRequestTimeout, code >= 500:
		return err
	default:
		return consumererror.NewPermanent(err)
	}
}
