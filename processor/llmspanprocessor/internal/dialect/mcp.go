package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// mcp reads the OpenTelemetry conventions for Model Context Protocol client and server spans
// (semantic-conventions docs/gen-ai/mcp.md): mcp.method.name, with the tool in
// gen_ai.tool.name and GenAI's tool-call keys. mcp.session.id names a protocol session, not a
// user's conversation, and is not written as session.id. Recorded from the MCP Python SDK 2.3
// (scope mcp-python-sdk), which writes no arguments or result (the conventions' opt-in
// gen_ai.tool.call.arguments / .result) and no gen_ai.tool.name on its CLIENT spans: those
// tools/call spans are typed TOOL from the method alone. OpenLIT's MCP instrumentation
// (openlit.instrumentation.mcp) writes keys of its own instead: the operation in
// mcp.operation.name (tools_call, resources_read, ...), a tool call's arguments in
// mcp.tool.arguments and its result, as Python prints it, in mcp.tool.result.
var mcp = Dialect{
	Name:       "mcp",
	Namespaces: []string{"mcp"},
	Read:       readMCP,
}

// mcpMethods maps the MCP methods that do work a span type names.
var mcpMethods = map[string]string{
	"tools/call":     mlflow.SpanTypeTool,
	"resources/read": mlflow.SpanTypeRetriever,
	"tools_call":     mlflow.SpanTypeTool, // OpenLIT
	"resources_read": mlflow.SpanTypeRetriever,
}

var mcpKeys = withKeys(genAIKeys, Keys{
	"mcp.method.name":    {FieldOperation, 1},
	"mcp.operation.name": {FieldOperation, 2},
	"mcp.tool.arguments": {FieldToolArguments, 1},
	"mcp.tool.result":    {FieldToolResult, 1},
})

func readMCP(span ptrace.Span, rec *Record) {
	var f Fields
	readGenAIWith(span, rec, &f, mcpKeys, nil)
	if t, ok := mcpMethods[f.Str(FieldOperation)]; ok {
		rec.SpanType = t
	}
}
