package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import "go.opentelemetry.io/collector/pdata/ptrace"

// agno reads Agno's traces: OpenInference spans (openinference-instrumentation-agno) that also
// carry agno.* ids (agno.agent.id, agno.team.id, agno.run.id, agno.model.id). They are read
// as OpenInference; like MLflow's own Agno translator (mlflow/tracing/otel/translation/agno.py),
// the message format is "agno", so that MLflow's UI reads the inputs and outputs passed on as
// Agno wrote them (an agent's plain-text question and answer, an LLM call's {"messages":[...]})
// with its Agno parser. Spans whose messages are rewritten as OpenAI chat get "openai", the
// format of what is written, as in every dialect.
var agno = Dialect{
	Name:       "agno",
	Namespaces: []string{"agno"},
	Read:       readAgno,
}

// formatAgno names MLflow's UI parser for Agno's message shapes.
const formatAgno = "agno"

func readAgno(span ptrace.Span, rec *Record) {
	readOpenInference(span, rec)
	rec.MessageFormat = formatAgno
}
