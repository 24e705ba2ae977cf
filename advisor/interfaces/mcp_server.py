"""The advisor as an MCP server (official ``mcp`` SDK, version 2), so Claude Desktop and
other MCP hosts can ask it questions, search its library, rank income streams for a
profile and run the calculators.

stdio is the default transport (the host launches ``advisor mcp``); streamable HTTP
(``advisor mcp --http``) serves ``http://127.0.0.1:PORT/mcp``. stdout belongs to the
protocol, so every log line goes to stderr.

Who the tools act for: over stdio, the one user named at start (``advisor mcp --user
ID``, default ``local``); over HTTP, the user of the request's bearer key (the keys of
``ADVISOR_API_KEYS``, as the OpenAI-compatible API reads them; a key mapped to ``"*"``
may name any user). A tool call naming another user is refused in one line.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
from collections.abc import Callable
from typing import Annotated, Any, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import ValidationError

from advisor.answering.answer_text import with_sources
from advisor.answering.service import Advisor
from advisor.core.answers import Answer
from advisor.core.errors import AdvisorError, NotFoundError
from advisor.interfaces.api.security import Caller, KeyRing
from advisor.interfaces.toolkit import Toolkit, describe
from advisor.users.ids import validate_user_id

log = logging.getLogger(__name__)

NAME = "passive-income-advisor"
INSTRUCTIONS = (
    "An advisor on passive versus active income. `ask` answers from cited source "
    "articles (keep the [n] markers and the Sources list when you relay an answer); "
    "`suggest_streams` ranks income streams for a person's situation; the calculators "
    "do the arithmetic. Everything is general education, not financial advice."
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("passive-income-advisor")
    except PackageNotFoundError:
        return "0"


class Identity:
    """Whose documents and profile a tool call may use."""

    def __init__(self, user: str, keys: KeyRing | None = None) -> None:
        self.user = validate_user_id(user)
        self.keys = keys  # over HTTP: the key of each request decides

    def caller(self, ctx: Context | None) -> Caller:
        if self.keys is None:
            return Caller(user=self.user)
        headers = ctx.headers if ctx is not None else None
        auth = (headers or {}).get("authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else None
        caller = self.keys.caller(token)
        if caller is None:  # the HTTP guard refuses such requests before any tool runs
            raise ToolError("missing or wrong API key")
        return caller

    def resolve(self, requested: str | None, ctx: Context | None) -> str | None:
        """The user the call acts for; naming another user is refused."""
        if requested is not None:
            requested = validate_user_id(requested)  # a bad id is named as such
        caller = self.caller(ctx)
        if caller.may_choose_user:
            return caller.resolve(requested)
        if requested is not None and requested != caller.user:
            raise ToolError(
                f"this MCP server acts for user {caller.user!r} only: it cannot use another "
                "user's documents or profile (start `advisor mcp --user ID` for another user)"
            )
        return caller.user


def _one_line(exc: AdvisorError, advisor: Callable[[], Any]) -> str:
    message = str(exc).splitlines()[0]
    if isinstance(exc, NotFoundError) and "library is empty" in message:
        home = advisor().settings.home
        message = (
            f"the library is empty in the data folder {home}: run `advisor ingest` there, "
            'or set it in the MCP client\'s config: "env": {"ADVISOR_HOME": "/path/you/'
            'ingested/into"}'
        )
    return message


def _as_tool(
    fn: Callable[..., Any],
    kit: Toolkit,
    identity: Identity,
    *,
    like: Callable[..., Any] | None = None,
    returns: Any = None,
) -> Callable[..., Any]:
    """``fn`` with advisor errors shown to the model as one-line tool errors and its
    ``user`` argument checked against ``identity``; its schema comes from the signature
    of ``like`` (default ``fn``), returning ``returns``."""
    signature = inspect.signature(like or fn, eval_str=True)
    takes_user = "user" in signature.parameters

    @functools.wraps(fn)
    def tool(*args: Any, ctx: Context, **kwargs: Any) -> Any:
        try:
            if takes_user:
                kwargs["user"] = identity.resolve(kwargs.get("user"), ctx)
            return fn(*args, **kwargs)
        except AdvisorError as exc:
            raise ToolError(_one_line(exc, lambda: kit.advisor)) from None

    context = inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Context)
    signature = signature.replace(parameters=[*signature.parameters.values(), context])
    if returns is not None:
        signature = signature.replace(return_annotation=returns)
    tool.__signature__ = signature  # type: ignore[attr-defined]
    # the SDK finds the context parameter by the type hints, not the signature
    tool.__annotations__ = {n: p.annotation for n, p in signature.parameters.items()}
    tool.__annotations__["return"] = signature.return_annotation
    return tool


class _Server(MCPServer):
    """Arguments that fail the tool's schema come back as one line naming the argument
    (the SDK's own message is pydantic's multi-line report with a web link)."""

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(exc, UnexpectedToolError) or not isinstance(cause, ValidationError):
                raise
            err = cause.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "arguments"
            raise ToolError(f"invalid argument {where} for {name}: {err['msg']}") from cause


def build_server(
    advisor: Advisor | None = None, *, user: str = "local", keys: KeyRing | None = None
) -> tuple[MCPServer, Toolkit]:
    """The server and the toolkit behind it (one advisor, created on first use), acting
    for ``user``, or with ``keys`` for the user of each request's key (HTTP)."""
    kit = Toolkit(advisor)
    identity = Identity(user, keys)
    server: MCPServer = _Server(
        NAME, instructions=INSTRUCTIONS, version=_version(), log_level="WARNING"
    )
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    def ask(question: str, user: str | None = None) -> CallToolResult:
        answer = kit.ask(question, user)
        return CallToolResult(
            content=[TextContent(type="text", text=with_sources(answer))],
            structured_content=answer.public(),
        )

    ask_tool = _as_tool(ask, kit, identity, like=kit.ask, returns=Annotated[CallToolResult, Answer])
    server.add_tool(
        ask_tool,
        name="ask",
        title="Ask the advisor",
        description=describe(kit.ask),
        annotations=read_only,
    )
    titles = {
        "search_library": "Search the library",
        "suggest_streams": "Suggest income streams",
        "capital_needed": "Capital needed for an income",
        "months_to_goal": "Months to an income goal",
        "passivity": "How passive is an income source",
    }
    for fn in kit.tools():
        if fn.__name__ in titles:
            server.add_tool(
                _as_tool(fn, kit, identity),
                name=fn.__name__,
                title=titles[fn.__name__],
                description=describe(fn),
                annotations=read_only,
            )
    _add_statement_tool(server, kit, identity)
    return server, kit


def _add_statement_tool(server: MCPServer, kit: Toolkit, identity: Identity) -> None:
    def import_statement(
        file_name: str,
        content: str,
        encoding: Literal["text", "base64"] = "text",
        currency: str | None = None,
        save_facts: bool = False,
        user: str | None = None,
    ) -> dict[str, Any]:
        """Import a bank statement export (CSV, OFX or QFX: the file's content as text,
        or base64 with encoding="base64") and keep it as one of the user's documents.
        Returns income per month by stream (each active, semi-passive or passive), the
        passive share of income, the average monthly surplus, the months covered and
        the proposed profile facts, saved only with save_facts=true."""
        from advisor.core.errors import InputError
        from advisor.users.statements.uploads import content_bytes, import_uploads

        if user is None:  # a front end's key that may name any user did not name one
            raise InputError("name the user whose statement this is (the user argument)")
        data = content_bytes(file_name, content, encoding)
        settings = kit.advisor.settings
        return import_uploads(
            settings, user, [(file_name, data)], currency=currency, save_facts=save_facts
        )

    server.add_tool(
        _as_tool(import_statement, kit, identity),
        name="import_statement",
        title="Import a bank statement",
        description=describe(import_statement),
        annotations=ToolAnnotations(read_only_hint=False, open_world_hint=False),
    )


class RequireKey:
    """ASGI guard in front of the streamable HTTP app: every HTTP request needs
    ``Authorization: Bearer KEY`` with a key of ``keys``, else a one-line 401."""

    def __init__(self, app: Any, keys: KeyRing) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            from starlette.datastructures import Headers
            from starlette.responses import JSONResponse

            auth = Headers(scope=scope).get("authorization", "")
            token = auth[7:].strip() if auth[:7].lower() == "bearer " else None
            if not self.keys.enabled or self.keys.caller(token) is None:
                refused = JSONResponse(
                    {
                        "error": "missing or wrong API key: send `Authorization: Bearer KEY` "
                        "with a key from ADVISOR_API_KEYS"
                    },
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
                await refused(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _warm(kit: Toolkit) -> None:
    """Load the model in the background so the host's first call is quick, while the
    handshake is answered at once."""
    try:
        kit.advisor.warm()
    except AdvisorError as exc:
        log.warning("advisor not ready: %s", exc)


def serve(
    advisor: Advisor | None = None,
    *,
    http: bool = False,
    host: str = "127.0.0.1",
    port: int = 8765,
    user: str = "local",
    keys: KeyRing | None = None,
) -> None:
    """Run until the host disconnects (stdio) or the process is stopped (HTTP, where
    every request needs one of ``keys``)."""
    server, kit = build_server(advisor, user=user, keys=keys if http else None)
    threading.Thread(target=_warm, args=(kit,), name="advisor-warm", daemon=True).start()
    if http:
        import uvicorn

        from advisor.core.settings import get_settings

        settings = advisor.settings if advisor is not None else get_settings()
        app = RequireKey(server.streamable_http_app(host=host), keys or KeyRing({}))
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            timeout_keep_alive=settings.server_keep_alive_s,
            timeout_graceful_shutdown=settings.server_shutdown_s,
        )
    else:
        server.run("stdio")
