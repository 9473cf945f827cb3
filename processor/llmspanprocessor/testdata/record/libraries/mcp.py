"""The MCP Python SDK's own OpenTelemetry spans (mcp 2.x: the client dispatcher's CLIENT span
per request, the server's OpenTelemetryMiddleware SERVER span per request, linked through the
trace context the client puts in each request's _meta): an MCPServer (FastMCP until mcp 2) with
one tool, get_weather(city), run as a stdio subprocess of the same interpreter, and a Client
that lists the tools and calls the tool. No LLM is involved. The server subprocess exports its
spans to the same sink through its own tracer provider (the SDK traces through the global one).

OpenLLMetry's opentelemetry-instrumentation-mcp (0.62.4, the newest) is not recorded: it patches
mcp 1.x modules (mcp.shared.session, streamablehttp_client) and fails to instrument mcp 2.x."""

import os
import sys

FOLDER = "mcp"
SCENARIOS = ["stdio"]
PACKAGES = ["mcp"]

OTLP_ENV = "RECORD_MCP_OTLP_URL"


def run(scenario, llm_url, otlp_url):
    import asyncio

    from mcp import Client, StdioServerParameters
    from opentelemetry import trace
    from record_corpus import tracer_provider

    if scenario != "stdio":
        raise ValueError(scenario)
    provider = tracer_provider(otlp_url, "record-mcp-client")
    trace.set_tracer_provider(provider)
    server = StdioServerParameters(command=sys.executable, args=[os.path.abspath(__file__)],
                                   env={OTLP_ENV: otlp_url})

    async def session():
        async with Client(server) as client:
            await client.list_tools()
            await client.call_tool("get_weather", {"city": "Paris"})

    asyncio.run(session())
    provider.force_flush()


def serve():
    """The server subprocess: this file run as a script, its spans to the sink in OTLP_ENV."""
    # The script's own directory is first on sys.path, where this file would shadow the mcp package.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, os.path.dirname(here))  # record_corpus

    from mcp.server.mcpserver import MCPServer
    from opentelemetry import trace
    from record_corpus import tracer_provider

    provider = tracer_provider(os.environ[OTLP_ENV], "record-mcp-server")
    trace.set_tracer_provider(provider)
    app = MCPServer("weather")

    @app.tool()
    def get_weather(city: str) -> dict:
        """Current weather for a city."""
        return {"city": city, "sky": "sunny"}

    try:
        app.run("stdio")
    finally:
        provider.force_flush()


if __name__ == "__main__":
    serve()
