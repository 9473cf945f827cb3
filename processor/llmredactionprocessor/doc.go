// Package llmredactionprocessor redacts personal data and secrets inside LLM message content
// (JSON message lists, prompts, tool arguments and results) and can strip or cap that content
// for destinations that must not receive it.
package llmredactionprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmredactionprocessor"

//go:generate go tool mdatagen metadata.yaml
