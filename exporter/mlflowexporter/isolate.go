package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
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
// span it cannot take (text that is not UTF-8, a session id over 250 characters,
// malformed token usage) makes it refuse every trace in the request. So when it refuses a batch
// of several traces for what it holds, the batch is sent again trace by trace, and only the
// traces it refuses are lost. A refused trace is sent once more, repaired, when it holds values
// that can be (see exportRepaired).
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
		if len(traces) == 1 {
			if f, repaired := e.exportRepaired(ctx, b, traceIDs[0], err); repaired {
				return f
			}
		}
		return whole
	}
	e.logger.Warn("MLflow refused a batch of traces; sending them one by one, so that it stores those it accepts",
		zap.Stringer("experiment", b.experiment), zap.Int("traces", len(traces)), zap.Error(err))
	var failed []failure
	for i, td := range traces {
		part := batch{experiment: b.experiment, traces: td}
		err := e.export(ctx, part)
		if err == nil {
			continue
		}
		if isRefusedContent(err) {
			if f, repaired := e.exportRepaired(ctx, part, traceIDs[i], err); repaired {
				failed = append(failed, f...)
				continue
			}
		}
		err = fmt.Errorf("trace %s: %w", mlflow.TraceID(traceIDs[i]), err)
		failed = append(failed, failure{batch: part, err: err})
	}
	return failed
}

// exportRepaired sends once more a trace MLflow refused, when it holds values that make MLflow
// refuse it and that can be repaired (see withRepairs), with them repaired. It reports whether
// it did, and what failed then. Only a refused trace is
// scanned: the others are sent as they are, unscanned.
func (e *mlflowExporter) exportRepaired(ctx context.Context, b batch, traceID pcommon.TraceID, refused error) ([]failure, bool) {
	id := mlflow.TraceID(traceID)
	td, done := withRepairs(b.traces)
	if done.total() == 0 {
		return nil, false
	}
	for repair, n := range done.byMetric() {
		e.telemetry.ExporterMlflowValuesRepaired.Add(ctx, int64(n),
			metric.WithAttributeSet(attribute.NewSet(attribute.String("repair", repair))))
	}
	e.logger.Warn("MLflow refused a trace; sending it again with the values it refuses repaired",
		zap.String("trace_id", id), zap.Strings("repaired", done.list()), zap.Int("repaired_values", done.total()),
		zap.Error(refused))
	again := batch{experiment: b.experiment, traces: td}
	if err := e.export(ctx, again); err != nil {
		err = fmt.Errorf("trace %s (sent again with %s, values repaired: %d): %w",
			id, strings.Join(done.list(), " and "), done.total(), err)
		return []failure{{batch: again, err: err}}, true
	}
	return nil, true
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
