"""The OpenAI-compatible API, so chat tools that speak OpenAI (Open WebUI, LibreChat,
Continue, the ``openai`` SDK) can use the advisor as a model.

``POST /v1/chat/completions`` takes the whole conversation: the last user message is
the question, earlier user and assistant turns are its history, and system messages
are ignored (they cannot change how the advisor behaves). Answers carry their sources
twice: as a short "Sources" list in the message text, for clients that only show
text, and as a ``citations`` field, for clients that want structure.

The app claims only ``/v1/...`` and ``/openapi.json``, so ``advisor serve`` can mount
the Gradio UI at ``/`` on the same app. There is no ``/docs`` page: FastAPI's loads its
scripts from a CDN, and nothing here reaches the internet.

Beside this module: ``schemas.py`` (the wire shapes), ``errors.py`` (errors in OpenAI's
shape), ``body_limit.py`` (the ``/v1`` body cap and crash guard), ``routes.py`` (the
``/v1`` routes) and ``security.py`` (API keys, loopback binding).
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from advisor.answering.service import Advisor
from advisor.core.errors import AdvisorError
from advisor.interfaces.api.body_limit import V1Guard
from advisor.interfaces.api.errors import add_error_handlers
from advisor.interfaces.api.routes import v1_router
from advisor.interfaces.api.security import KeyRing

log = logging.getLogger(__name__)


def create_api(
    advisor: Advisor | None = None,
    *,
    api_keys: dict[str, str] | None = None,
    anonymous_writes: bool = True,
) -> FastAPI:
    """The API over ``advisor``; keys default to ``advisor.settings.api_keys``. Without
    keys, ``anonymous_writes=False`` (the UI beside it has logins) refuses writes such
    as feedback instead of filing them under the local user."""
    if advisor is None:
        advisor = Advisor()
    keys = KeyRing(advisor.settings.api_keys if api_keys is None else api_keys)
    the_advisor = advisor

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            await run_in_threadpool(the_advisor.warm)
        except AdvisorError as exc:  # requests will report it; the server still starts
            log.warning("advisor not ready: %s", exc)
        yield

    app = FastAPI(
        title="Passive-income advisor API",
        version="1",
        description=(
            "OpenAI-compatible chat completions answered from cited sources. "
            "Citations are in the message text and in the `citations` field."
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(V1Guard)
    add_error_handlers(app)
    app.include_router(v1_router(the_advisor, keys, anonymous_writes=anonymous_writes))
    app.state.advisor = advisor
    return app
