"""The advisor as an MCP server (official ``mcp`` SDK, version 2), so Claude Desktop and
other MCP hosts can ask it questions, search its library, rank income streams for a
profile and run the calculators.

stdio is the default transport (the host launches ``advisor mcp``); streamable HTTP
(``advisor mcp --http``) serves ``http://127.0.0.1:PORT/mcp``. stdout belongs to the
protocol, so every log line goes to stderr.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
from collections.abc import Callable
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import ValidationError

from advisor.answering.answer_text import with_sources
from advisor.answering.service import Advisor
from advisor.core.answers import Answer
from advisor.core.errors import AdvisorError
from advisor.interfaces.toolkit import Toolkit, describe

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


def _as_tool(
    fn: Callable[..., Any], *, like: Callable[..., Any] | None = None, returns: Any = None
) -> Callable[..., Any]:
    """``fn`` with advisor errors shown to the model as one-line tool errors; its schema
    comes from the signature of ``like`` (default ``fn``), returning ``returns``."""

    @functools.wraps(fn)
    def tool(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AdvisorError as exc:
            raise ToolError(str(exc).splitlines()[0]) from None

    signature = inspect.signature(like or fn, eval_str=True)
    if returns is not None:
        signature = signature.replace(return_annotation=returns)
    tool.__signature__ = signature  # type: ignore[attr-defined]
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


def build_server(advisor: Advisor | None = None) -> tuple[MCPServer, Toolkit]:
    """The server and the toolkit behind it (one advisor, created on first use)."""
    kit = Toolkit(advisor)
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

    ask_tool = _as_tool(ask, like=kit.ask, returns=Annotated[CallToolResult, Answer])
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
                _as_tool(fn),
                name=fn.__name__,
                title=titles[fn.__name__],
                description=describe(fn),
                annotations=read_only,
            )
    return server, kit


def _warm(kit: Toolkit) -> None:
    """Load the model in the background so the host's first call is quick, while the
    handshake is answered at once."""
    try:
        kit.advisor.warm()
    except AdvisorError as exc:
        log.warning("advisor not ready: %s", exc)


def serve(
    advisor: Advisor | None = None, *, http: bool = False, host: str = "127.0.0.1", port: int = 8765
) -> None:
    """Run until the host disconnects (stdio) or the process is stopped (HTTP)."""
    server, kit = build_server(advisor)
    threading.Thread(target=_warm, args=(kit,), name="advisor-warm", daemon=True).start()
    if http:
        server.run("streamable-http", host=host, port=port)
    else:
        server.run("stdio")
