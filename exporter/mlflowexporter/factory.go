package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter/internal/metadata"
)

// NewFactory creates a factory for the mlflow exporter.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(
		metadata.Type,
		createDefaultConfig,
		exporter.WithTraces(createTraces, metadata.TracesStability),
	)
}

func createDefaultConfig() component.Config {
	clientConfig := confighttp.NewDefaultClientConfig()
	clientConfig.Timeout = 30 * time.Second
	// The tracking server decompresses gzip and deflate request bodies on /v1/traces.
	clientConfig.Compression = configcompression.TypeGzip

	return &Config{
		ClientConfig:       clientConfig,
		RetryConfig:        configretry.NewDefaultBackOffConfig(),
		QueueConfig:        configoptional.Some(exporterhelper.NewDefaultQueueConfig()),
		MaxSpansPerRequest: defaultMaxSpansPerRequest,
	}
}

// defaultMaxSpansPerRequest is the batch processor's default batch size: MLflow 3.17.2 on
// SQLite stores such a request of 10-span traces in about 3 s on a 2-core VM, a tenth of the
// default timeout; its time grows with the spans (40,000: 15 s).
const defaultMaxSpansPerRequest = 8192

func createTraces(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Traces, error) {
	oCfg := cfg.(*Config)
	exp, err := newExporter(oCfg, set)
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewTraces(ctx, set, cfg,
		exp.pushTraces,
		exporterhelper.WithStart(exp.start),
		exporterhelper.WithShutdown(exp.shutdown),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
		// Disabled: the HTTP client's timeout bounds each request instead.
		exporterhelper.WithTimeout(exporterhelper.TimeoutConfig{Timeout: 0}),
		exporterhelper.WithRetry(oCfg.RetryConfig),
		exporterhelper.WithQueue(oCfg.QueueConfig),
	)
}
