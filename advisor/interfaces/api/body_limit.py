"""The ``/v1`` middleware: a cap on the request body (a chunked body is read up to the
cap, then replayed) and a one-line 500 in the OpenAI shape for any crash."""

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from advisor.interfaces.api.errors import APIError, internal_error

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000


class V1Guard:
    """For ``/v1`` only: cap the request body and turn any crash into a one-line 500 in
    the OpenAI shape (the traceback goes to the debug log, never to the client)."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1"):
            await self.app(scope, receive, send)
            return
        too_large = APIError(
            413,
            f"the request body is over {self.max_body:,} bytes; send a shorter conversation",
            code="request_too_large",
        )
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await too_large.response()(scope, receive, send)
            return
        if length is None:  # a chunked body: read it here, up to the cap, then replay it
            body = await _read_body(receive, self.max_body)
            if body is None:
                await too_large.response()(scope, receive, send)
                return
            receive = _replay(body, receive)
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        except Exception:
            log.debug("unexpected error in %s", scope["path"], exc_info=True)
            if not started:
                await internal_error().response()(scope, receive, send)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None when it grows past ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
