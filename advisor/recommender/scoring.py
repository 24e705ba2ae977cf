"""Scoring one stream against one profile: a fit in [0, 1] and a reason for each
attribute, their weighted mean on a 0-100 scale, and the hard misfits that keep a
stream from being suggested."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from advisor.core.formats import money, percent
from advisor.recommender.basics import CALM_YEARS, NO_FALLS_YEARS
from advisor.recommender.basics import check as check_basics
from advisor.recommender.calculators import capital_needed, future_value
from advisor.recommender.catalog import Catalog, Stream, load_catalog
from advisor.users.profile import Profile

WEIGHTS = {
    "capital": 3.0,
    "time": 3.0,
    "risk": 3.0,
    "skills": 2.0,
    "goal": 2.0,
    "horizon": 1.0,
    "volatility": 2.0,
    "liquidity": 1.0,
    "passivity": 1.0,
}
RISK_LIMIT = {"low": 2, "medium": 3, "high": 5}  # highest catalog risk (1-5) each accepts
RISK_FIT = {0: 1.0, 1: 0.5, 2: 0.15}  # by steps above the limit; 3 or more: 0
PASSIVITY_FIT = {"passive": 1.0, "semi-passive": 0.7, "active": 0.4}
SCALE_FIT = {"high": 0.9, "medium": 0.6, "low": 0.3}
SAVING_MONTHS = 12  # a surplus saved for up to a year counts towards the capital
# Money needed soon must not sit in what can fall: streams of risk VOLATILE and above are
# excluded for a horizon under NO_FALLS_YEARS and penalised up to CALM_YEARS.
VOLATILE = 3
# The most of a person's money one undiversified stream may take; a fund spreads its
# own risk and may take all of it (a plan that assumes all of it says so).
MAX_SHARE = 0.5
SAFETY = ("risk", "volatility", "liquidity", "horizon")  # attributes diversity never overrides
DEFAULT_GOAL_YEARS = 10  # horizon assumed for the goal projection when none is given


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


def weekly(h: float) -> str:
    return f"{h:g} hour{'s' if h != 1 else ''} a week"


def share_for(s: Stream) -> float:
    """The largest share of a person's money a plan may put into ``s``."""
    return 1.0 if s.diversified else MAX_SHARE


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
    wants = f"it starts from {money(need.min, cur)}, a sensible start is {money(need.typical, cur)}"
    have = _available(p)
    if have is None:
        return Fit("capital", 0.5, f"{wants}; your capital is not known", known=False)
    fit = _ramp(have, need.min, need.typical)
    owned = f"you have {money(p.capital or 0.0, cur)}"
    if have > (p.capital or 0.0):
        owned += (
            f" and save {money(p.monthly_surplus or 0.0, cur)} a month "
            f"({money(have, cur)} within a year)"
        )
    if have < need.min:
        return Fit("capital", fit, f"{wants}; {owned}", f"needs {money(need.min, cur)}+")
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
    have = f"you have {weekly(p.hours_per_week)}"
    if p.hours_per_week < need.min:
        return Fit("free time", fit, f"{wants}; {have}", f"needs {weekly(need.min)}")
    short = f"fits {weekly(p.hours_per_week)}" if fit >= 0.8 else ""
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
            f"reaching {money(goal, cur)} a month depends on the audience you build",
        )
    rate = s.returns.mid
    need = capital_needed(goal, rate)
    wants = f"{money(goal, cur)} a month at about {percent(rate)} a year needs {money(need, cur)}"
    if p.capital is None:
        return Fit("goal", 0.5, f"{wants}; your capital is not known", known=False)
    months = _goal_months(p)
    share = share_for(s)
    grown = future_value(
        p.capital * share, (p.monthly_surplus or 0.0) * share, s.returns.total_mid, months
    )
    income = grown * rate / 12
    fit = min(1.0, income / goal)
    years = "" if p.horizon_years is not None else f" (assuming {DEFAULT_GOAL_YEARS} years)"
    part = "your capital and surplus" if share == 1 else f"{share:.0%} of your capital and surplus"
    return Fit(
        "goal",
        fit,
        f"{wants}; with {part} growing at about {percent(s.returns.total_mid)} a year it would "
        f"pay about {money(income, cur)} a month after {months / 12:g} years{years}",
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


def _fit_volatility(p: Profile, s: Stream) -> Fit | None:
    """Whether the money can fall in value before it is needed (not: can it be sold)."""
    if p.horizon_years is None:
        return None
    years = p.horizon_years
    if s.risk < VOLATILE:
        return Fit("volatility", 1.0, f"little chance of a fall within {years:g} years")
    text = (
        f"its value can fall by a third or more in a bad year; you need the money in "
        f"{years:g} years"
    )
    if years < NO_FALLS_YEARS:
        return Fit("volatility", 0.0, f"{text}: too soon to wait out a fall", "can fall too soon")
    if years >= CALM_YEARS:
        return Fit("volatility", 1.0, f"{text}: long enough to wait out most falls")
    base = 0.5 if s.risk == VOLATILE else 0.2
    fit = base + (1 - base) * (years - NO_FALLS_YEARS) / (CALM_YEARS - NO_FALLS_YEARS)
    return Fit("volatility", fit, f"{text}: a fall may not recover in time", "can fall")


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
        ("volatility", _fit_volatility(profile, stream)),
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
    if (
        profile.horizon_years is not None
        and profile.horizon_years < NO_FALLS_YEARS
        and stream.risk >= VOLATILE
    ):
        blocked.append("volatility")
    if stream.risk >= VOLATILE and check_basics(profile, catalog).unmet:
        blocked.append("basics")
    if have is not None and "capital" not in blocked:
        if stream.capital.min > share_for(stream) * have:
            blocked.append("concentration")
    return Scored(stream, score, [f for _, f in fits], blocked)


def rank(profile: Profile, catalog: Catalog | None = None) -> list[Scored]:
    """Every stream, fitting ones first, then by score (ties keep catalog order)."""
    catalog = catalog or load_catalog()
    scored = [score_stream(profile, s, catalog) for s in catalog.streams]
    return sorted(scored, key=lambda x: (len(x.blocked), -x.score))
