"""OpenLLMetry's opentelemetry-instrumentation-mcp on the MCP Python SDK 1.x (the instrumentation
patches mcp 1.x modules and fails to instrument mcp 2.x; mcp 2.x traces itself, libraries/mcp.py):
a FastMCP server with one tool, get_weather(city), run as a stdio subprocess of the same
interpreter and instrumented there with its own tracer provider, and a ClientSession that
initializes, lists the tools and calls the tool. No LLM is involved."""

import os
import sys

FOLDER = "openllmetry"
SCENARIOS = ["stdio"]
PACKAGES = ["mcp", "opentelemetry-instrumentation-mcp"]

OTLP_ENV = "RECORD_MCP_OTLP_URL"


def run(scenario, llm_url, otlp_url):
    import asyncio

    from opentelemetry.instrumentation.mcp import McpInstrumentor
    from record_corpus import tracer_provider

    if scenario != "stdio":
        raise ValueError(scenario)
    provider = tracer_provider(otlp_url, "record-openllmetry-mcp-client")
    McpInstrumentor().instrument(tracer_provider=provider)

    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    server = StdioServerParameters(command=sys.executable, args=[os.path.abspath(__file__)],
                                   env={OTLP_ENV: otlp_url})

    async def session():
        async with stdio_client(server) as (read, write), ClientSession(read, write) as client:
            await client.initialize()
            await client.list_tools()
            await client.call_tool("get_weather", {"city": "Paris"})

    asyncio.run(session())
    provider.force_flush()


def serve():
    """The server subprocess: this file run as a script, its spans to the sink in OTLP_ENV."""
    # The script's own directory is first on sys.path, where mcp.py would shadow the mcp package.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, os.path.dirname(here))  # record_corpus

    from opentelemetry.instrumentation.mcp import McpInstrumentor
    from record_corpus import tracer_provider

    provider = tracer_provider(os.environ[OTLP_ENV], "record-openllmetry-mcp-server")
    McpInstrumentor().instrument(tracer_provider=provider)

    from mcp.server.fastmcp import FastMCP

    app = FastMCP("weather")

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
