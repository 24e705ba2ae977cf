"""Choosing the streams to suggest: the best-fitting ones, spread across asset classes,
each with its reasons, quotes, first steps and a goal plan; and the unknown facts that
would change the choice."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel, Field

from advisor.core.errors import InputError
from advisor.core.formats import fit, money, percent
from advisor.recommender.basics import check as check_basics
from advisor.recommender.calculators import months_to_goal
from advisor.recommender.catalog import Catalog, SourceQuote, Stream, load_catalog
from advisor.recommender.scoring import SAFETY, Scored, rank, share_for, weekly
from advisor.users.profile import (
    RANKING_FIELDS,
    Profile,
    missing_basics,
    validate_profile,
)

DIVERSITY_PENALTY = 12.0  # points per stream of the same asset class already suggested
MAX_PER_CLASS = 2  # while streams of other classes still fit

DISCLAIMER = (
    "General education drawn from the cited articles, not financial advice. Catalog "
    "figures are rough, dated ranges from named sources (listed in docs/catalog.md), not "
    "promises; check fees, taxes and your own circumstances before putting money in."
)


class Suggestion(BaseModel):
    stream: str
    name: str
    score: float  # 0-100, the weighted fit; the order may differ to diversify
    reasons: list[str]
    citations: list[SourceQuote]
    first_steps: list[str]


class Suggestions(BaseModel):
    suggestions: list[Suggestion]
    missing: list[str]  # unknown profile fields that would change the suggestions
    disclaimer: str
    # the basics before any stream (build the buffer, pay the debt) with the reason, or
    # what to check first when they are not known; None when they hold
    first_step: str | None = None
    basics: list[str] = Field(default_factory=list)  # the steps still to take


def _score(s: Scored) -> float:
    return s.score


def _fit_of(s: Scored, attribute: str) -> float:
    return next((f.fit for f in s.fits if f.attribute == attribute), 1.0)


def _safer_above(candidate: Scored, left: list[Scored]) -> bool:
    """Whether a higher-scoring stream fits risk, volatility, liquidity or horizon better:
    diversification never moves ``candidate`` above such a stream."""
    return any(
        other.score > candidate.score
        and any(_fit_of(other, a) > _fit_of(candidate, a) for a in SAFETY)
        for other in left
    )


def _diversify(fitting: list[Scored], top: int, catalog: Catalog) -> list[Scored]:
    """Pick ``top`` streams, preferring asset classes not yet picked (and saying so)."""
    left = list(fitting)
    picked: list[Scored] = []
    while left and len(picked) < top:
        used = Counter(p.stream.asset_class for p in picked)
        open_classes = {
            c.stream.asset_class for c in left if used[c.stream.asset_class] < MAX_PER_CLASS
        }
        eligible = [c for c in left if used[c.stream.asset_class] < MAX_PER_CLASS] or left
        order = sorted(
            eligible, key=lambda c: -(c.score - DIVERSITY_PENALTY * used[c.stream.asset_class])
        )
        best = next((c for c in order if not _safer_above(c, left)), max(left, key=_score))
        label = catalog.asset_classes[best.stream.asset_class]
        skipped = [c for c in left if c.score > best.score]
        if skipped:
            names = ", ".join(f"{c.stream.name} ({fit(c.score)})" for c in skipped[:2])
            best.extra.append(
                f"diversification: listed ahead of {names}, which score higher but belong to "
                "an asset class already suggested; spreading income across classes "
                "means one setback does not stop all of it"
            )
        if used[best.stream.asset_class]:
            first = next(p for p in picked if p.stream.asset_class == best.stream.asset_class)
            why = (
                "nothing from another asset class fits your profile"
                if not (open_classes - {best.stream.asset_class})
                else "it still fits clearly better than the other asset classes left"
            )
            best.extra.append(
                f"diversification: another {label} stream like {first.stream.name}; {why}"
            )
        picked.append(best)
        left.remove(best)
    return picked


def _picks(profile: Profile, top: int, catalog: Catalog) -> list[Scored]:
    return _diversify([s for s in rank(profile, catalog) if s.fits_profile], top, catalog)


# Values tried for an unknown field to see whether knowing it would change the answer.
_PROBES: dict[str, list[Any]] = {
    "capital": [0.0, 2_000.0, 50_000.0, 500_000.0],
    "hours_per_week": [0.0, 3.0, 10.0, 30.0],
    "risk_tolerance": ["low", "medium", "high"],
    "skills": [["writing"], ["coding"], ["property"], ["marketing"], ["teaching"], ["design"]],
    "monthly_surplus": [0.0, 300.0, 3_000.0],
    "goal_monthly_income": [200.0, 2_000.0, 10_000.0],
    "horizon_years": [1.0, 5.0, 20.0],
}


def _missing_that_matter(
    profile: Profile, top: int, catalog: Catalog, base: list[str]
) -> list[str]:
    out = missing_basics(profile)  # asked first: they decide whether to invest at all
    for name in (n for n in RANKING_FIELDS if getattr(profile, n) in (None, [])):
        for value in _PROBES[name]:
            variant = profile.model_copy(update={name: value})
            if [s.stream.id for s in _picks(variant, top, catalog)] != base:
                out.append(name)
                break
    return out


def nothing_fits(profile: Profile, ranked: list[Scored]) -> str:
    """Why nothing fits, and the smallest changes that would make something fit."""
    cur = profile.currency
    changes = []
    by_capital = [s for s in ranked if s.blocked == ["capital"]]
    if by_capital:
        need = min(s.stream.capital.min for s in by_capital)
        names = [s.stream.name for s in by_capital if s.stream.capital.min == need]
        changes.append(
            f"about {money(need, cur)} to invest, or a monthly surplus that saves it "
            f"within a year, would open {', '.join(names)}"
        )
    by_time = [s for s in ranked if s.blocked == ["time"]]
    if by_time:
        hours = min(s.stream.hours_per_week.min for s in by_time)
        names = [s.stream.name for s in by_time if s.stream.hours_per_week.min == hours]
        changes.append(f"{weekly(hours)} of free time would open {', '.join(names)}")
    by_risk = [s for s in ranked if s.blocked == ["risk"]]
    if by_risk:
        changes.append(f"accepting more risk would open {by_risk[0].stream.name}")
    by_falls = [s for s in ranked if s.blocked == ["volatility"]]
    if by_falls:
        changes.append(
            "money needed within two years belongs where it cannot fall; a longer horizon "
            f"would open {by_falls[0].stream.name}"
        )
    by_share = [s for s in ranked if s.blocked == ["concentration"]]
    if by_share:
        first = min(by_share, key=lambda s: s.stream.capital.min)
        changes.append(
            f"{money(first.stream.capital.min / share_for(first.stream), cur)}, so that "
            f"{first.stream.name} is at most half of your money, would open it"
        )
    if any("basics" in s.blocked for s in ranked) and not changes:
        changes.append("the basics first (the emergency fund and costly debt) would open more")
    if not changes:
        both = min(ranked, key=lambda s: (s.stream.capital.min, s.stream.hours_per_week.min))
        changes.append(
            f"{money(both.stream.capital.min, cur)} and "
            f"{weekly(both.stream.hours_per_week.min)} would open {both.stream.name}"
        )
    return (
        "Nothing fits yet: each stream needs more money, free time or risk than your "
        "profile allows. What would change that: " + "; ".join(changes) + "."
    )


def suggest(profile: Profile, top: int = 5, catalog: Catalog | None = None) -> Suggestions:
    """The best-fitting streams for ``profile``, each with reasons, quotes and first steps."""
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise InputError(f"top must be a whole number of at least 1, not {top!r}")
    catalog = catalog or load_catalog()
    profile = validate_profile(profile)
    picks = _picks(profile, top, catalog)
    missing = _missing_that_matter(profile, top, catalog, [s.stream.id for s in picks])
    disclaimer = DISCLAIMER
    if profile.currency != "USD":
        disclaimer += (
            f" Catalog amounts are rough US-dollar figures, compared one to one with "
            f"your {profile.currency} amounts."
        )
    if not picks:
        disclaimer = nothing_fits(profile, rank(profile, catalog)) + " " + disclaimer
    suggestions = []
    for s in picks:
        reasons = s.reasons()
        reasons.append(f"typical return: {s.stream.returns.describe()}")
        plan = _goal_plan(profile, s.stream)
        if plan:
            reasons.append(plan)
        suggestions.append(
            Suggestion(
                stream=s.stream.id,
                name=s.stream.name,
                score=s.score,
                reasons=reasons,
                citations=list(s.stream.quotes),
                first_steps=list(s.stream.first_steps),
            )
        )
    basics = check_basics(profile, catalog)
    return Suggestions(
        suggestions=suggestions,
        missing=missing,
        disclaimer=disclaimer,
        first_step=basics.first_step(),
        basics=basics.steps,
    )


def _goal_plan(p: Profile, s: Stream) -> str | None:
    """How long the stream's share of the money takes to reach the goal, compounding at
    its total return; the yield (or withdrawal rate) only sets what can be spent."""
    if s.returns.unit != "annual_yield" or not p.goal_monthly_income or p.capital is None:
        return None
    share = share_for(s)
    start = p.capital * share
    contribution = (p.monthly_surplus or 0.0) * share
    spend, total = s.returns.mid, s.returns.total_mid
    projection = months_to_goal(
        p.goal_monthly_income, spend, contribution, start, annual_growth=max(0.0, total - spend)
    )
    cur = p.currency
    what = (
        f"with {money(start, cur)} now and {money(contribution, cur)} a month, growing at "
        f"about {percent(max(total, spend))} a year in all and then spending "
        f"{percent(spend)} a year"
    )
    assumed = (
        "this plan assumes all of your savings and surplus go into this one stream"
        if share == 1
        else f"it assumes {share:.0%} of your savings and surplus, the most one single "
        "stream should hold"
    )
    goal = money(p.goal_monthly_income, cur)
    if projection.months is None:
        return f"goal plan: {what}, {goal} a month takes over 100 years; {assumed}"
    years = projection.months / 12
    return (
        f"goal plan: {what}, {goal} a month takes about {years:.1f} years "
        f"({projection.months} months; no taxes, fees or inflation; returns are not "
        f"guaranteed); {assumed}"
    )
