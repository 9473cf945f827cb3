package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter/internal/metadata"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

type mlflowExporter struct {
	cfg       *Config
	settings  component.TelemetrySettings
	logger    *zap.Logger
	telemetry *metadata.TelemetryBuilder
	userAgent string
	tracesURL string
	routing   *routingTable // nil without routing.attribute

	// Built at start, when the auth extensions are known.
	client      *http.Client
	restClient  *http.Client
	experiments *experiments
}

func newExporter(cfg *Config, set exporter.Settings) (*mlflowExporter, error) {
	telemetry, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	return &mlflowExporter{
		cfg:       cfg,
		settings:  set.TelemetrySettings,
		logger:    set.Logger,
		telemetry: telemetry,
		userAgent: fmt.Sprintf("%s/%s (%s/%s)",
			set.BuildInfo.Description, set.BuildInfo.Version, runtime.GOOS, runtime.GOARCH),
		tracesURL: strings.TrimRight(cfg.ClientConfig.Endpoint, "/") + mlflow.PathOTLPTraces,
		routing:   cfg.routingTable(),
	}, nil
}

func (e *mlflowExporter) start(ctx context.Context, host component.Host) error {
	client, err := e.cfg.ClientConfig.ToClient(ctx, host.GetExtensions(), e.settings)
	if err != nil {
		return fmt.Errorf("creating the HTTP client: %w", err)
	}
	// The REST API (Flask) does not read compressed bodies; it gets its own, uncompressed,
	// client with the same TLS, headers and auth.
	restConfig := e.cfg.ClientConfig
	restConfig.Compression = ""
	restClient, err := restConfig.ToClient(ctx, host.GetExtensions(), e.settings)
	if err != nil {
		return fmt.Errorf("creating the HTTP client: %w", err)
	}
	e.client, e.restClient = client, restClient
	e.experiments = &experiments{
		api:    mlflow.NewClient(e.cfg.ClientConfig.Endpoint, restClient),
		logger: e.logger,
		onCreated: func(ctx context.Context) {
			e.telemetry.ExporterMlflowExperimentsCreated.Add(ctx, 1)
		},
	}
	return nil
}

func (e *mlflowExporter) shutdown(context.Context) error {
	for _, c := range []*http.Client{e.client, e.restClient} {
		if c != nil {
			c.CloseIdleConnections()
		}
	}
	e.telemetry.Shutdown()
	return nil
}

// pushTraces sends each experiment's spans in one request, each span once. When some
// experiments (or, in a batch MLflow refused, some traces) fail and may be retried, only their
// spans are handed back for retry.
func (e *mlflowExporter) pushTraces(ctx context.Context, td ptrace.Traces) error {
	td, dropped, unstorable := withoutUnstorable(td)
	for reason, n := range dropped {
		e.telemetry.ExporterMlflowSpansUnstorable.Add(ctx, int64(n),
			metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", reason))))
	}
	if td.SpanCount() == 0 {
		return unstorable
	}
	batches := chunked(route(withoutRepeats(td), e.cfg.experiment(), e.routing), e.cfg.MaxSpansPerRequest)
	var failed []failure
	for _, b := range batches {
		failed = append(failed, e.exportIsolating(ctx, b)...)
	}
	if unstorable == nil && len(batches) == 1 && len(failed) == 1 && failed[0].whole {
		// All of td failed: the retry sender retries it, or drops it, as it is.
		return failed[0].err
	}
	var retryErrs, dropErrs []error
	if unstorable != nil {
		dropErrs = append(dropErrs, unstorable)
	}
	retry := ptrace.NewTraces()
	for _, f := range failed {
		if consumererror.IsPermanent(f.err) {
			dropErrs = append(dropErrs, f.err)
			continue
		}
		retryErrs = append(retryErrs, f.err)
		// f.traces is a copy made by route or split. Without the spans that went elsewhere,
		// route could send the retry to another experiment; pinned, it goes to this one again.
		pin(f.traces, f.experiment)
		f.traces.ResourceSpans().MoveAndAppendTo(retry.ResourceSpans())
	}
	if len(retryErrs) == 0 {
		return errors.Join(dropErrs...)
	}
	// The retry sender sees only the retryable part; what it will not see is logged here.
	for _, err := range dropErrs {
		e.logger.Error("Dropping spans refused permanently", zap.Error(err))
	}
	return consumererror.NewTraces(retryAll(retryErrs), retry)
}

// export sends one experiment's spans.
func (e *mlflowExporter) export(ctx context.Context, b batch) error {
	if b.experiment.id != "" && !isDigits(b.experiment.id) {
		// Only an attribute can name such an id (the configuration's are checked at start). No
		// experiment has it, and with a newline it cannot even be sent: retrying cannot help.
		return consumererror.NewPermanent(fmt.Errorf("%s %q is not a number, so no experiment's id", mlflow.AttrExperimentID, b.experiment.id))
	}
	id, err := e.experiments.id(ctx, b.experiment)
	if err != nil {
		return retryPolicy(fmt.Errorf("resolving the experiment with %s: %w", b.experiment, err))
	}
	err = e.post(ctx, id, b.traces)
	switch {
	case err == nil:
		e.recordTraceInfo(ctx, id, b.traces)
	case b.experiment.id == "" && isExperimentGone(err):
		// Deleted for good since its name was resolved: the retry resolves the name again,
		// which creates the experiment anew.
		e.experiments.forget(b.experiment.name, id)
		err = fmt.Errorf("experiment %q no longer exists, so its name is resolved again: %w", b.experiment.name, err)
	default:
		err = retryPolicy(err)
	}
	outcome := "success"
	if err != nil {
		outcome = "failure"
	}
	attrs := metric.WithAttributeSet(attribute.NewSet(
		attribute.String("experiment_id", id),
		attribute.String("outcome", outcome),
	))
	e.telemetry.ExporterMlflowRequests.Add(ctx, 1, attrs)
	e.telemetry.ExporterMlflowSpans.Add(ctx, int64(b.traces.SpanCount()), attrs)
	return err
}

// isExperimentGone reports whether err is the tracking server saying the experiment spans were
// sent to does not exist. A 404 without MLflow's error code (a server without /v1/traces) is not.
func isExperimentGone(err error) bool {
	apiErr, ok := errors.AsType[*mlflow.APIError](err)
	return ok && apiErr.Code == mlflow.ErrorCodeNotFound
}
