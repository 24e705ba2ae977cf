"""A preference or fact stated mid-chat ("I prefer low risk", "actually only 3 hours a
week", "what if I had $50k"): the facts it states, and the ranking before and after
with what moved and why. Nothing is saved here: the facts are offered to save, as any
facts typed in a question are."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from advisor.conversation.facts import describe, extract_facts
from advisor.core.formats import fit
from advisor.worked.base import Worked, plural
from advisor.worked.reading import read_numbers

if TYPE_CHECKING:
    from advisor.core.answers import Turn
    from advisor.recommender import Scored
    from advisor.store.manifest import Manifest

_I = re.IGNORECASE
PREFERENCE_CUE = re.compile(
    r"\bi\s*(?:'d|would)\s+(?:rather|prefer)\b|\bi\s+prefer\b|\bactually\b|\bwhat\s+if\b"
    r"|\binstead\b|\bsuppose\b|\bonly\s+(?:have\s+|had\s+|got\s+)?(?:\$|\d)|\bchange\s+of\s+plan"
    r"|\bkeep\s+(?:the\s+)?risk\b|\bnow\s+i\s+(?:have|can)\b|\bi\s+(?:don'?t|do\s+not)\s+want\b",
    _I,
)
_WHAT_IF = re.compile(
    r"\b(?:what\s+if|suppose|if)\s+i\s+(?:only\s+)?(?:had|have|got|could\s+\w+)\b", _I
)
_LOW_RISK = re.compile(
    r"\brisk\s+(?:low|lower|down|small|minimal)\b|\bless\s+risk\b|\bsafer\s+(?:options?|bets?)"
    r"|\bavoid\s+(?:\w+\s+)?risk|\bnothing\s+risky\b",
    _I,
)
_HIGH_RISK = re.compile(r"\bmore\s+risk\b|\bhigher\s+risk\b|\brisk\s+(?:is\s+)?fine\b", _I)


def stated_facts(text: str) -> dict[str, Any]:
    """The profile facts ``text`` states: :func:`advisor.conversation.facts.extract_facts` plus the
    forms a mid-chat change takes ("what if I had $50k", "keep the risk low")."""
    facts = extract_facts(text)
    if _WHAT_IF.search(text):
        numbers = read_numbers(text)
        if "capital" not in facts and (total := numbers.first("sum")) is not None:
            facts["capital"] = total.value
        monthly = numbers.first("income") or numbers.first("contribution")
        if (
            "monthly_surplus" not in facts
            and monthly is not None
            and "goal_monthly_income" not in facts
        ):
            facts["monthly_surplus"] = monthly.value
        if "hours_per_week" not in facts and numbers.hours_per_week is not None:
            facts["hours_per_week"] = round(numbers.hours_per_week, 1)
        if numbers.currency and "currency" not in facts:
            facts["currency"] = numbers.currency
    if "risk_tolerance" not in facts:
        if _LOW_RISK.search(text):
            facts["risk_tolerance"] = "low"
        elif _HIGH_RISK.search(text):
            facts["risk_tolerance"] = "high"
    # a negative sum is not a fact about the person ("what if I had -$5"): drop it
    return {k: v for k, v in facts.items() if not isinstance(v, float) or v >= 0}


def conversation_facts(turns: Sequence[Turn]) -> dict[str, Any]:
    """The facts stated in the user's earlier turns, later ones winning."""
    facts: dict[str, Any] = {}
    for turn in turns:
        if turn.role == "user":
            facts.update(stated_facts(turn.content))
    return facts


def _order(profile: dict[str, Any], *, fitting: bool = True) -> list[Scored]:
    from advisor.recommender import load_catalog, rank
    from advisor.users.profile import validate_profile

    ranked = rank(validate_profile(profile), load_catalog())
    return [s for s in ranked if s.fits_profile or not fitting]


