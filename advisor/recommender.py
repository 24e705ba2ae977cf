"""Which passive-income streams suit a person, why, and what it would take.

The catalog (``corpus/streams.yaml``) describes each stream; a :class:`Profile` says
what the person has. Each attribute gets a fit in [0, 1] and a one-line reason; the
score is their weighted mean on a 0-100 scale, so every number can be explained:

    capital 3, free time 3, risk 3, skills 2, goal 2, horizon 1, liquidity 1, passivity 1

An unknown fact is never read as zero: it scores 0.5 where the stream makes a demand
on it (1 where it makes none), and facts that could change the ranking are listed as
``missing``. A stream that needs more money or hours than the person has (after up to
a year of saving the monthly surplus), or is two or more risk steps above their
tolerance, does not *fit*; only fitting streams are suggested. Every fit is
non-decreasing in capital and in free hours, so more of either never lowers a score.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from advisor import prompts
from advisor.calculators import capital_needed, future_value, months_to_goal
from advisor.errors import InputError
from advisor.profile import RANKING_FIELDS, Profile, missing_fields, validate_profile
from advisor.settings import DEFAULT_CORPUS

if TYPE_CHECKING:
    from advisor.embeddings import Embedder, Vector
    from advisor.models import Passage
    from advisor.store.manifest import Manifest

CATALOG_PATH = DEFAULT_CORPUS / "streams.yaml"

WEIGHTS = {
    "capital": 3.0,
    "time": 3.0,
    "risk": 3.0,
    "skills": 2.0,
    "goal": 2.0,
    "horizon": 1.0,
    "liquidity": 1.0,
    "passivity": 1.0,
}
RISK_LIMIT = {"low": 2, "medium": 3, "high": 5}  # highest catalog risk (1-5) each accepts
RISK_FIT = {0: 1.0, 1: 0.5, 2: 0.15}  # by steps above the limit; 3 or more: 0
PASSIVITY_FIT = {"passive": 1.0, "semi-passive": 0.7, "active": 0.4}
SCALE_FIT = {"high": 0.9, "medium": 0.6, "low": 0.3}
SAVING_MONTHS = 12  # a surplus saved for up to a year counts towards the capital
DEFAULT_GOAL_YEARS = 10  # horizon assumed for the goal projection when none is given
DIVERSITY_PENALTY = 12.0  # points per stream of the same asset class already suggested
MAX_PER_CLASS = 2  # while streams of other classes still fit

DISCLAIMER = (
    "General education drawn from the cited articles, not financial advice. Figures "
    "marked 'common knowledge' are rough rules of thumb, not promises; check fees, "
    "taxes and your own circumstances before putting money in."
)

Level = Literal["low", "medium", "high"]


# -- the catalog -----------------------------------------------------------------


class SourceQuote(BaseModel):
    source: str  # corpus file name, as in a Passage
    text: str  # exact text of the cleaned article


class Range(BaseModel):
    min: float = Field(ge=0)
    typical: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.typical < self.min:
            raise ValueError("typical must be at least min")
        return self


class Returns(BaseModel):
    low: float
    high: float
    unit: Literal["annual_yield", "share_of_sale", "commission", "per_1000_views"]
    what: str
    source: str

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2

    def describe(self) -> str:
        if self.unit == "per_1000_views":
            span = f"${self.low:g}-${self.high:g}"
        else:
            span = f"{self.low:.0%}-{self.high:.0%}"
        return f"{span} {self.what} ({self.source})"


class Stream(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    asset_class: str
    capital: Range
    setup_effort: Level
    hours_per_week: Range
    risk: int = Field(ge=1, le=5)
    liquidity: Level
    skills: list[str] = Field(default_factory=list)
    skills_needed: list[str] = Field(default_factory=list)
    months_to_first_income: float = Field(ge=0)
    scalability: Level
    passivity: Literal["active", "semi-passive", "passive"]
    returns: Returns
    notes: str = ""
    quotes: list[SourceQuote] = Field(min_length=1)
    first_steps: list[str] = Field(min_length=1)


class Catalog(BaseModel):
    asset_classes: dict[str, str]
    skill_aliases: dict[str, str] = Field(default_factory=dict)
    streams: list[Stream] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        ids = [s.id for s in self.streams]
        if len(ids) != len(set(ids)):
            raise ValueError("stream ids must be unique")
        for s in self.streams:
            if s.asset_class not in self.asset_classes:
                raise ValueError(f"{s.id}: unknown asset_class {s.asset_class!r}")
        return self

    def get(self, stream_id: str) -> Stream:
        for s in self.streams:
            if s.id == stream_id:
                return s
        raise InputError(f"unknown stream {stream_id!r}: use one of {', '.join(self.ids())}")

    def ids(self) -> list[str]:
        return [s.id for s in self.streams]


@cache
def _load_cached(path: Path) -> Catalog:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Catalog.model_validate(data)
    except FileNotFoundError:
        raise InputError(f"stream catalog not found: {path}") from None
    except (yaml.YAMLError, ValidationError) as exc:
        raise InputError(f"{path.name} is not a valid catalog: {str(exc).splitlines()[0]}") from exc


def load_catalog(path: Path | None = None) -> Catalog:
    """The stream catalog, read once per path."""
    return _load_cached((path or CATALOG_PATH).resolve())


# -- the answer shape ------------------------------------------------------------


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


# -- scoring ---------------------------------------------------------------------


@dataclass
class Fit:
    attribute: str
    fit: float  # 0..1
    reason: str
    short: str = ""  # a few words for the one-line why; "" = not worth saying
    known: bool = True


@dataclass
class Scored:
    stream: Stream
    score: float
    fits: list[Fit]
    blocked: list[str] = field(default_factory=list)  # capital, time, risk: hard misfits
    extra: list[str] = field(default_factory=list)  # reasons added while ranking

    @property
    def fits_profile(self) -> bool:
        return not self.blocked

    def reasons(self) -> list[str]:
        out = []
        for f in self.fits:
            tag = (
                "unknown"
                if not f.known
                else ("fit" if f.fit >= 0.8 else "partial fit" if f.fit >= 0.45 else "misfit")
            )
            out.append(f"{tag} ({f.attribute}): {f.reason}")
        return out + self.extra


def _ramp(have: float, least: float, typical: float) -> float:
    """0.6 at the least that works, 1 at a comfortable amount, falling to 0 below."""
    if have >= typical:
        return 1.0
    if have >= least:
        return 0.6 + 0.4 * (have - least) / (typical - least)
    return 0.6 * have / least


def _money(amount: float, currency: str) -> str:
    if currency == "USD":
        return f"${amount:,.0f}"
    return f"{amount:,.0f} {currency}"


def _hours(h: float) -> str:
    return f"{h:g} hour{'s' if h != 1 else ''} a week"


def _available(p: Profile) -> float | None:
    if p.capital is None:
        return None
    months = SAVING_MONTHS
    if p.horizon_years is not None:
        months = min(SAVING_MONTHS, int(p.horizon_years * 12))
    return p.capital + (p.monthly_surplus or 0.0) * months


def _fit_capital(p: Profile, s: Stream) -> Fit:
    need = s.capital
    cur = p.currency
    if need.typical == 0:
        return Fit("capital", 1.0, "needs next to no money to start", "needs no money")
    wants = (
        f"it starts from {_money(need.min, cur)}, a sensible start is {_money(need.typical, cur)}"
    )
    have = _available(p)
    if have is None:
        return Fit("capital", 0.5, f"{wants}; your capital is not known", known=False)
    fit = _ramp(have, need.min, need.typical)
    owned = f"you have {_money(p.capital or 0.0, cur)}"
    if have > (p.capital or 0.0):
        owned += (
            f" and save {_money(p.monthly_surplus or 0.0, cur)} a month "
            f"({_money(have, cur)} within a year)"
        )
    if have < need.min:
        return Fit("capital", fit, f"{wants}; {owned}", f"needs {_money(need.min, cur)}+")
    return Fit("capital", fit, f"{wants}; {owned}", "your money covers it" if fit >= 0.8 else "")


def _fit_time(p: Profile, s: Stream) -> Fit:
    need = s.hours_per_week
    effort = {"low": "little", "medium": "some", "high": "a lot of"}[s.setup_effort]
    wants = f"it takes {need.min:g}-{need.typical:g} hours a week, with {effort} set-up work"
    if need.typical == 0:
        return Fit("free time", 1.0, "takes next to no time once set up", "takes no time")
    if p.hours_per_week is None:
        return Fit("free time", 0.5, f"{wants}; your free hours are not known", known=False)
    fit = _ramp(p.hours_per_week, need.min, need.typical)
    have = f"you have {_hours(p.hours_per_week)}"
    if p.hours_per_week < need.min:
        return Fit("free time", fit, f"{wants}; {have}", f"needs {_hours(need.min)}")
    short = f"fits {_hours(p.hours_per_week)}" if fit >= 0.8 else ""
    return Fit("free time", fit, f"{wants}; {have}", short)


def _risk_fit(tolerance: str, risk: int) -> float:
    return RISK_FIT.get(risk - RISK_LIMIT[tolerance], 1.0 if risk <= RISK_LIMIT[tolerance] else 0.0)


def _fit_risk(p: Profile, s: Stream) -> Fit:
    level = {1: "very low", 2: "low", 3: "medium", 4: "high", 5: "very high"}[s.risk]
    about = f"risk to the money put in is {level} ({s.risk}/5)"
    if s.notes:
        about += f": {s.notes[0].lower()}{s.notes[1:].rstrip('.')}"
    if p.risk_tolerance is None:
        mean = sum(_risk_fit(t, s.risk) for t in RISK_LIMIT) / len(RISK_LIMIT)
        return Fit("risk", mean, f"{about}; your risk tolerance is not known", known=False)
    fit = _risk_fit(p.risk_tolerance, s.risk)
    if fit >= 1:
        return Fit(
            "risk",
            fit,
            f"{about}; within your {p.risk_tolerance} tolerance",
            "within your risk tolerance",
        )
    return Fit(
        "risk", fit, f"{about}; above your {p.risk_tolerance} tolerance", "riskier than you want"
    )


def _canon_skills(skills: Sequence[str], catalog: Catalog) -> set[str]:
    known = {k for s in catalog.streams for k in s.skills + s.skills_needed}
    out: set[str] = set()
    for skill in skills:
        out.add(catalog.skill_aliases.get(skill, skill))
        for word in re.split(r"[\s/-]+", skill):  # "technical writing" -> writing
            word = catalog.skill_aliases.get(word, word)
            if word in known:
                out.add(word)
    return out


def _fit_skills(p: Profile, s: Stream, catalog: Catalog) -> Fit:
    have = _canon_skills(p.skills, catalog)
    helps = sorted(have & set(s.skills_needed + s.skills))
    if not s.skills_needed:
        if helps:
            return Fit("skills", 1.0, f"no special skill needed; your {', '.join(helps)} helps")
        return Fit("skills", 1.0, "no special skill needed")
    need = " or ".join(s.skills_needed)
    if not p.skills:
        return Fit("skills", 0.5, f"it needs {need}; your skills are not known", known=False)
    matched = sorted(have & set(s.skills_needed))
    if matched:
        return Fit(
            "skills",
            1.0,
            f"it needs {need}; you have {', '.join(matched)}",
            f"uses your {', '.join(matched)}",
        )
    if helps:
        return Fit(
            "skills",
            0.6,
            f"it needs {need}; your {', '.join(helps)} helps but is not enough on its own",
        )
    return Fit("skills", 0.2, f"it needs {need}, which is not among your skills", f"needs {need}")


def _goal_months(p: Profile) -> int:
    years = p.horizon_years if p.horizon_years is not None else DEFAULT_GOAL_YEARS
    return max(1, round(years * 12))


def _fit_goal(p: Profile, s: Stream) -> Fit | None:
    goal = p.goal_monthly_income
    if goal is None or goal == 0:
        return None
    cur = p.currency
    if s.returns.unit != "annual_yield":
        scale = {
            "high": "reach, not money: it can grow far",
            "medium": "reach, within limits",
            "low": "little",
        }[s.scalability]
        return Fit(
            "goal",
            SCALE_FIT[s.scalability],
            f"income grows with {scale} ({s.scalability} sphere of influence); "
            f"reaching {_money(goal, cur)} a month depends on the audience you build",
        )
    rate = s.returns.mid
    need = capital_needed(goal, rate)
    wants = f"{_money(goal, cur)} a month at about {rate:.1%} a year needs {_money(need, cur)}"
    if p.capital is None:
        return Fit("goal", 0.5, f"{wants}; your capital is not known", known=False)
    months = _goal_months(p)
    grown = future_value(p.capital, p.monthly_surplus or 0.0, rate, months)
    income = grown * rate / 12
    fit = min(1.0, income / goal)
    years = "" if p.horizon_years is not None else f" (assuming {DEFAULT_GOAL_YEARS} years)"
    return Fit(
        "goal",
        fit,
        f"{wants}; with your capital and surplus reinvested it would pay "
        f"about {_money(income, cur)} a month after {months / 12:g} years{years}",
        "can reach your goal" if fit >= 1 else "",
    )


def _fit_horizon(p: Profile, s: Stream) -> Fit | None:
    if p.horizon_years is None:
        return None
    have = p.horizon_years * 12
    first = s.months_to_first_income
    text = (
        f"first income after about {first:g} month{'s' if first != 1 else ''}; "
        f"your horizon is {p.horizon_years:g} years"
    )
    if first <= have:
        return Fit("horizon", 1.0, text, "pays within your horizon")
    return Fit("horizon", have / first if first else 1.0, text, "pays too late")


def _fit_liquidity(p: Profile, s: Stream) -> Fit | None:
    if p.horizon_years is None:
        return None
    years = p.horizon_years
    table = (
        {"high": 1.0, "medium": 0.5, "low": 0.1}
        if years < 2
        else {"high": 1.0, "medium": 0.8, "low": 0.5}
        if years < 5
        else {"high": 1.0, "medium": 1.0, "low": 1.0}
    )
    said = {
        "high": "cash within days",
        "medium": "cash within weeks or months",
        "low": "hard to turn back into cash quickly",
    }[s.liquidity]
    return Fit("liquidity", table[s.liquidity], f"{said}; your horizon is {years:g} years")


def _fit_passivity(s: Stream) -> Fit:
    said = {
        "passive": "passive once set up",
        "semi-passive": "semi-passive: it keeps needing some of your time",
        "active": "close to active income: it pays while you work on it",
    }
    scale = {
        "high": "scales with reach, not hours",
        "medium": "scales within limits",
        "low": "scales only with the money put in",
    }[s.scalability]
    return Fit(
        "passivity",
        PASSIVITY_FIT[s.passivity],
        f"{said[s.passivity]}; {scale}",
        "passive once set up" if s.passivity == "passive" else "",
    )


def score_stream(profile: Profile, stream: Stream, catalog: Catalog | None = None) -> Scored:
    """One stream's fit for one profile, with the reason behind each part."""
    catalog = catalog or load_catalog()
    fits: list[tuple[str, Fit]] = [
        ("capital", _fit_capital(profile, stream)),
        ("time", _fit_time(profile, stream)),
        ("risk", _fit_risk(profile, stream)),
        ("skills", _fit_skills(profile, stream, catalog)),
    ]
    for key, maybe in (
        ("goal", _fit_goal(profile, stream)),
        ("horizon", _fit_horizon(profile, stream)),
        ("liquidity", _fit_liquidity(profile, stream)),
    ):
        if maybe is not None:
            fits.append((key, maybe))
    fits.append(("passivity", _fit_passivity(stream)))
    total = sum(WEIGHTS[k] for k, _ in fits)
    score = round(100 * sum(WEIGHTS[k] * f.fit for k, f in fits) / total, 1)
    blocked = []
    have = _available(profile)
    if have is not None and have < stream.capital.min:
        blocked.append("capital")
    if profile.hours_per_week is not None and profile.hours_per_week < stream.hours_per_week.min:
        blocked.append("time")
    if profile.risk_tolerance is not None and stream.risk - RISK_LIMIT[profile.risk_tolerance] >= 2:
        blocked.append("risk")
    return Scored(stream, score, [f for _, f in fits], blocked)


