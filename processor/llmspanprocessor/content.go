package llmspanprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor"

import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

// ContentAttributes lists what the dialects read message content from: span attribute keys,
// key prefixes (flattened messages such as llm.input_messages.), and the events that hold
// nothing but content. content: drop removes them; by default they stay beside the
// mlflow.spanInputs and mlflow.spanOutputs built from them, so a component that must treat
// content alike everywhere, such as llmredaction, takes its list from here.
func ContentAttributes() (keys, prefixes, events []string) {
	return dialect.ContentKeys()
}
