// Package mlflowexporter sends traces to an MLflow tracking server over OTLP/HTTP, into the
// experiment named by the configuration or by the data itself.
package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

//go:generate go tool mdatagen metadata.yaml
