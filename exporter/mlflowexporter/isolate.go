package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// failure is a part of the data that could not be sent, and why.
type failure struct {
	batch
	err error
	// whole is set when the part is the batch as routed, not one of its traces.
	whole bool
}

// exportIsolating sends b and returns what failed. MLflow stores a request all or nothing: one
// span it cannot take (an empty id, text that is not UTF-8, a session id over 250 characters,
// malformed token usage) makes it refuse every trace in the request. So when it refuses a batch
// of several traces for what it holds, the batch is sent again trace by trace, and only the
// traces it refuses are lost.
func (e *mlflowExporter) exportIsolating(ctx context.Context, b batch) []failure {
	err := e.export(ctx, b)
	if err == nil {
		return nil
	}
	whole := []failure{{batch: b, err: err, whole: true}}
	if !isRefusedContent(err) {
		return whole
	}
	traceIDs, traces := split(b.traces, func(_ ptrace.ResourceSpans, span ptrace.Span) pcommon.TraceID {
		return span.TraceID()
	})
	if len(traces) < 2 {
		return whole
	}
	e.logger.Warn("MLflow refused a batch of traces; sending them one by one, so that it stores those it accepts",
		zap.Stringer("experiment", b.experiment), zap.Int("traces", len(traces)), zap.Error(err))
	var failed []failure
	for i, td := range traces {
		part := batch{experiment: b.experiment, traces: td}
		if err := e.export(ctx, part); err != nil {
			err = fmt.Errorf("trace %s: %w", mlflow.TraceID(traceIDs[i]), err)
			failed = append(failed, failure{batch: part, err: err})
		}
	}
	return failed
}

// isRefusedContent reports whether err is the server refusing what a request holds, rather
// than where it goes or who sends it.
func isRefusedContent(err error) bool {
	apiErr, ok := errors.AsType[*mlflow.APIError](err)
	if !ok {
		return false
	}
	switch apiErr.StatusCode {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return true
	}
	return false
}
