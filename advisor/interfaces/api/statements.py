"""``/v1/statements``: a person's bank statements over HTTP, with the same figures as
``advisor statement`` (one import for every interface, advisor.users.statements.saved).

- ``POST /v1/statements/import`` (multipart: ``files``, optional ``currency``,
  ``save_facts``) imports and keeps the files, and returns their figures and proposed
  facts;
- ``GET /v1/statements`` lists the stored statements and the figures of all of them;
- ``POST /v1/statements/save-facts`` saves the facts all stored statements propose;
- ``DELETE /v1/statements/{name}`` deletes one, and the facts saved from it.

One method a path (Starlette answers a wrong method with the methods of the first route
of the path only). Unknown query parameters are refused rather than ignored.

The key decides whose statements these are (a key bound to one user can only reach
that user's); a server without keys keeps them for the local user, as the UI does."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from advisor.answering.service import Advisor
from advisor.interfaces.api.security import Caller

MAX_FILES = 20


def _only(*allowed: str) -> Any:
    """A dependency refusing query parameters other than ``allowed``."""

    async def check(request: Request) -> None:
        from advisor.core.errors import InputError

        extra = sorted(set(request.query_params) - set(allowed))
        if extra:
            takes = ", ".join(allowed) or "none"
            raise InputError(f"unknown query parameter {extra[0][:40]!r}: this route takes {takes}")

    return Depends(check)


def _user(caller: Caller, requested: str | None) -> str:
    from advisor.interfaces.ui.auth import LOCAL_USER

    return caller.resolve(requested) or LOCAL_USER


def add_statement_routes(
    v1: APIRouter, the_advisor: Advisor, authenticate: Callable[..., Awaitable[Caller]]
) -> None:
    settings = the_advisor.settings

    @v1.post("/statements/import", dependencies=[_only()])
    async def import_statements(
        caller: Annotated[Caller, Depends(authenticate)],
        files: Annotated[list[UploadFile], File(description="CSV, OFX or QFX exports")],
        currency: Annotated[str | None, Form(max_length=3)] = None,
        save_facts: Annotated[bool, Form()] = False,
        user: Annotated[str | None, Form(max_length=64)] = None,
    ) -> dict[str, Any]:
        """Import statements: income per month by stream (active, semi-passive or
        passive), the passive share, the monthly surplus, the months covered and the
        proposed profile facts (saved with ``save_facts=true``). A bad file keeps
        nothing."""
        from advisor.core.errors import InputError
        from advisor.users.statements.uploads import import_uploads

        if len(files) > MAX_FILES:
            raise InputError(f"at most {MAX_FILES} files an import")
        uploads = [(f.filename or "", await f.read()) for f in files]
        who = _user(caller, user)
        return await run_in_threadpool(
            import_uploads, settings, who, uploads, currency=currency or None, save_facts=save_facts
        )

    @v1.get("/statements", dependencies=[_only("user")])
    async def list_statements(
        caller: Annotated[Caller, Depends(authenticate)], user: str | None = None
    ) -> dict[str, Any]:
        """The stored statements and the figures of all of them together (null when
        none is stored)."""
        from advisor.users.statements.saved import list_statements, stored_report

        who = _user(caller, user)
        stored = await run_in_threadpool(list_statements, settings, who)
        figures = await run_in_threadpool(stored_report, settings, who)
        return {"user": who, "statements": stored, "figures": figures}

    @v1.post("/statements/save-facts", dependencies=[_only("user")])
    async def save_statement_facts(
        caller: Annotated[Caller, Depends(authenticate)], user: str | None = None
    ) -> dict[str, Any]:
        """Save the profile facts the stored statements propose."""
        from advisor.users.statements.saved import save_stored_facts

        who = _user(caller, user)
        facts = await run_in_threadpool(save_stored_facts, settings, who)
        return {"user": who, "saved": facts}

    @v1.delete("/statements/{name}", dependencies=[_only("user")])
    async def delete_statement(
        name: str, caller: Annotated[Caller, Depends(authenticate)], user: str | None = None
    ) -> dict[str, Any]:
        """Delete a statement and the profile facts saved from it."""
        from advisor.users.statements.saved import delete_statement

        who = _user(caller, user)
        removed = await run_in_threadpool(delete_statement, settings, who, name)
        return {"user": who, "deleted": name, "facts_removed": removed}
