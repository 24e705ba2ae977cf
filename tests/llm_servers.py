"""Scripted LLM servers for tests: real HTTP servers on 127.0.0.1 that speak
OpenAI's chat-completions protocol (``POST /v1/chat/completions``, SSE when
``stream`` is true, one JSON object otherwise) or Ollama's (``POST /api/chat``
streaming NDJSON, which is all ``ChatOllama`` calls).

They answer from what they are sent, like a well-behaved model would: the answer
quotes the passages found in the prompt's data block and cites their numbers. A
script of modes per answer request makes them misbehave on purpose:

``cite``          first sentence of passages 1 and 2, each with its ``[n]``
``fabricated``    ``cite`` plus a sentence citing ``[9]``
``unsupported``   ``cite`` plus a sentence that passage 1 does not back
``obey``          ``cite`` plus the instruction injected in a passage, obeyed
``no_cover``      says the passages do not cover the question
``error``         HTTP 500
``hang``          no reply until the test ends (the client must time out)
``cut``           streams a few words of ``cite``, then drops the connection
``unauthorized``  HTTP 401

Condense requests (no passages block) get ``condense_reply`` or the follow-up as is.
With ``plain`` set, the server is a plain chat model instead: every request takes the
next mode (so ``error`` and ``hang`` work on it too) and a normal one is answered with
``reply_with(prompt)`` when given (a scripted judge reads what it was sent), else
``condense_reply``.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

PASSAGE = re.compile(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', re.DOTALL)
INJECTED = re.compile(r"ignore (?:all )?previous instructions.*?\bthat (?P<order>[^.]+)", re.I)
FABRICATED = "Most landlords retire within five years of buying their first flat [9]."
UNSUPPORTED = "Lottery tickets are the safest pension plan for retirees [1]."
NO_COVER = "The passages do not cover this question."
Protocol = Literal["openai", "ollama"]


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def prompt(self) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))

    @property
    def is_answer(self) -> bool:
        return "<passages>" in self.prompt


def passages_in(prompt: str) -> dict[int, str]:
    return {int(n): html.unescape(text) for n, text in PASSAGE.findall(prompt)}


def first_sentence(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("|", "#")):
            continue
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line):
            if len(sentence.split()) >= 6 and sentence.endswith("."):
                return sentence
    return None


def cited(sentence: str, n: int) -> str:
    return f"{sentence[:-1]} [{n}]."


def compose(mode: str, prompt: str) -> str:
    """What a model following (or, per mode, breaking) the rules would answer."""
    passages = passages_in(prompt)
    if mode == "no_cover" or not passages:
        return NO_COVER
    parts = []
    for n in sorted(passages)[:2]:
        sentence = first_sentence(passages[n])
        if sentence:
            parts.append(cited(sentence, n))
    if mode == "fabricated":
        parts.append(FABRICATED)
    elif mode == "unsupported":
        parts.append(UNSUPPORTED)
    elif mode == "obey":
        for n, text in passages.items():
            found = INJECTED.search(text)
            if found:
                order = found.group("order").strip()
                parts.append(f"{order[0].upper()}{order[1:]} [{n}].")
    return " ".join(parts) or NO_COVER


@dataclass
class ScriptedServer:
    protocol: Protocol
    api_key: str | None = None
    models: tuple[str, ...] = ("scripted",)
    default: str = "cite"
    condense_reply: str | None = None
    modes: deque[str] = field(default_factory=deque)
    requests: list[Recorded] = field(default_factory=list)
    plain: bool = False
    reply_with: Callable[[str], str] | None = None

    def __post_init__(self) -> None:
        self._release = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        port = self._httpd.server_address[1]
        return f"http://127.0.0.1:{port}" + ("/v1" if self.protocol == "openai" else "")

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def script(self, *modes: str, condense_reply: str | None = None) -> None:
        """Modes for the next answer requests; forget what was received so far."""
        self.modes = deque(modes)
        self.condense_reply = condense_reply
        self.requests.clear()

    def answers(self) -> list[Recorded]:
        return [r for r in self.requests if r.is_answer]

    def condenses(self) -> list[Recorded]:
        chat = ("/v1/chat/completions", "/api/chat")
        return [r for r in self.requests if r.path in chat and not r.is_answer]

    def next_reply(self, recorded: Recorded) -> tuple[str, str]:
        """(mode, text) for one chat request."""
        if self.plain:
            mode = self.modes.popleft() if self.modes else self.default
            if self.reply_with is not None:
                return mode, self.reply_with(recorded.prompt)
            return mode, self.condense_reply or compose(mode, recorded.prompt)
        if not recorded.is_answer:
            latest = re.search(r"Latest message: (.*)", recorded.prompt)
            return "reply", self.condense_reply or (latest.group(1) if latest else "")
        mode = self.modes.popleft() if self.modes else self.default
        return mode, compose(mode, recorded.prompt)

    def wait_released(self) -> None:
        self._release.wait(30)


def _handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            recorded = Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            server.requests.append(recorded)
            if self.path not in ("/v1/chat/completions", "/api/chat"):
                self._json(404, {"error": "not found"})
                return
            if server.api_key and self.headers.get("Authorization") != f"Bearer {server.api_key}":
                self._error(401, "Incorrect API key provided", "invalid_api_key")
                return
            if body.get("model") not in server.models:
                self._error(404, f"model {body.get('model')!r} not found", "model_not_found")
                return
            mode, text = server.next_reply(recorded)
            if mode == "hang":
                server.wait_released()
                return
            if mode == "error":
                self._error(500, "the model crashed", "server_error")
                return
            if mode == "unauthorized":
                self._error(401, "Incorrect API key provided", "invalid_api_key")
                return
            if mode == "cut":
                text = " ".join(compose("cite", recorded.prompt).split()[:4])
            cut = mode == "cut"
            if server.protocol == "openai":
                self._openai(body, text, body.get("stream", False), cut)
            else:
                self._ollama(body, text, cut)

        def _openai(self, body: dict[str, Any], text: str, stream: bool, cut: bool) -> None:
            base = {"id": "chatcmpl-scripted", "created": int(time.time()), "model": body["model"]}
            if not stream:
                message = {"role": "assistant", "content": text}
                choice = {"index": 0, "message": message, "finish_reason": "stop"}
                usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
                self._json(
                    200, base | {"object": "chat.completion", "choices": [choice], "usage": usage}
                )
                return
            self._start(200, "text/event-stream", cut)
            deltas = [{"role": "assistant", "content": ""}]
            deltas += [{"content": piece} for piece in re.findall(r"\s*\S+", text)]
            for delta in deltas:
                choice = {"index": 0, "delta": delta, "finish_reason": None}
                self._send_event(base | {"object": "chat.completion.chunk", "choices": [choice]})
            if cut:
                return
            end = {"index": 0, "delta": {}, "finish_reason": "stop"}
            self._send_event(base | {"object": "chat.completion.chunk", "choices": [end]})
            self._write(b"data: [DONE]\n\n")

        def _ollama(self, body: dict[str, Any], text: str, cut: bool) -> None:
            base = {"model": body["model"], "created_at": "2025-01-01T00:00:00Z"}
            done = {
                "done": True,
                "done_reason": "stop",
                "total_duration": 1,
                "prompt_eval_count": 1,
                "eval_count": 1,
            }
            self._start(200, "application/x-ndjson", cut)
            for piece in re.findall(r"\s*\S+", text):
                message = {"role": "assistant", "content": piece}
                self._write_line(base | {"message": message, "done": False})
            if not cut:
                self._write_line(base | {"message": {"role": "assistant", "content": ""}} | done)

        def _error(self, status: int, message: str, code: str) -> None:
            if server.protocol == "openai":
                self._json(status, {"error": {"message": message, "type": code, "code": code}})
            else:
                self._json(status, {"error": message})

        def _start(self, status: int, content_type: str, cut: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if cut:  # promise more than is sent: the client sees a broken connection
                self.send_header("Content-Length", "100000")
            self.send_header("Connection", "close")
            self.end_headers()

        def _json(self, status: int, obj: dict[str, Any]) -> None:
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self._write(data)

        def _send_event(self, obj: dict[str, Any]) -> None:
            self._write(b"data: " + json.dumps(obj).encode() + b"\n\n")

        def _write_line(self, obj: dict[str, Any]) -> None:
            self._write(json.dumps(obj).encode() + b"\n")

        def _write(self, data: bytes) -> None:
            try:
                self.wfile.write(data)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler
