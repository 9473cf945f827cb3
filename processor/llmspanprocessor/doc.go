// Package llmspanprocessor normalizes LLM span attributes into MLflow semantics.
package llmspanprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor"

//go:generate go tool mdatagen metadata.yaml
