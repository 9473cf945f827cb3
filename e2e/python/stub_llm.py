"""A small OpenAI-compatible LLM stub: the only fake in the end-to-end tests.

It stands in for the LLM provider so that real SDKs and real instrumentation libraries run
unchanged. Answers are deterministic:
  * chat with `tools` and no tool result yet -> one tool call to the first tool;
  * chat otherwise -> a text answer echoing the last user message;
  * `stream: true` -> the same answer as server-sent events, usage in the last chunk;
  * embeddings -> a fixed-size vector per input;
  * Anthropic messages (POST /v1/messages) -> the same answers in Anthropic's shape, streamed
    too; its usage counts input tokens excluding cache, as Anthropic does. Claude Code's
    requests (header x-app: cli), which offer its own tools, get claude_code_answer's answers.
  * Gemini API (POST /v1beta/models/{model}:generateContent, :streamGenerateContent?alt=sse,
    :countTokens, :embedContent) -> the same text answers in Gemini's shape; a function call
    only when the last user text names a declared function (see gemini_answer).
Token usage is derived from the request so that tests can predict it, and it is also printed.

Run: python stub_llm.py --port 0 --port-file FILE   (writes the chosen port to FILE)
"""

import argparse
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL_SUFFIX = "-2024-08-06"


def usage_for(messages):
    prompt = 10 + sum(len(str(m.get("content") or "")) // 4 for m in messages)
    completion = 7
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 2, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
    }


