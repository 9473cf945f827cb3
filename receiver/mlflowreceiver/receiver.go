package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"context"
	"errors"
	"math"
	"net/http"
	"sync"
	"time"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.uber.org/zap"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// serverVersion is the MLflow version the receiver answers GET /version with: the one whose
// client it was checked against. The client logs spans over OTLP only from servers >= 3.4.
const serverVersion = "3.17.2"

// Data formats for self-telemetry.
const (
	formatOTLP       = "protobuf"
	formatOTLPJSON   = "json"
	formatMLflowJSON = "mlflow_json"
)

type mlflowReceiver struct {
	cfg      *Config
	settings receiver.Settings
	next     consumer.Traces
	obsrep   *receiverhelper.ObsReport
	pending  *pending
	exps     experiments
	relay    *relay // nil without upstream

	server   *http.Server
	stopOnce sync.Once
	stop     chan struct{}
	wg       sync.WaitGroup
}

func newReceiver(cfg *Config, set receiver.Settings, next consumer.Traces) (*mlflowReceiver, error) {
	obsrep, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
		ReceiverID:             set.ID,
		Transport:              "http",
		ReceiverCreateSettings: set,
	})
	if err != nil {
		return nil, err
	}
	return &mlflowReceiver{
		cfg:      cfg,
		settings: set,
		next:     next,
		obsrep:   obsrep,
		pending:  newPending(cfg.TraceTimeout, cfg.MaxPendingTraces),
		stop:     make(chan struct{}),
	}, nil
}

func (r *mlflowReceiver) Start(ctx context.Context, host component.Host) error {
	exps, err := r.newExperiments(ctx, host)
	if err != nil {
		return err
	}
	r.exps = exps
	if r.cfg.Upstream.HasValue() {
		if r.relay, err = newRelay(ctx, host, r.settings.TelemetrySettings, r.cfg.Upstream.Get()); err != nil {
			return err
		}
	}
	r.server, err = r.cfg.ServerConfig.ToServer(ctx, host.GetExtensions(), r.settings.TelemetrySettings, r.routes())
	if err != nil {
		return err
	}
	ln, err := r.cfg.ServerConfig.ToListener(ctx)
	if err != nil {
		return err
	}
	r.settings.Logger.Info("Starting MLflow tracking API", zap.String("endpoint", ln.Addr().String()))
	r.wg.Add(2)
	go func() {
		defer r.wg.Done()
		if err := r.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			componentstatus.ReportStatus(host, componentstatus.NewFatalErrorEvent(err))
		}
	}()
	go func() {
		defer r.wg.Done()
		r.sweepLoop()
	}()
	return nil
}

func (r *mlflowReceiver) newExperiments(ctx context.Context, host component.Host) (experiments, error) {
	if r.cfg.Upstream.HasValue() {
		up := r.cfg.Upstream.Get()
		client, err := up.ToClient(ctx, host.GetExtensions(), r.settings.TelemetrySettings)
		if err != nil {
			return nil, err
		}
		return &upstreamExperiments{baseURL: trimBaseURL(up.Endpoint), client: client, logger: r.settings.Logger}, nil
	}
	reg, err := loadRegistry(r.cfg.RegistryFile)
	if err != nil {
		return nil, err
	}
	return &localExperiments{reg: reg}, nil
}

// routes serves the tracking API's trace-logging subset; anything else is relayed upstream
// (see notServed).
func (r *mlflowReceiver) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", r.notServed)
	mux.HandleFunc("GET /version", plainText(serverVersion))
	mux.HandleFunc("GET /health", plainText("OK"))

	mux.HandleFunc("GET "+mlflow.PathGetExperimentByName, func(w http.ResponseWriter, req *http.Request) { r.exps.getByName(w, req) })
	mux.HandleFunc("GET "+mlflow.PathGetExperiment, func(w http.ResponseWriter, req *http.Request) { r.exps.get(w, req) })
	mux.HandleFunc("POST "+mlflow.PathCreateExperiment, func(w http.ResponseWriter, req *http.Request) { r.exps.create(w, req) })

	mux.HandleFunc("POST "+mlflow.PathOTLPTraces, r.otlpTraces)
	mux.HandleFunc("POST /api/3.0/mlflow/traces", r.startTraceV3)
	mux.HandleFunc("POST /api/2.0/mlflow/traces", r.startTraceV2)
	mux.HandleFunc("PATCH /api/2.0/mlflow/traces/{id}", r.endTraceV2)
	mux.HandleFunc("POST /api/2.0/mlflow/traces/link-prompts", r.linkPrompts)
	for _, v := range []string{"2.0", "3.0"} {
		mux.HandleFunc("PATCH /api/"+v+"/mlflow/traces/{id}/tags", r.setTraceTag)
		mux.HandleFunc("DELETE /api/"+v+"/mlflow/traces/{id}/tags", r.deleteTraceTag)
	}
	mux.HandleFunc("PUT /api/2.0/mlflow-artifacts/artifacts/{path...}", r.uploadArtifact)
	return r.warnTooLarge(mux)
}

