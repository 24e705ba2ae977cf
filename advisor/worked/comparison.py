"""Two or more streams side by side: the catalog's attributes in a Markdown table (and a
structured :class:`Comparison`), one cited quote a side, then which fits this person
or which facts would decide it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from advisor.core.answers import Comparison, ComparisonSide
from advisor.core.formats import fit, money
from advisor.recommender.chat import quote_passage
from advisor.worked.base import Citer, Worked, best_quote, plural, quoted
from advisor.worked.effort import names_effort
from advisor.worked.names import Mention

if TYPE_CHECKING:
    from advisor.recommender import Catalog, Stream
    from advisor.store.manifest import Manifest

COMPARE_CUE = re.compile(
    r"\bor\b|\bvs\.?\b|\bv\.?(?=\s)|\bversus\b|\bcompar\w*|\bbetter\b|\bsafer\b|\briskier\b|\bdifference"
    r"|\bwhich\b|\bbetween\b|\bagainst\b|\binstead\s+of\b|\bthan\b",
    re.IGNORECASE,
)
ROWS = (  # label, ComparisonSide field
    ("Capital to start", "capital"),
    ("Hours a week", "hours_per_week"),
    ("Risk (1-5)", "risk"),
    ("Liquidity", "liquidity"),
    ("Passivity", "passivity"),
    ("First income", "first_income"),
)
# what a question weighs ("which is safer?") and how to read it off the catalog; time
# and effort ("less hassle", "hands-off") in the words of advisor/prompts/effort.yaml
_FOCUS: tuple[tuple[Any, str, Any, str], ...] = (
    (r"\bsafe|\brisk", "risk", lambda s: s.risk, "lower risk"),
    (names_effort, "hours", lambda s: s.hours_per_week.typical, "fewer hours"),
    (
        r"\bcheap|\bmoney\s+to\s+start|\bcapital|\bafford",
        "capital",
        lambda s: s.capital.min,
        "less capital",
    ),
    (
        r"\bliquid|\bcash\s+out|\baccess",
        "liquidity",
        lambda s: {"high": 0, "medium": 1, "low": 2}[s.liquidity],
        "more liquid",
    ),
    (r"\bfast|\bsoon|\bquick", "first income", lambda s: s.months_to_first_income, "income sooner"),
)


# "spread my money over stocks, bonds and property": a question of mixing, not choosing
_MIXING = re.compile(r"\bspread|\bdiversif|\bmix\b|\bcombin|\bboth\b|\balloc", re.IGNORECASE)


def asks_comparison(text: str, found: Sequence[Mention]) -> bool:
    return (
        len(found) >= 2
        and any(m.stream for m in found)
        and bool(COMPARE_CUE.search(text))
        and not _MIXING.search(text)
    )


def _side(mention: Mention, stream: Stream | None) -> ComparisonSide:
    if stream is None:
        return ComparisonSide(name=mention.phrase)
    cap, hours = stream.capital, stream.hours_per_week
    return ComparisonSide(
        name=mention.phrase,
        stream=stream.id,
        title=stream.name,
        capital=f"{money(cap.min, 'USD')} (typical {money(cap.typical, 'USD')})",  # catalog: US$
        hours_per_week=f"{hours.min:g}-{hours.typical:g}",
        risk=f"{stream.risk}/5",
        liquidity=stream.liquidity,
        passivity=stream.passivity,
        first_income=f"about {plural(stream.months_to_first_income, 'month')}",
    )


def _table(sides: Sequence[ComparisonSide]) -> str:
    head = "| | " + " | ".join(s.title for s in sides) + " |"
    rule = "|---" * (len(sides) + 1) + "|"
    body = [
        f"| {label} | " + " | ".join(str(getattr(s, key)) for s in sides) + " |"
        for label, key in ROWS
    ]
    return "\n".join([head, rule, *body])


def _verdict(text: str, streams: Sequence[Stream], profile: dict[str, Any] | None) -> str:
    from advisor.recommender import has_facts, score_stream
    from advisor.users.profile import validate_profile

    lines: list[str] = []
    for pattern, what, key, better in _FOCUS if len(streams) > 1 else ():
        if pattern(text) if callable(pattern) else re.search(pattern, text, re.IGNORECASE):
            values = [key(s) for s in streams]
            best = [s for s, v in zip(streams, values, strict=True) if v == min(values)]
            if len(best) == len(streams):
                lines.append(f"On {what} the catalog rates them the same.")
            else:
                lines.append(f"On {what}: {' and '.join(s.name for s in best)} ({better}).")
            break
    if has_facts(profile):
        known = validate_profile(profile)
        scored = sorted((score_stream(known, s) for s in streams), key=lambda x: -x.score)
        top = scored[0]
        why = _whole_reasons([f.reason for f in top.fits if f.known and f.fit >= 0.8])
        blocked = (
            f" {top.stream.name} does not fully fit either ({', '.join(top.blocked)})."
            if top.blocked
            else ""
        )
        rest = ", ".join(f"{s.stream.name} {fit(s.score)}" for s in scored[1:])
        against = f" against {rest}" if rest else ""
        lines.append(
            f"For you, {top.stream.name} fits better (fit {fit(top.score)}/100{against})"
            f"{': ' + why if why else ''}.{blocked}"
        )
    else:
        lines.append(
            "Which fits you depends on how much you can put in, how many hours a week you "
            "have and how much risk you can carry: tell me, for example “I have $5,000 "
            "saved, 5 hours a week and prefer low risk”."
        )
    return " ".join(lines)


WHY_CHARS = 300  # the reasons a verdict gives, at most about this long


def _whole_reasons(reasons: list[str]) -> str:
    """The reasons joined by "; ", as many whole ones as fit in ``WHY_CHARS`` (at least
    one): a reason is never cut in the middle of a word ("taxed as or.")."""
    kept: list[str] = []
    for reason in reasons:
        if kept and len("; ".join([*kept, reason])) > WHY_CHARS:
            break
        kept.append(reason)
    return "; ".join(kept)


def compare(
    text: str,
    found: Sequence[Mention],
    catalog: Catalog,
    profile: dict[str, Any] | None = None,
    manifest: Manifest | None = None,
    citer: Citer | None = None,
) -> Worked:
    """The side-by-side of the streams ``found`` in ``text`` (at most four)."""
    known = [m for m in found if m.stream][:4]
    streams = [catalog.get(m.stream) for m in known if m.stream]
    sides = [_side(m, s) for m, s in zip(known, streams, strict=True)]
    citer = citer or Citer()
    quotes: list[str] = []
    for side, stream in zip(sides, streams, strict=True):
        quote = best_quote(stream)
        side.quote, side.citation = quote.text, citer.cite(quote_passage(quote, manifest))
        quotes.append(f"- {stream.name}: {quoted(quote.text, side.citation)}")
    missing = [m.phrase for m in found if not m.stream]
    parts = [_table(sides), "\n".join(quotes)]
    if missing:
        parts.append(
            f"Not in the advisor's catalog: {', '.join(missing)}, so I have no figures to set "
            f"beside {'it' if len(missing) == 1 else 'them'}."
        )
    verdict = _verdict(text, streams, profile)
    parts.append(verdict)
    comparison = Comparison(
        sides=sides + [ComparisonSide(name=m) for m in missing], verdict=verdict
    )
    return Worked(
        "comparison", "\n\n".join(parts), "catalog", passages=citer.passages, comparison=comparison
    )
