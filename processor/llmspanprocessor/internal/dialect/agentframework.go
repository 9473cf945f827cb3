package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// agentFramework reads Microsoft Agent Framework (Python, tracer "agent_framework"): GenAI
// chat, invoke_agent and execute_tool spans, plus workflow spans named workflow.* and
// executor.*, typed CHAIN. An agent span's usage is its response's, the sum of the chat calls
// recorded under it: it is dropped.
var agentFramework = Dialect{
	Name:   "agent_framework",
	Scopes: []string{"agent_framework"},
	Read:   readAgentFramework,
}

func readAgentFramework(span ptrace.Span, rec *Record) {
	var f Fields
	readGenAIWith(span, rec, &f, genAIKeys, nil)
	if name := span.Name(); rec.SpanType == "" && (strings.HasPrefix(name, "workflow.") || strings.HasPrefix(name, "executor.")) {
		rec.SpanType = mlflow.SpanTypeChain
	}
	if rec.SpanType == mlflow.SpanTypeAgent {
		rec.Usage = Usage{}
	}
}
