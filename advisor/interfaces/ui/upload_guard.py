"""Gradio's upload route, guarded: a size limit checked before anything is stored, and
each stored upload noted for the user and login session that sent it
(:mod:`advisor.users.uploads`), so the documents handler accepts only its own.

Gradio's ``max_file_size`` (set at mount) stops one file that grows past the limit and
deletes what it wrote; this middleware also refuses, from its ``Content-Length`` and
before reading a byte, a request (a batch of files) larger than the limit, and one
without a length.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.core.settings import Settings

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_ROUTE = "/gradio_api/upload"
# multipart boundaries and part headers around the files themselves
MULTIPART_SLACK = 64 * 1024


def login_token(cookies: Any, cookie_id: str | None) -> str | None:
    """The value of Gradio's login cookie (secure or not) among ``cookies``."""
    if not cookie_id or not hasattr(cookies, "get"):
        return None
    token = cookies.get(f"access-token-{cookie_id}") or cookies.get(
        f"access-token-unsecure-{cookie_id}"
    )
    return token if isinstance(token, str) else None


def megabytes(n: int) -> str:
    return f"{n / 1_048_576:.1f}".rstrip("0").rstrip(".") + " MB"


class UploadGuard:
    """ASGI middleware for the app the UI is mounted on, at ``prefix``."""

    def __init__(self, app: ASGIApp, *, settings: Settings, prefix: str, gradio_app: Any) -> None:
        self.app = app
        self.settings = settings
        self.route = prefix.rstrip("/") + UPLOAD_ROUTE
        self.gradio_app = gradio_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope.get("type") != "http"
            or scope.get("method") != "POST"
            or scope.get("path", "").rstrip("/") != self.route
        ):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(headers.get("content-length"))
        if refusal is not None:
            await _plain(send, *refusal)
            return
        await self._pass_and_note(scope, receive, send, headers)

    def _refusal(self, length: str | None) -> tuple[int, str] | None:
        limit = self.settings.max_upload_bytes
        if length is None or not length.strip().isdigit():
            return 411, "send the upload with a Content-Length header"
        if int(length) > limit + MULTIPART_SLACK:
            return 413, (
                f"upload refused: {megabytes(int(length))} is over the limit of "
                f"{megabytes(limit)} (ADVISOR_MAX_UPLOAD_BYTES); nothing was stored"
            )
        return None

    async def _pass_and_note(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]
    ) -> None:
        """Let Gradio store the files; before its answer leaves, note the paths it
        stored for this user and session (the browser calls the handler right after)."""
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self._note(held, headers)
                for m in held:
                    await send(m)
                held.clear()

        await self.app(scope, receive, hold)
        for m in held:  # an app that ended without a last body message
            await send(m)

    def _note(self, held: list[Message], headers: dict[str, str]) -> None:
        from http.cookies import SimpleCookie

        from advisor.interfaces.ui.auth import user_id_for
        from advisor.users.uploads import record, session_key

        start = next((m for m in held if m["type"] == "http.response.start"), None)
        if start is None or start.get("status") != 200:
            return
        body = b"".join(m.get("body", b"") for m in held if m["type"] == "http.response.body")
        try:
            paths = json.loads(body)
        except ValueError:
            return
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            return
        jar = SimpleCookie()
        jar.load(headers.get("cookie", ""))
        cookies = {k: v.value for k, v in jar.items()}
        token = login_token(cookies, getattr(self.gradio_app, "cookie_id", None))
        username = getattr(self.gradio_app, "tokens", {}).get(token) if token else None
        user = user_id_for(username)
        record(self.settings, user, session_key(token), [Path(p) for p in paths])


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
