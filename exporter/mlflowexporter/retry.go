package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"errors"
	"net/http"
	"time"

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
	case code == http.StatusTooManyRequests, code == http.StatusRequestTimeout, code >= 500:
		return throttle(err, retryAfter(err))
	default:
		return consumererror.NewPermanent(err)
	}
}

// retryAll joins the errors of the experiments whose spans are retried together. The retry
// sender honours only the first Retry-After it finds, so the longest one goes first.
func retryAll(errs []error) error {
	var delay time.Duration
	for _, err := range errs {
		delay = max(delay, retryAfter(err))
	}
	return throttle(errors.Join(errs...), delay)
}

// retryAfter is the delay the server's answer in err asks for: the Retry-After of a 429 or
// 503, else 0.
func retryAfter(err error) time.Duration {
	apiErr, ok := errors.AsType[*mlflow.APIError](err)
	if !ok || apiErr.StatusCode != http.StatusTooManyRequests && apiErr.StatusCode != http.StatusServiceUnavailable {
		return 0
	}
	return apiErr.RetryAfter
}

// throttle has the retry sender wait at least delay before retrying err.
func throttle(err error, delay time.Duration) error {
	if delay <= 0 {
		return err
	}
	return exporterhelper.NewThrottleRetry(err, delay)
}
