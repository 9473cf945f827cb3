package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// agentFramework reads Microsoft Agent Framework (Python, tracer "agent_framework"): GenAI
// chat, invoke_agent and execute_tool spans, plus workflow spans named workflow.* and
// executor.*, typed CHAIN. An agent span's usage is its response's, the sum of the chat calls
// recorded under it: it is dropped, and so is its provider, the framework's name.
var agentFramework = Dialect{
	Name:   "agent_framework",
	Scopes: []string{"agent_framework"},
	Read:   readAgentFramework,
}

// agentFrameworkProvider is the gen_ai.provider.name of invoke_agent spans: the framework, not
// the model provider, which only the chat spans under it name.
const agentFrameworkProvider = "microsoft.agent_framework"

func readAgentFramework(span ptrace.Span, rec *Record) {
	var f Fields
	readGenAIWith(span, rec, &f, genAIKeys, nil)
	if name := span.Name(); rec.SpanType == "" && (strings.HasPrefix(name, "workflow.") || strings.HasPrefix(name, "executor.")) {
		rec.SpanType = mlflow.SpanTypeChain
	}
	if rec.Provider == agentFrameworkProvider {
		rec.Provider = ""
	}
	if rec.SpanType == mlflow.SpanTypeAgent {
		rec.Usage = Usage{}
		agentFrameworkAnswer(rec)
	}
}

// isAnswer reports whether m is an agent's final answer: an assistant message that calls no
// tool.
func isAnswer(m Message) bool { return m.Role == "assistant" && len(m.ToolCalls) == 0 }

// agentFrameworkAnswer makes an agent span's output its final answer. The framework writes
// every message of the run's response as gen_ai.output.messages (tool calls, tool results,
// the answer); the messages before the answer go on the input, after the caller's, so that
// the chat reads in order, as on the last chat span.
func agentFrameworkAnswer(rec *Record) {
	out := rec.Output.Messages
	n := len(out)
	if n < 2 || len(rec.Input.Messages) == 0 || !isAnswer(out[n-1]) {
		return
	}
	rec.Input.Messages = append(rec.Input.Messages, out[:n-1]...)
	out[0] = out[n-1]
	rec.Output.Messages = out[:1]
}
