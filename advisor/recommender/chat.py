"""Suggestions as a chat answer, the way the service gives them to every interface:
the ranked streams with a one-line why and a numbered, quoted source each, and hints
worded for any interface (facts are typed in a sentence, never a command)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from advisor.core.formats import fit
from advisor.core.settings import DEFAULT_CORPUS
from advisor.recommender.catalog import SourceQuote, load_catalog
from advisor.recommender.scoring import Scored, rank
from advisor.recommender.suggestions import DISCLAIMER, nothing_fits, suggest
from advisor.users.profile import (
    BASICS_FIELDS,
    RANKING_FIELDS,
    Profile,
    field_list,
    validate_profile,
)

if TYPE_CHECKING:
    from advisor.core.answers import Passage
    from advisor.store.manifest import Manifest


def _why(scored: Scored) -> str:
    good = [f.short for f in scored.fits if f.known and f.fit >= 0.8 and f.short]
    bad = [f.short for f in scored.fits if f.known and f.fit < 0.45 and f.short]
    text = ", ".join(good[:3]) or "a fair all-round fit"
    if bad:
        text += "; but " + bad[0]
    return text[0].upper() + text[1:]


def quote_passage(
    quote: SourceQuote, manifest: Manifest | None, *, fallback_id: str | None = None
) -> Passage:
    """The stored library chunk that holds ``quote`` (so the citation shows its
    article), or the quote itself, under its article's title, when the library does
    not hold it."""
    import hashlib

    from advisor.core.answers import Passage

    if manifest is not None:
        from advisor.store import LIBRARY

        rows = manifest.get(sorted(manifest.chunk_ids(LIBRARY, quote.source)))
        for row in sorted(rows.values(), key=lambda r: r.ord):
            if quote.text in row.text:
                return Passage(
                    id=row.id, text=row.text, source=row.source, title=row.title, doc_id=row.doc_id
                )
    digest = hashlib.sha256(quote.text.encode()).hexdigest()[:12]
    return Passage(
        id=fallback_id or f"quote:{quote.source}:{digest}",
        text=quote.text,
        source=quote.source,
        title=_titles().get(quote.source, quote.source),
        doc_id=quote.source,
    )


@cache
def _titles() -> dict[str, str]:
    from advisor.ingest.corpus import corpus_files, load_article

    return {p.name: load_article(p).title for p in corpus_files(DEFAULT_CORPUS)}


def has_facts(profile: Profile | dict[str, Any] | None) -> bool:
    """Whether a profile says anything the recommender can use."""
    return profile is not None and not validate_profile(profile).is_empty()


# How a person would state each fact in the chat (advisor.conversation.facts reads these forms).
_SAY = {
    "emergency_fund": "I have $6,000 in an emergency fund",
    "monthly_expenses": "my expenses are $2,000 a month",
    "high_interest_debt": "I have no card debt (or: $3,000 of card debt at 22%)",
    "capital": "I have $5,000 saved",
    "hours_per_week": "I have 5 hours a week",
    "risk_tolerance": "I prefer low risk",
    "skills": "I write well",
    "monthly_surplus": "I can save $300 a month",
    "goal_monthly_income": "I want to make $1,000 a month",
    "horizon_years": "over 10 years",
}


def profile_hint(user: str | None = None) -> str:
    """What to tell someone who asks for suggestions before giving any facts. Worded for
    any interface: the facts can be typed in the chat (each interface adds its own way
    to save them)."""
    fields = field_list((*BASICS_FIELDS, *RANKING_FIELDS))
    return (
        "To say which streams suit you I need a few facts about you: "
        f"{fields}. Tell me in a sentence, for example “I have $5,000 saved, 5 hours a "
        "week and prefer low risk”, and I will rank the streams at once. Any you leave "
        "out count as unknown."
    )


def _missing_chat_line(missing: Sequence[str]) -> str:
    return (
        f"Knowing your {field_list(missing)} could change these suggestions: tell me, for example "
        f"“{_SAY[missing[0]]}”."
    )


def answer_for(
    profile: Profile | dict[str, Any] | None,
    *,
    user: str | None = None,
    top: int = 3,
    manifest: Manifest | None = None,
) -> tuple[str, list[Passage]]:
    """A chat answer to "which streams suit me?": the ranked streams with a one-line why
    and a quoted, numbered source each, then the facts that would change it."""
    known = validate_profile(profile)
    if known.is_empty():
        return profile_hint(user), []
    catalog = load_catalog()
    result = suggest(known, top=top, catalog=catalog)
    by_id = {s.stream.id: s for s in rank(known, catalog)}
    lines: list[str] = []
    passages: list[Passage] = []
    if result.first_step:
        lines += [result.first_step, ""]
    if not result.suggestions:
        lines.append(nothing_fits(known, rank(known, catalog)))
    elif result.basics:
        lines.append("Meanwhile, streams that cannot fall in value and suit your profile:")
    else:
        lines.append("Streams that suit your profile, best fit first:")
    for i, s in enumerate(result.suggestions, start=1):
        scored = by_id[s.stream]
        quote = s.citations[0]
        passages.append(quote_passage(quote, manifest, fallback_id=f"stream:{scored.stream.id}"))
        lines.append("")
        lines.append(f"{i}. {s.name} (fit {fit(s.score)}/100). {_why(scored)}.")
        lines.append(f"   “{quote.text}” [{len(passages)}]")
        lines.append(f"   First step: {s.first_steps[0]}")
    if known.income_sources:
        lines.append("")
        lines.append(_sources_line(known))
    if result.missing:
        lines.append("")
        lines.append(_missing_chat_line(result.missing))
    lines.append("")
    lines.append(DISCLAIMER)
    return "\n".join(lines).strip(), passages


def _sources_line(p: Profile) -> str:
    from advisor.recommender.calculators import passivity

    parts = []
    for src in p.income_sources:
        if src.hours_per_month is None or not src.monthly_income:
            parts.append(f"{src.name} (hours or income not known)")
            continue
        rated = passivity(src.hours_per_month, src.monthly_income, employment=src.employment)
        parts.append(
            f"{src.name}: {rated.label}, {rated.hours_per_100:.2g} hours a month per 100 "
            f"{p.currency} of income"
        )
    return "Your current income: " + "; ".join(parts) + "."
