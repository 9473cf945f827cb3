package mlflowexporter

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

func TestRetryPolicy(t *testing.T) {
	refused := func(status int, retryAfter time.Duration) error {
		return fmt.Errorf("MLflow refused spans: %w", &mlflow.APIError{StatusCode: status, RetryAfter: retryAfter})
	}
	network := errors.New("connection refused")
	tests := []struct {
		name string
		err  error
		want func(error) error
	}{
		{"429 with Retry-After", refused(http.StatusTooManyRequests, 7*time.Second), func(err error) error {
			return exporterhelper.NewThrottleRetry(err, 7*time.Second)
		}},
		{"503 with Retry-After", refused(http.StatusServiceUnavailable, time.Minute), func(err error) error {
			return exporterhelper.NewThrottleRetry(err, time.Minute)
		}},
		{"429", refused(http.StatusTooManyRequests, 0), same},
		{"500 ignores Retry-After", refused(http.StatusInternalServerError, time.Minute), same},
		{"502", refused(http.StatusBadGateway, 0), same},
		{"408", refused(http.StatusRequestTimeout, 0), same},
		{"400", refused(http.StatusBadRequest, 0), consumererror.NewPermanent},
		{"404", refused(http.StatusNotFound, 0), consumererror.NewPermanent},
		{"413", refused(http.StatusRequestEntityTooLarge, 0), consumererror.NewPermanent},
		{"network", network, same},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want(tt.err), retryPolicy(tt.err))
		})
	}
}

func same(err error) error { return err }

func TestRetryAllWaitsForTheLongestRetryAfter(t *testing.T) {
	errs := []error{
		retryPolicy(&mlflow.APIError{StatusCode: http.StatusTooManyRequests, RetryAfter: time.Second}),
		retryPolicy(&mlflow.APIError{StatusCode: http.StatusServiceUnavailable, RetryAfter: 3 * time.Second}),
		retryPolicy(&mlflow.APIError{StatusCode: http.StatusInternalServerError, RetryAfter: time.Minute}),
		errors.New("connection refused"),
	}
	assert.Equal(t, exporterhelper.NewThrottleRetry(errors.Join(errs...), 3*time.Second), retryAll(errs))
	assert.Equal(t, errors.Join(errs[2:]...), retryAll(errs[2:]), "no Retry-After to honour")
}
