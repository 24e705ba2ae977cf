"""Cited passages as URLs other chat tools render: OpenAI ``url_citation`` annotations
on a reply, and ``GET /v1/sources/{id}`` serving the passage behind them.

A library passage is served to any caller the API accepts; a user's passage only to a
key of that user (or a front-end key naming them with ``?user=``). Anything else,
including an id that is not a stored chunk id, is the same 404: the answer never says
whether another user's passage exists.
"""

import html
import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from advisor.answering.service import Advisor
from advisor.core.answers import Citation
from advisor.interfaces.api.errors import APIError
from advisor.interfaces.api.schemas import Annotation, SourcePassage, URLCitation
from advisor.interfaces.api.security import Caller

_CHUNK_ID = re.compile(r"[0-9a-f]{32}")  # advisor.ingest.splitting.chunk_id


def source_url(base_url: str, passage_id: str) -> str:
    return f"{base_url.rstrip('/')}/v1/sources/{passage_id}"


def annotations(text: str, citations: list[Citation], base_url: str) -> list[Annotation]:
    """One ``url_citation`` per cited passage, in the order 1..n, each pointing at the
    first ``[n]`` that cites it in ``text`` (the reply as the client receives it)."""
    out = []
    for c in sorted(citations, key=lambda c: c.n):
        marker = f"[{c.n}]"
        start = text.find(marker)
        if start < 0 or not c.id:
            continue
        out.append(
            Annotation(
                url_citation=URLCitation(
                    url=source_url(base_url, c.id),
                    title=c.title or c.source,
                    start_index=start,
                    end_index=start + len(marker),
                )
            )
        )
    return out


def _not_found() -> APIError:
    return APIError(
        404,
        "no such source: the id is not a passage you can read",
        "not_found_error",
        "source_not_found",
    )


def find_passage(advisor: Advisor, passage_id: str, user: str | None) -> SourcePassage:
    """The stored passage ``passage_id`` if ``user`` (None: the library alone) may read it."""
    from advisor.store import LIBRARY
    from advisor.users.ids import user_collection

    if not _CHUNK_ID.fullmatch(passage_id):
        raise _not_found()
    row = advisor.store.manifest.get([passage_id]).get(passage_id)
    allowed = {LIBRARY} | ({user_collection(user)} if user else set())
    if row is None or row.collection not in allowed:
        raise _not_found()
    return SourcePassage(
        id=row.id,
        title=row.title,
        source=row.source,
        origin="library" if row.collection == LIBRARY else "user",
        text=row.text,
    )


def page(passage: SourcePassage) -> str:
    """The passage as a small HTML page, every value escaped."""
    title = html.escape(passage.title)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body>"
        f"<h1>{title}</h1><p><small>{html.escape(passage.source)} "
        f"({html.escape(passage.origin)})</small></p>"
        f"<blockquote>{html.escape(passage.text)}</blockquote></body></html>"
    )


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return "text/html" in accept and "application/json" not in accept.split("text/html")[0]


def add_source_route(
    v1: APIRouter, the_advisor: Advisor, authenticate: Callable[..., Awaitable[Caller]]
) -> None:
    @v1.get(
        "/sources/{source_id}",
        response_model=SourcePassage,
        responses={
            200: {"content": {"text/html": {}}, "description": "JSON, or HTML when asked"},
            404: {"description": "no passage with that id that this key may read"},
        },
    )
    async def get_source(
        source_id: str,
        request: Request,
        caller: Annotated[Caller, Depends(authenticate)],
        user: Annotated[
            str | None, Query(description="advisor user id; only with a front-end key")
        ] = None,
    ) -> Any:
        """A passage an answer cited (the url of its ``url_citation`` annotation): its
        text, title and origin; a small HTML page when the client accepts text/html."""
        reader = caller.resolve(user)
        passage = await run_in_threadpool(find_passage, the_advisor, source_id, reader)
        if _wants_html(request):
            return HTMLResponse(page(passage))
        return passage