def rank(profile: Profile, catalog: Catalog | None = None) -> list[Scored]:
    """Every stream, fitting ones first, then by score (ties keep catalog order)."""
    catalog = catalog or load_catalog()
    scored = [score_stream(profile, s, catalog) for s in catalog.streams]
    return sorted(scored, key=lambda x: (len(x.blocked), -x.score))


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
        best = max(eligible, key=lambda c: c.score - DIVERSITY_PENALTY * used[c.stream.asset_class])
        label = catalog.asset_classes[best.stream.asset_class]
        skipped = [c for c in left if c.score > best.score]
        if skipped:
            names = ", ".join(f"{c.stream.name} ({c.score:g})" for c in skipped[:2])
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
    out = []
    for name in missing_fields(profile):
        for value in _PROBES[name]:
            variant = profile.model_copy(update={name: value})
            if [s.stream.id for s in _picks(variant, top, catalog)] != base:
                out.append(name)
                break
    return out


def _nothing_fits(profile: Profile, ranked: list[Scored]) -> str:
    """Why nothing fits, and the smallest changes that would make something fit."""
    cur = profile.currency
    changes = []
    by_capital = [s for s in ranked if s.blocked == ["capital"]]
    if by_capital:
        need = min(s.stream.capital.min for s in by_capital)
        names = [s.stream.name for s in by_capital if s.stream.capital.min == need]
        changes.append(
            f"about {_money(need, cur)} to invest, or a monthly surplus that saves it "
            f"within a year, would open {', '.join(names)}"
        )
    by_time = [s for s in ranked if s.blocked == ["time"]]
    if by_time:
        hours = min(s.stream.hours_per_week.min for s in by_time)
        names = [s.stream.name for s in by_time if s.stream.hours_per_week.min == hours]
        changes.append(f"{_hours(hours)} of free time would open {', '.join(names)}")
    by_risk = [s for s in ranked if s.blocked == ["risk"]]
    if by_risk:
        changes.append(f"accepting more risk would open {by_risk[0].stream.name}")
    if not changes:
        both = min(ranked, key=lambda s: (s.stream.capital.min, s.stream.hours_per_week.min))
        changes.append(
            f"{_money(both.stream.capital.min, cur)} and "
            f"{_hours(both.stream.hours_per_week.min)} would open {both.stream.name}"
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
        disclaimer = _nothing_fits(profile, rank(profile, catalog)) + " " + disclaimer
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
    return Suggestions(suggestions=suggestions, missing=missing, disclaimer=disclaimer)


def _goal_plan(p: Profile, s: Stream) -> str | None:
    """How long reinvesting would take to reach the goal, for streams that pay a yield."""
    if s.returns.unit != "annual_yield" or not p.goal_monthly_income or p.capital is None:
        return None
    contribution = p.monthly_surplus or 0.0
    projection = months_to_goal(p.goal_monthly_income, s.returns.mid, contribution, p.capital)
    cur = p.currency
    what = (
        f"with {_money(p.capital, cur)} now and {_money(contribution, cur)} a month, "
        f"reinvesting at about {s.returns.mid:.1%}"
    )
    if projection.months is None:
        return (
            f"goal plan: {what}, {_money(p.goal_monthly_income, cur)} a month takes over 100 years"
        )
    years = projection.months / 12
    return (
        f"goal plan: {what}, {_money(p.goal_monthly_income, cur)} a month takes about "
        f"{years:.1f} years ({projection.months} months; no taxes, fees or inflation)"
    )


# -- text for people -------------------------------------------------------------


def _why(scored: Scored) -> str:
    good = [f.short for f in scored.fits if f.known and f.fit >= 0.8 and f.short]
    bad = [f.short for f in scored.fits if f.known and f.fit < 0.45 and f.short]
    text = ", ".join(good[:3]) or "a fair all-round fit"
    if bad:
        text += "; but " + bad[0]
    return text[0].upper() + text[1:]


def render(result: Suggestions, *, user: str | None = None) -> str:
    """The full text report ``advisor suggest`` prints."""
    lines: list[str] = []
    if not result.suggestions:
        lines.append(result.disclaimer)
    for i, s in enumerate(result.suggestions, start=1):
        lines.append(f"{i}. {s.name}  (fit {s.score:g}/100)")
        lines.extend(f"   - {r}" for r in s.reasons)
        lines.append("   Sources:")
        lines.extend(f"     “{c.text}” ({c.source})" for c in s.citations)
        lines.append("   First steps:")
        lines.extend(f"     {n}. {step}" for n, step in enumerate(s.first_steps, start=1))
        lines.append("")
    if result.missing:
        lines.append(_missing_line(result.missing, user))
    if result.suggestions:
        lines.append(result.disclaimer)
    return "\n".join(lines).strip()


_EXAMPLES = {
    "capital": "5000",
    "hours_per_week": "5",
    "risk_tolerance": "medium",
    "skills": '"writing, teaching"',
    "monthly_surplus": "300",
    "goal_monthly_income": "1000",
    "horizon_years": "10",
}


def _missing_line(missing: Sequence[str], user: str | None) -> str:
    who = user or "ID"
    shown = ", ".join(m.replace("_", " ") for m in missing)
    first = missing[0]
    return (
        f"Knowing your {shown} could change these suggestions: set them with "
        f"`advisor profile --user {who} set {first} {_EXAMPLES[first]}`."
    )


def _passage(quote: SourceQuote, stream: Stream, index: Manifest | None) -> Passage:
    """The stored library chunk that holds the quote, or the quote itself."""
    from advisor.models import Passage

    if index is not None:
        from advisor.store import LIBRARY

        rows = index.get(sorted(index.chunk_ids(LIBRARY, quote.source)))
        for row in sorted(rows.values(), key=lambda r: r.ord):
            if quote.text in row.text:
                return Passage(
                    id=row.id, text=row.text, source=row.source, title=row.title, doc_id=row.doc_id
                )
    return Passage(
        id=f"stream:{stream.id}",
        text=quote.text,
        source=quote.source,
        title=_titles().get(quote.source, quote.source),
        doc_id=quote.source,
    )


@cache
def _titles() -> dict[str, str]:
    from advisor.corpus import corpus_files, load_article

    return {p.name: load_article(p).title for p in corpus_files(DEFAULT_CORPUS)}


def has_facts(profile: Profile | dict[str, Any] | None) -> bool:
    """Whether a profile says anything the recommender can use."""
    return profile is not None and not validate_profile(profile).is_empty()


# How a person would state each fact in the chat (advisor.facts reads these forms).
_SAY = {
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
    fields = ", ".join(f.replace("_", " ") for f in RANKING_FIELDS)
    return (
        "To say which streams suit you I need a few facts about you: "
        f"{fields}. Tell me in a sentence, for example “I have $5,000 saved, 5 hours a "
        "week and prefer low risk”, and I will rank the streams at once. Any you leave "
        "out count as unknown."
    )


def _missing_chat_line(missing: Sequence[str]) -> str:
    shown = ", ".join(m.replace("_", " ") for m in missing)
    return (
        f"Knowing your {shown} could change these suggestions: tell me, for example "
        f"“{_SAY[missing[0]]}”."
    )


def answer_for(
    profile: Profile | dict[str, Any] | None,
    *,
    user: str | None = None,
    top: int = 3,
    index: Manifest | None = None,
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
    if not result.suggestions:
        lines.append(_nothing_fits(known, rank(known, catalog)))
    else:
        lines.append("Streams that suit your profile, best fit first:")
    for i, s in enumerate(result.suggestions, start=1):
        scored = by_id[s.stream]
        quote = s.citations[0]
        passages.append(_passage(quote, scored.stream, index))
        lines.append("")
        lines.append(f"{i}. {s.name} (fit {s.score:g}/100). {_why(scored)}.")
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
    from advisor.calculators import passivity

    parts = []
    for src in p.income_sources:
        if src.hours_per_month is None or not src.monthly_income:
            parts.append(f"{src.name} (hours or income not known)")
            continue
        rated = passivity(src.hours_per_month, src.monthly_income)
        parts.append(
            f"{src.name}: {rated.label}, {rated.hours_per_100:.2g} hours a month per 100 "
            f"{p.currency} of income"
        )
    return "Your current income: " + "; ".join(parts) + "."


# -- is this a "which streams suit me?" question ---------------------------------

_FIRST_PERSON = re.compile(r"\b(i|i'm|i’m|i've|i’ve|me|my|mine|myself|we|our|us)\b", re.IGNORECASE)
INTENT_MARGIN = 0.06
INTENT_FLOOR = 0.5


_anchor_cache: dict[tuple[str, int], tuple[Vector, Vector]] = {}


def _intent_anchors(embedder: Embedder) -> tuple[Vector, Vector]:
    """The example matrices, embedded once per embedding model."""
    key = (embedder.name, embedder.dimension)
    if key not in _anchor_cache:
        anchors = prompts.data("suggest_intent.yaml")
        general = anchors["explain"] + prompts.data("guard_anchors.yaml")["in_scope"]
        _anchor_cache[key] = (embedder.embed(anchors["suggest"]), embedder.embed(general))
    return _anchor_cache[key]


def wants_suggestions(question: str, vector: Vector, embedder: Embedder) -> bool:
    """A request for personal stream suggestions: it speaks in the first person and is
    clearly closer to the suggestion examples than to general questions about the
    domain (the ``explain`` examples and the guard's in-scope ones)."""
    if not _FIRST_PERSON.search(question):
        return False
    suggest_m, explain_m = _intent_anchors(embedder)
    best_suggest = float((suggest_m @ vector).max())
    best_explain = float((explain_m @ vector).max())
    return best_suggest >= INTENT_FLOOR and best_suggest > best_explain + INTENT_MARGIN
