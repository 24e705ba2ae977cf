"""The handler for each worked route: :func:`work` turns the router's plan into a
:class:`Worked` answer, or None when the message turns out to need the articles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from advisor.core.answers import Passage
from advisor.worked import passive
from advisor.worked.base import Citer, Worked
from advisor.worked.calculation import calculate
from advisor.worked.comparison import compare
from advisor.worked.names import mentions
from advisor.worked.preference import least_effort, update
from advisor.worked.reading import Numbers

if TYPE_CHECKING:
    from advisor.answering.router import Plan
    from advisor.store.manifest import Manifest


def work(
    plan: Plan,
    text: str,
    profile: dict[str, Any] | None,
    passages: Sequence[Passage],
    *,
    manifest: Manifest | None = None,
    user: str | None = None,
) -> Worked | None:
    """``profile`` is what was known before this message (the saved or given profile);
    the facts of earlier turns and of this message are added here. ``passages`` are the
    retrieved ones, to quote from; the answer lists only the passages it cites."""
    from advisor.recommender import load_catalog

    before = {**(profile or {}), **plan.known}
    after = {**before, **plan.facts}
    citer = Citer(passages)
    catalog = load_catalog()
    streams = [m.stream for m in plan.found if m.stream]
    if plan.route == "statement" and plan.statement is not None:
        from advisor.core.settings import get_settings
        from advisor.users.statements.chat import statement_answer

        where = plan.settings or get_settings()
        return statement_answer(plan.statement, plan.numbers, text, where, user)
    if plan.route == "passivity":
        numbers, said = plan.numbers, text
        if not any(a.per for a in numbers.amounts) and plan.earlier:
            # "my blog earns €200 a month" ... "I work on it 20 hours a month: passive?"
            amounts = [*(a for a in plan.earlier[-1].amounts if a.per), *numbers.amounts]
            numbers = Numbers(amounts, [], numbers.hours_per_month, numbers.hours_per_week)
            said = f"{plan.previous} {text}"
        worked = passive.from_figures(said, numbers, citer)
        if worked is None:
            subject = [m.stream for m in mentions(passive.asks_passivity(text) or "") if m.stream]
            if not subject:
                return passive.from_employment(citer) if passive.employed(text) else None
            worked = passive.from_catalog(catalog.get(subject[0]), citer, manifest)
        return worked
    if plan.route == "calculation":
        stream = catalog.get(streams[0]) if streams else None
        fallback = _default_stream(catalog, plan)
        worked = calculate(
            text, plan.numbers, plan.earlier, after, stream, fallback=fallback, asked=plan.asked
        )
        if worked is not None:
            worked.passages = citer.passages
        return worked
    if plan.route == "comparison":
        return compare(text, plan.found, catalog, after, manifest, citer)
    if plan.route == "preference":
        if not plan.facts:  # a wish for less hassle, with no figure to save
            return least_effort(before)
        return update(plan.facts, before, user=user, manifest=manifest)
    return None


def _default_stream(catalog: Any, plan: Plan) -> Any:
    """The stream whose typical yield a calculation uses when none is given (the
    setting ``default_yield_stream``), or None when the catalog lacks it."""
    from advisor.core.settings import get_settings

    wanted = (plan.settings or get_settings()).default_yield_stream
    return next((s for s in catalog.streams if s.id == wanted), None) if wanted else None