def chat_answer(req):
    messages = req.get("messages") or []
    tools = req.get("tools") or []
    has_tool_result = any(m.get("role") == "tool" for m in messages)
    last_user = next((m for m in reversed(messages) if m.get("role") == "user"), {})
    if tools and not has_tool_result:
        fn = tools[0].get("function", {})
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [{
                "id": "call_stub_1",
                "type": "function",
                "function": {"name": fn.get("name", "tool"), "arguments": json.dumps({"city": "Paris"})},
            }],
        }
        finish = "tool_calls"
    else:
        content = last_user.get("content")
        if isinstance(content, list):
            content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
        text = "stub answer to: " + str(content or "")
        if has_tool_result:
            text = "It is sunny in Paris."
        message = {"role": "assistant", "content": text}
        finish = "stop"
    return message, finish


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def _json(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            return self._json(200, {"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model"}]})
        self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

    def do_POST(self):
        try:
            req = json.loads(read_body(self) or b"{}")
        except ValueError:
            return self._json(400, {"error": {"message": "invalid JSON", "type": "invalid_request_error"}})
        path = self.path.split("?")[0].rstrip("/")
        if path.endswith("/chat/completions"):
            return self._chat(req)
        if path.endswith("/embeddings"):
            return self._embeddings(req)
        if path.endswith("/messages"):
            return self._anthropic(req)
        if ":" in path.rsplit("/", 1)[-1]:  # Gemini: /v1beta/models/{model}:{method}
            return self._gemini(path, req)
        self._json(404, {"error": {"message": "unknown path " + path, "type": "invalid_request_error"}})

    def _gemini(self, path, req):
        """The Gemini API's generateContent, streamGenerateContent (SSE with alt=sse, the answer in
        two chunks), countTokens and embedContent."""
        model, method = path.rsplit("/", 1)[-1].split(":", 1)
        if method == "countTokens":
            return self._json(200, {"totalTokens": gemini_usage(req)["promptTokenCount"]})
        if method == "embedContent":
            return self._json(200, {"embedding": {"values": [0.1, 0.2, 0.3]}})
        if method not in ("generateContent", "streamGenerateContent"):
            return self._json(404, {"error": {"code": 404, "message": "unknown method " + method, "status": "NOT_FOUND"}})
        parts = gemini_answer(req)
        base = {"modelVersion": model, "responseId": "stub-response"}
        final = dict(base, candidates=[{"content": {"role": "model", "parts": parts}, "finishReason": "STOP",
                                         "index": 0}], usageMetadata=gemini_usage(req))
        if method == "generateContent":
            return self._json(200, final)
        chunks = [final]
        text = parts[0].get("text")
        if text:  # text streams in pieces, usage on each chunk, the finish reason on the last
            cut = len(text) // 2
            first = dict(gemini_usage(req), candidatesTokenCount=3, totalTokenCount=gemini_usage(req)["promptTokenCount"] + 3)
            chunks = [dict(base, candidates=[{"content": {"role": "model", "parts": [{"text": text[:cut]}]}, "index": 0}],
                           usageMetadata=first),
                      dict(final, candidates=[dict(final["candidates"][0], content={"role": "model", "parts": [{"text": text[cut:]}]})])]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        for c in chunks:
            self.wfile.write(b"data: " + json.dumps(c).encode() + b"\r\n\r\n")
        self.wfile.flush()
        self.close_connection = True

    def _chat(self, req):
        model = req.get("model", "gpt-4o-mini")
        message, finish = chat_answer(req)
        usage = usage_for(req.get("messages") or [])
        created = 1700000000  # fixed, so two runs of an app produce equal outputs
        if not req.get("stream"):
            return self._json(200, {
                "id": "chatcmpl-stub", "object": "chat.completion", "created": created,
                "model": model + MODEL_SUFFIX, "system_fingerprint": "fp_stub",
                "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
                "usage": usage,
            })
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        base = {"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": created,
                "model": model + MODEL_SUFFIX, "system_fingerprint": "fp_stub"}
        delta = {"role": "assistant", "content": message.get("content") or ""}
        if message.get("tool_calls"):
            delta["tool_calls"] = [dict(tc, index=i) for i, tc in enumerate(message["tool_calls"])]
        chunks = [
            dict(base, choices=[{"index": 0, "delta": delta, "finish_reason": None}]),
            dict(base, choices=[{"index": 0, "delta": {}, "finish_reason": finish}]),
        ]
        if (req.get("stream_options") or {}).get("include_usage"):
            chunks.append(dict(base, choices=[], usage=usage))
        for c in chunks:
            self.wfile.write(b"data: " + json.dumps(c).encode() + b"\n\n")
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True

    def _embeddings(self, req):
        inputs = req.get("input")
        if isinstance(inputs, str):
            inputs = [inputs]
        data = [{"object": "embedding", "index": i, "embedding": [0.1, 0.2, 0.3]} for i, _ in enumerate(inputs or [])]
        tokens = sum(max(1, len(str(x)) // 4) for x in inputs or [])
        self._json(200, {"object": "list", "model": req.get("model", "text-embedding-3-small"), "data": data,
                         "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})


    def _anthropic(self, req):
        if self.headers.get("x-app") == "cli":  # Claude Code, with its own tools
            message, finish = claude_code_answer(req)
        else:
            message, finish = chat_answer(anthropic_as_openai(req))
        if message.get("tool_calls"):
            call = message["tool_calls"][0]
            blocks = [{"type": "tool_use", "id": "toolu_stub_1", "name": call["function"]["name"],
                       "input": json.loads(call["function"]["arguments"])}]
            stop = "tool_use"
        else:
            blocks = [{"type": "text", "text": message["content"]}]
            stop = "end_turn"
        # Anthropic's input_tokens exclude the cache reads and writes reported beside them.
        usage = {"input_tokens": usage_for(req.get("messages") or [])["prompt_tokens"], "output_tokens": 7,
                 "cache_read_input_tokens": 2, "cache_creation_input_tokens": 1}
        body = {"id": "msg_stub", "type": "message", "role": "assistant", "model": req.get("model", "claude"),
                "content": blocks, "stop_reason": stop, "stop_sequence": None, "usage": usage}
        if not req.get("stream"):
            return self._json(200, body)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        events = [("message_start", {"type": "message_start", "message": dict(
            body, content=[], stop_reason=None, usage=dict(usage, output_tokens=1))})]
        for i, b in enumerate(blocks):
            if b["type"] == "text":
                start, delta = dict(b, text=""), {"type": "text_delta", "text": b["text"]}
            else:
                start, delta = dict(b, input={}), {"type": "input_json_delta", "partial_json": json.dumps(b["input"])}
            events += [("content_block_start", {"type": "content_block_start", "index": i, "content_block": start}),
                       ("content_block_delta", {"type": "content_block_delta", "index": i, "delta": delta}),
                       ("content_block_stop", {"type": "content_block_stop", "index": i})]
        events += [("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                                      "usage": {"output_tokens": usage["output_tokens"]}}),
                   ("message_stop", {"type": "message_stop"})]
        for name, data in events:
            self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
        self.wfile.flush()
        self.close_connection = True


def anthropic_as_openai(req):
    """Reads an Anthropic request as the OpenAI chat request chat_answer understands."""
    messages = []
    for m in req.get("messages") or []:
        content = m.get("content")
        if isinstance(content, list):
            if any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content):
                messages.append({"role": "tool", "content": ""})
                continue
            content = " ".join(b.get("text", "") for b in content if isinstance(b, dict))
        messages.append({"role": m.get("role"), "content": content})
    tools = [{"function": {"name": t.get("name")}} for t in req.get("tools") or []]
    return {"messages": messages, "tools": tools}


def claude_code_answer(req):
    """Claude Code's answers: a Read call for the file its prompt names in backticks, once, when
    Read is offered; then the first line of what the tool returned; otherwise an echo of the
    prompt (the last text block of the last user message, after its system reminders)."""
    last = next((m for m in reversed(req.get("messages") or []) if m.get("role") == "user"), {})
    blocks = last.get("content") if isinstance(last.get("content"), list) else [
        {"type": "text", "text": str(last.get("content") or "")}]
    results = [b for b in blocks if b.get("type") == "tool_result"]
    if results:
        content = results[0].get("content")
        if isinstance(content, list):
            content = " ".join(b.get("text", "") for b in content if isinstance(b, dict))
        return {"role": "assistant", "content": "The tool returned: " + str(content or "").strip().split("\n")[0]}, "stop"
    texts = [b.get("text", "") for b in blocks if b.get("type") == "text"]
    prompt = next((t for t in reversed(texts) if not t.startswith("<system-reminder>")), "")
    named = prompt.split("`")[1] if prompt.count("`") >= 2 else ""
    if named and any(t.get("name") == "Read" for t in req.get("tools") or []):
        call = {"id": "call_stub_1", "type": "function",
                "function": {"name": "Read", "arguments": json.dumps({"file_path": named})}}
        return {"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls"
    return {"role": "assistant", "content": "stub answer to: " + prompt}, "stop"


def gemini_texts(content):
    return [p["text"] for p in content.get("parts") or [] if isinstance(p.get("text"), str)]


def gemini_usage(req):
    """Gemini's usageMetadata; its promptTokenCount includes the cached tokens reported beside it."""
    prompt = 10 + sum(len(t) // 4 for c in req.get("contents") or [] for t in gemini_texts(c))
    return {"promptTokenCount": prompt, "candidatesTokenCount": 7, "totalTokenCount": prompt + 7,
            "cachedContentTokenCount": 2}


def gemini_answer(req):
    """The parts of the model's answer to a Gemini request. An agent such as Gemini CLI offers its
    tools on every request, so the answer is a function call only when the last user text names a
    declared function and no function response came back yet; its arguments are the first JSON
    object in that text, else {"city": "Paris"}. Otherwise the text chat_answer gives."""
    contents = req.get("contents") or []
    has_result = any("functionResponse" in p for c in contents for p in c.get("parts") or [])
    # Its last text part: Gemini CLI puts its session context in the parts before the prompt.
    text = next((gemini_texts(c)[-1] for c in reversed(contents)
                 if c.get("role", "user") == "user" and gemini_texts(c)), "")
    declared = [d.get("name") for t in req.get("tools") or []
                for d in t.get("functionDeclarations") or t.get("function_declarations") or []]
    name = next((n for n in declared if n and n in text), None)
    if name and not has_result:
        args = {"city": "Paris"}
        if "{" in text:
            try:
                args = json.JSONDecoder().raw_decode(text[text.index("{"):])[0]
            except ValueError:
                pass
        return [{"functionCall": {"name": name, "args": args}}]
    messages = [{"role": "tool"} if any("functionResponse" in p for p in c.get("parts") or [])
                else {"role": "assistant" if c.get("role") == "model" else "user", "content": (gemini_texts(c) or [""])[-1]}
                for c in contents]
    return [{"text": chat_answer({"messages": messages})[0]["content"]}]


def read_body(handler):
    """A request's body, by its Content-Length or chunked (as Java's and Node's HTTP clients
    may send it)."""
    if handler.headers.get("Transfer-Encoding", "").lower() != "chunked":
        return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
    body = b""
    while size := int(handler.rfile.readline().split(b";")[0], 16):
        body += handler.rfile.read(size)
        handler.rfile.readline()  # the CRLF after each chunk
    while handler.rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers
        pass
    return body


def serve(port=0):
    """Start the stub in a background thread; returns the server (server.server_port)."""
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    if args.port_file:
        with open(args.port_file, "w") as f:
            f.write(str(server.server_port))
    print(f"stub LLM listening on 127.0.0.1:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
