// Package llmtraceprocessor buffers the spans of each trace until the trace is complete, then
// finishes it for MLflow as a whole: it marks LLM calls recorded twice (by a framework and by
// the provider SDK it calls) so MLflow counts their tokens and cost once, and gives the trace a
// name, a session, a user and request/response previews from its spans.
package llmtraceprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor"

//go:generate go tool mdatagen metadata.yaml
