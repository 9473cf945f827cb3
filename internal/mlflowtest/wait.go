package mlflowtest // import "github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"

import (
	"context"
	"testing"
	"time"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

const (
	// waitTimeout covers a collector's batch timeout plus an exporter retry backoff (up to 30 s
	// by default) after the server comes up.
	waitTimeout  = 90 * time.Second
	pollInterval = 100 * time.Millisecond
)

// WaitForTrace polls the server until the trace exists with at least one span and returns it;
// t fails if that does not happen within waitTimeout. traceID is MLflow's, "tr-" + 32 hex digits.
func (s *Server) WaitForTrace(t testing.TB, traceID string) *mlflow.Trace {
	t.Helper()
	return s.WaitForSpans(t, traceID, 1)
}

// WaitForSpans is WaitForTrace for a trace whose spans may arrive in several batches: it waits
// until the trace holds at least n spans.
func (s *Server) WaitForSpans(t testing.TB, traceID string, n int) *mlflow.Trace {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	var lastErr error
	for {
		tr, err := s.Client.GetTrace(ctx, traceID)
		if err == nil && len(tr.Spans) >= n {
			return tr
		}
		if err != nil && !mlflow.IsNotFound(err) {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			t.Fatalf("trace %s not stored with %d spans within %s (last error: %v)", traceID, n, waitTimeout, lastErr)
			return nil
		case <-time.After(pollInterval):
		}
	}
}