def _place(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _why(before: Scored | None, after: Scored) -> str:
    """The attribute whose fit changed most, in the recommender's words."""
    if before is None:
        return next((f.reason for f in after.fits if f.known and f.fit >= 0.8), "it now fits")
    old = {f.attribute: f for f in before.fits}
    moved = max(
        after.fits, key=lambda f: abs(f.fit - (old[f.attribute].fit if f.attribute in old else 0.5))
    )
    return moved.reason


def moves(before: dict[str, Any], after: dict[str, Any], top: int = 3) -> list[str]:
    """What changed in the top ``top`` fitting streams, one line each."""
    old, new = _order(before), _order(after)
    old_place = {s.stream.id: i for i, s in enumerate(old, start=1)}
    old_by_id = {s.stream.id: s for s in old}
    lines: list[str] = []
    for i, s in enumerate(new[:top], start=1):
        was = old_place.get(s.stream.id)
        if was == i:
            then = old_by_id[s.stream.id].score
            if fit(then) != fit(s.score):
                change = f"fit {fit(then)} → {fit(s.score)}"
                lines.append(f"- {s.stream.name}: still {_place(i)}, {change}")
            continue
        where = "new in the list" if was is None or was > top else f"was {_place(was)}"
        why = _why(old_by_id.get(s.stream.id), s)
        lines.append(f"- {s.stream.name}: now {_place(i)} ({where}), fit {fit(s.score)}: {why}")
    kept = {s.stream.id for s in new[:top]}
    everyone = {s.stream.id: s for s in _order(after, fitting=False)}
    for s in old[:top]:
        if s.stream.id not in kept:
            now = everyone[s.stream.id]
            why = f"no longer fits: {', '.join(now.blocked)}" if now.blocked else _why(s, now)
            lines.append(f"- {s.stream.name}: out of the top {top} ({why})")
    return lines


def least_effort(before: dict[str, Any], top: int = 5) -> Worked:
    """A wish for less of the person's time ("something with less hassle"): the streams
    the recommender would suggest them, least hands-on first (upkeep hours a month once
    it runs, then hours a week to build it), with where each stood on overall fit, after
    the basics step when one is due. Nothing is stated to save, so the answer asks for
    the hours that would make it a fact."""
    from advisor.recommender import has_facts, load_catalog, suggest
    from advisor.users.profile import validate_profile

    catalog = load_catalog()
    result = suggest(validate_profile(before), top=len(catalog.streams), catalog=catalog)
    fitting = [(i, s.score, catalog.get(s.stream)) for i, s in enumerate(result.suggestions, 1)]
    calm = sorted(
        fitting, key=lambda f: (f[2].upkeep_hours_per_month, f[2].hours_per_week.typical, -f[1])
    )
    lines = [
        f"{n}. {stream.name}: {stream.passivity}, about "
        f"{plural(stream.upkeep_hours_per_month, 'hour')} a month once it runs and "
        f"{stream.hours_per_week.min:g}-{stream.hours_per_week.typical:g} hours a week "
        f"while you build it (was {_place(i)} on overall fit, {fit(score)}/100)"
        for n, (i, score, stream) in enumerate(calm[:top], start=1)
    ]
    whose = "the streams that suit you" if has_facts(before) else "the catalog's streams"
    text = (
        f"Noted: you want something that takes less of your time, so here {whose} are "
        "ordered by the hours they take, least hands-on first:\n\n"
        + "\n".join(lines)
        + "\n\nHow many hours a week could you give? Say it (for example “only 2 hours a "
        "week”) and I will re-rank everything with it."
    )
    if result.first_step:
        text = f"{result.first_step}\n\n{text}"
    return Worked("preference", text, "recommender")


def _say(value: Any) -> str:
    return f"{value:,.10g}" if isinstance(value, int | float) else str(value)


def update(
    facts: dict[str, Any],
    before: dict[str, Any],
    *,
    user: str | None = None,
    manifest: Manifest | None = None,
) -> Worked:
    """Say what changed, what moved in the ranking and why, then the new ranking."""
    from advisor.recommender import answer_for

    after = {**before, **facts}
    changed = [
        f"{k.replace('_', ' ')} {_say(before[k])} → {_say(after[k])}"
        for k in facts
        if k in before and before[k] != after[k] and k != "currency"
    ]
    head = (
        f"Noted: {describe(facts)}" + (f" (changed: {'; '.join(changed)})" if changed else "") + "."
    )
    moved = moves(before, after)
    if moved:
        head += "\n\nWhat moved in your ranking:\n" + "\n".join(moved)
    else:
        head += "\n\nYour top streams stay the same with this change."
    text, passages = answer_for(after, user=user, manifest=manifest)
    worked = Worked("preference", f"{head}\n\n{text}", "recommender", passages=list(passages))
    worked.facts = facts
    return worked