// notServed relays a call under MLflow's API paths to the upstream server, when there is one;
// otherwise it answers MLflow's 404 ENDPOINT_NOT_FOUND, on which the client falls back to
// older APIs where it has them.
func (r *mlflowReceiver) notServed(w http.ResponseWriter, req *http.Request) {
	if r.relay != nil && relays(req.URL.Path) {
		r.relay.ServeHTTP(w, req)
		return
	}
	endpointNotFound(w, req)
}

func plainText(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set(headerContentType, "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(body))
	}
}

// send hands td to the next consumer, with self-telemetry. td is the consumer's afterwards:
// it may have changed or moved it, so nothing here reads it again.
func (r *mlflowReceiver) send(ctx context.Context, td ptrace.Traces, format string) error {
	spans := td.SpanCount()
	ctx = r.obsrep.StartTracesOp(ctx)
	err := r.next.ConsumeTraces(ctx, td)
	r.obsrep.EndTracesOp(ctx, format, spans, err)
	return err
}

// sendHanded sends td, whose tracked spans are handed, and settles them: committed when the
// consumer accepted td, handed back to pending when it refused it, with the refusal answered
// on w. It reports whether td was accepted (or empty).
func (r *mlflowReceiver) sendHanded(w http.ResponseWriter, req *http.Request, td ptrace.Traces, handed []handedSpan, format string) bool {
	if td.SpanCount() > 0 {
		if err := r.send(req.Context(), td, format); err != nil {
			r.pending.refused(handed)
			writeConsumerError(w, err)
			return false
		}
	}
	r.pending.commit(handed)
	return true
}

// sendReleased sends root spans released without their trace info, each with the client
// metadata and auth of the request that brought it (not of the request that happened to
// release it). Nobody is waiting on them to retry, so a refusal is only logged (and counted as
// refused). It also logs trace info forgotten without any root span to carry it.
func (r *mlflowReceiver) sendReleased() {
	for _, root := range r.pending.takeReleased() {
		if err := r.send(client.NewContext(context.Background(), root.client), root.td, formatOTLP); err != nil {
			r.settings.Logger.Warn("Dropping a root span released without its trace info", zap.Error(err))
		}
	}
	for _, d := range r.pending.takeDropped() {
		r.settings.Logger.Warn("Dropping trace tags and metadata that no root span took before the trace was forgotten (trace_timeout, max_pending_traces): the trace had been sent on already (a tag set on a finished trace), or its root span never came",
			zap.String("trace_id", d.id), zap.Strings("tags", d.tags), zap.Strings("metadata", d.metadata))
	}
}

// sweepLoop releases root spans whose trace info did not come within trace_timeout.
func (r *mlflowReceiver) sweepLoop() {
	tick := time.NewTicker(max(r.cfg.TraceTimeout/10, 100*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-r.stop:
			return
		case now := <-tick.C:
			r.pending.sweep(now)
			r.sendReleased()
		}
	}
}

// Shutdown stops serving, then sends every root span still held, so nothing is lost.
func (r *mlflowReceiver) Shutdown(ctx context.Context) error {
	// stop first: it also ends the waits of tag calls being retried (relayLateTag), which
	// the server's shutdown waits for.
	r.stopOnce.Do(func() { close(r.stop) })
	var err error
	if r.server != nil {
		err = r.server.Shutdown(ctx)
	}
	r.wg.Wait()
	r.pending.sweep(time.UnixMilli(math.MaxInt64))
	r.sendReleased()
	return err
}
