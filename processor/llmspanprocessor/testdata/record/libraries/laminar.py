"""Laminar's Python SDK (lmnr): an @observe() agent calling the OpenAI SDK, which Laminar
instruments itself (its bundled OpenLLMetry instrumentation), on the stub, with the tool
round trip and a nested @observe(span_type="TOOL") tool, session and user set on the trace.
Laminar exports OTLP over gRPC unless force_http; over HTTP it posts to
<base_url>:<http_port>/v1/traces, the sink."""

FOLDER = "laminar"
SCENARIOS = ["agent"]
PACKAGES = ["lmnr", "openai"]


def run(scenario, llm_url, otlp_url):
    import sys

    # Laminar names the service after sys.argv[0], read when lmnr is imported, with no option
    # to set it: a name that is not this machine's path keeps the file stable.
    sys.argv[0] = "record-laminar"
    from lmnr import Instruments, Laminar, observe
    from openai import OpenAI
    from record_corpus import weather_round_trip

    host, port = otlp_url.rsplit(":", 1)
    # Only OpenAI's instrumentation: the scenario uses nothing else.
    Laminar.initialize(project_api_key="stub", base_url=host, http_port=int(port), force_http=True,
                       instruments={Instruments.OPENAI}, disable_batch=True)
    client = OpenAI(base_url=llm_url + "/v1", api_key="stub")

    @observe(span_type="TOOL")
    def get_weather(city):
        return {"city": city, "sky": "sunny"}

    @observe(name="weather_agent")
    def agent(question):
        Laminar.set_trace_session_id("session-1")
        Laminar.set_trace_user_id("user-1")
        return weather_round_trip(client, get_weather, question)

    if scenario != "agent":
        raise ValueError(scenario)
    agent("What is the weather in Paris?")
    Laminar.flush()
    Laminar.shutdown()
