package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"

	"github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver/internal/metadata"
)

const (
	// defaultEndpoint is beside MLflow's own default port (5000), so both can run on one host.
	defaultEndpoint = "localhost:5050"
	// defaultTraceTimeout is well above the gap the SDK leaves between a trace's last span and
	// its StartTraceV3 call (both are queued together), yet short enough that a client dying
	// mid-trace delays its root span only briefly.
	defaultTraceTimeout     = 30 * time.Second
	defaultMaxPendingTraces = 10000
	// defaultLateTagWait covers the default pipeline's delays before a trace is stored
	// (llmtrace's 1 s grace period, the batch processor's 1 s, the exporter's queue) and the
	// exporter's first retries (5 s, then about 7.5 s); with the upstream timeout for the last
	// attempt it stays under the client's 120 s request timeout.
	defaultLateTagWait = 30 * time.Second
	// defaultUpstreamTimeout keeps an unresponsive upstream from holding client calls for the
	// client's own 120 s.
	defaultUpstreamTimeout = 30 * time.Second
)

// NewFactory returns the factory of the mlflow receiver.
func NewFactory() receiver.Factory {
	return receiver.NewFactory(
		metadata.Type,
		createDefaultConfig,
		receiver.WithTraces(createTraces, metadata.TracesStability),
	)
}

func createDefaultConfig() component.Config {
	server := confighttp.NewDefaultServerConfig()
	server.NetAddr.Endpoint = defaultEndpoint
	upstream := confighttp.NewDefaultClientConfig()
	upstream.Timeout = defaultUpstreamTimeout
	return &Config{
		ServerConfig:     server,
		Upstream:         configoptional.Default(upstream),
		TraceTimeout:     defaultTraceTimeout,
		MaxPendingTraces: defaultMaxPendingTraces,
		LateTagWait:      defaultLateTagWait,
	}
}

func createTraces(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Traces) (receiver.Traces, error) {
	return newReceiver(cfg.(*Config), set, next)
}
