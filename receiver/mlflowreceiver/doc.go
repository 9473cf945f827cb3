// Package mlflowreceiver stands in for an MLflow tracking server towards MLflow's own clients:
// applications traced with the MLflow SDK point MLFLOW_TRACKING_URI at the collector, and what
// they log (spans over OTLP or as traces.json, trace tags and metadata) becomes OTLP spans.
package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

//go:generate go tool mdatagen metadata.yaml
