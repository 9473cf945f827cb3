package dialect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

func TestSemanticKernelSpanType(t *testing.T) {
	tests := []struct {
		name, spanName, op, want string
	}{
		{"Python chat", "chat gpt-4o-mini", "chat", mlflow.SpanTypeChatModel},
		{"Python text completion", "text_completions gpt-3.5-turbo-instruct", "text_completions", mlflow.SpanTypeLLM},
		{"older chat completion", "chat.completions gpt-4o", "chat.completions", mlflow.SpanTypeChatModel},
		{"older text completion", "text.completions gpt-3.5-turbo-instruct", "text.completions", mlflow.SpanTypeLLM},
		{"tool", "execute_tool WeatherPlugin-get_weather", "execute_tool", mlflow.SpanTypeTool},
		{"function calling loop", semanticKernelLoop, "", mlflow.SpanTypeChain},
		{"other spans stay untyped", "something", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			span := ptrace.NewSpan()
			span.SetName(tt.spanName)
			if tt.op != "" {
				span.Attributes().PutStr("gen_ai.operation.name", tt.op)
			}
			var rec Record
			readSemanticKernel(span, &rec)
			assert.Equal(t, tt.want, rec.SpanType)
		})
	}
}

func TestSemanticKernelPythonScopes(t *testing.T) {
	d := NewDetector(All)
	for _, scope := range []string{
		"semantic_kernel.utils.telemetry.model_diagnostics.decorators",
		"semantic_kernel.utils.telemetry.agent_diagnostics.decorators",
		"semantic_kernel.functions.kernel_function",
		"semantic_kernel.connectors.ai.chat_completion_client_base",
		"Microsoft.SemanticKernel.Diagnostics",
	} {
		i, ok := First(d.ScopeMask(scope))
		assert.True(t, ok, scope)
		assert.Equal(t, "semantic_kernel", All[i].Name, scope)
	}
}
