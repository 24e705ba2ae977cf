"""Money arithmetic the recommender, the CLI, the UI and the tools share.

Pure functions over plain numbers; bad input raises :class:`InputError` naming the
argument. Rates are fractions (``0.04`` is 4 % a year); amounts are in any one
currency. Closed forms are used where they exist, so results are exact to the cent.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, Field

from advisor.core.errors import InputError

PassivityLabel = Literal["active", "semi-passive", "passive"]

# Passive income, as the articles define it, keeps coming without your continuous time:
# income that stops when you stop (a job, paid hours, a shop you must staff) is active
# however well it pays. Income that keeps coming is then graded by the hours it still
# takes a month: at most PASSIVE_HOURS is passive (a fund, a rental with a manager), at
# most SEMI_PASSIVE_HOURS (about 10 hours a week) semi-passive, more is a job again.
# The hours per 100 of income is a secondary figure only. The catalog's labels come from
# :func:`passivity_label` too, so there is one definition.
PASSIVE_HOURS = 5.0
SEMI_PASSIVE_HOURS = 40.0
MAX_RATE = 1.0  # rates are fractions; 1.0 is 100 % a year
PLAUSIBLE_YIELD = 0.10  # above this a yearly yield is rarely sustainable
NOT_GUARANTEED = (
    "yields and returns are not guaranteed: dividends get cut, prices fall, and the "
    "order of good and bad years (sequence of returns) changes the outcome"
)


class ProjectionPoint(BaseModel):
    month: int
    capital: float
    monthly_income: float


class Projection(BaseModel):
    months: int | None  # None: the goal is not reached within max_months
    points: list[ProjectionPoint] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)


class Passivity(BaseModel):
    hours_per_100: float  # secondary: hours a month per 100 units of monthly income
    label: PassivityLabel
    keeps_paying_without_you: bool | None = None  # None: not said (assumed yes)
    hours_per_month: float = 0.0
    reason: str = ""
    assumptions: list[str] = Field(default_factory=list)


def yield_warnings(annual_yield: float) -> list[str]:
    """What to say beside a result computed at ``annual_yield`` (a fraction a year)."""
    from advisor.core.formats import percent

    warnings = []
    if annual_yield > PLAUSIBLE_YIELD:
        warnings.append(
            f"a yield of {percent(annual_yield)} a year is above {percent(PLAUSIBLE_YIELD)}: few "
            "investments pay that for long, and those that promise it carry high risk"
        )
    return [*warnings, NOT_GUARANTEED]


def todays_money(amount: float, annual_inflation: float, months: int) -> float:
    """``amount`` paid ``months`` from now, in today's money at ``annual_inflation``."""
    value = _number("amount", amount)
    rate = _rate("annual_inflation", annual_inflation)
    return value / (1 + rate) ** (months / 12)


def _number(name: str, value: float, *, positive: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be a number, not {value!r}") from exc
    if not math.isfinite(number):
        raise InputError(f"{name} must be a finite number")
    if number < 0 or (positive and number == 0):
        raise InputError(f"{name} must be {'above' if positive else 'at least'} 0, not {value}")
    return number


def _rate(name: str, value: float, *, positive: bool = False) -> float:
    rate = _number(name, value, positive=positive)
    if rate > MAX_RATE:
        raise InputError(
            f"{name} is a fraction of the capital a year (0.04 means 4%); {value} is over 100%"
        )
    return rate


def capital_needed(monthly_income: float, annual_yield: float) -> float:
    """Capital that pays ``monthly_income`` a month at ``annual_yield`` a year."""
    income = _number("monthly_income", monthly_income)
    rate = _rate("annual_yield", annual_yield, positive=True)
    capital = income * 12 / rate
    if not math.isfinite(capital):  # a yield like 1e-300 overflows
        raise InputError(
            f"monthly_income / annual_yield: {income:g} a month at {rate:g} a year needs more "
            "capital than can be computed; the yield is a fraction (0.04 means 4%)"
        )
    return capital


def future_value(
    start_capital: float, monthly_contribution: float, annual_return: float, months: int
) -> float:
    """Capital after ``months`` of monthly compounding at ``annual_return / 12``, with
    ``monthly_contribution`` added at the end of each month."""
    start = _number("start_capital", start_capital)
    contribution = _number("monthly_contribution", monthly_contribution)
    rate = _rate("annual_return", annual_return) / 12
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise InputError(f"months must be a whole number of at least 1, not {months!r}")
    if rate == 0:
        return start + contribution * months
    growth = (1 + rate) ** months
    return start * growth + contribution * (growth - 1) / rate


def months_to_sum(
    target: float, annual_return: float, monthly_contribution: float, start_capital: float = 0.0
) -> int | None:
    """The first whole month at whose end the capital (``start_capital`` compounding
    monthly at ``annual_return / 12``, ``monthly_contribution`` added at each month's
    end) reaches ``target``: the closed form ``n = ln((T·i + c) ÷ (S·i + c)) ÷ ln(1 + i)``,
    or ``(T − S) ÷ c`` at no return. 0 when the start already holds it; None when it is
    never reached (nothing added and no return, or nothing at all)."""
    goal = _number("target", target, positive=True)
    start = _number("start_capital", start_capital)
    add = _number("monthly_contribution", monthly_contribution)
    rate = _rate("annual_return", annual_return) / 12
    if start >= goal:
        return 0
    if rate == 0:
        return math.ceil((goal - start) / add - 1e-9) if add > 0 else None
    if add == 0 and start == 0:
        return None
    months = math.log((goal * rate + add) / (start * rate + add)) / math.log(1 + rate)
    return max(1, math.ceil(months - 1e-9))


def contribution_needed(
    target: float, annual_return: float, months: int, start_capital: float = 0.0
) -> float:
    """What to add at the end of each month for ``months`` months so that the capital,
    ``start_capital`` compounding monthly at ``annual_return / 12``, reaches ``target``
    (0 when the start alone gets there): ``(T − S·(1+i)^n) · i ÷ ((1+i)^n − 1)``."""
    goal = _number("target", target, positive=True)
    start = _number("start_capital", start_capital)
    rate = _rate("annual_return", annual_return) / 12
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise InputError(f"months must be a whole number of at least 1, not {months!r}")
    if rate == 0:
        return max(0.0, (goal - start) / months)
    growth = (1 + rate) ** months
    return max(0.0, (goal - start * growth) * rate / (growth - 1))


def months_to_goal(
    goal_monthly_income: float,
    annual_yield: float,
    monthly_contribution: float,
    start_capital: float = 0.0,
    annual_growth: float = 0.0,
    max_months: int = 1200,
    annual_inflation: float = 0.0,
    currency: str | None = None,
) -> Projection:
    """Months until the capital pays ``goal_monthly_income``, reinvesting what it pays.

    Each month the capital grows by ``(annual_yield + annual_growth) / 12`` (the income
    is reinvested, the price grows) and then ``monthly_contribution`` is added. The
    goal is reached in the first month whose income, ``capital * annual_yield / 12``,
    covers it. ``points`` holds month 0 (the start) and one point a month up to that month
    (or ``max_months``). With ``annual_inflation`` the points are in today's money
    and the goal is today's money too, so it is reached later. ``currency`` only names
    the amounts in the assumptions.
    """
    from advisor.core.formats import money, percent

    goal = _number("goal_monthly_income", goal_monthly_income, positive=True)
    yield_ = _rate("annual_yield", annual_yield, positive=True)
    contribution = _number("monthly_contribution", monthly_contribution)
    start = _number("start_capital", start_capital)
    growth = _rate("annual_growth", annual_growth)
    inflation = _rate("annual_inflation", annual_inflation)
    if yield_ + growth > MAX_RATE:
        raise InputError(
            f"annual_yield + annual_growth is {yield_ + growth:.0%} a year, over 100%: "
            "give each as a fraction (0.04 means 4%)"
        )
    if isinstance(max_months, bool) or not isinstance(max_months, int) or max_months < 1:
        raise InputError(f"max_months must be a whole number of at least 1, not {max_months!r}")
    target = capital_needed(goal, yield_)
    rate = (yield_ + growth) / 12
    assumptions = [
        f"the capital yields {percent(yield_)} a year, paid monthly ({percent(yield_ / 12)} a "
        "month) and reinvested until the goal is reached",
        f"the capital's value grows {percent(growth)} a year besides the yield",
        f"{money(contribution, currency)} is added at the end of every month",
        f"the goal is reached when the capital reaches {money(target, currency)} (= goal × 12 "
        f"÷ {percent(yield_)})",
        "yield, growth and contributions stay constant; no taxes or fees",
        (
            f"amounts are in today's money, deflated at {percent(inflation)} a year inflation"
            if inflation
            else "no inflation: amounts are in future money (add an inflation rate for "
            "today's money)"
        ),
        *yield_warnings(yield_),
    ]
    points = [ProjectionPoint(month=0, capital=start, monthly_income=start * yield_ / 12)]
    months: int | None = 0 if start >= target else None
    for month in range(1, max_months + 1):
        if months is not None:
            break
        capital = todays_money(
            future_value(start, contribution, rate * 12, month), inflation, month
        )
        points.append(
            ProjectionPoint(month=month, capital=capital, monthly_income=capital * yield_ / 12)
        )
        if capital >= target:
            months = month
    return Projection(months=months, points=points, assumptions=assumptions)


def passivity_label(
    keeps_paying_without_you: bool | None, hours_per_month: float
) -> PassivityLabel:
    """The one definition: income that stops when you stop is active; income that keeps
    coming is passive or semi-passive by the hours it still takes a month."""
    if keeps_paying_without_you is False or hours_per_month > SEMI_PASSIVE_HOURS:
        return "active"
    return "passive" if hours_per_month <= PASSIVE_HOURS else "semi-passive"


def passivity(
    hours_per_month: float,
    monthly_income: float,
    keeps_paying_without_you: bool | None = None,
    employment: bool = False,
) -> Passivity:
    """How passive a source is: whether it keeps paying without your continuous time
    (employment never does), then the hours it still takes a month; the hours per 100
    of monthly income is given as a secondary figure."""
    hours = _number("hours_per_month", hours_per_month)
    if hours > 24 * 31:
        raise InputError(f"hours_per_month must be at most 744 (a whole month), not {hours:g}")
    income = _number("monthly_income", monthly_income, positive=True)
    per_100 = hours / income * 100
    if not math.isfinite(per_100):
        raise InputError(f"monthly_income {income:g} is too small to rate {hours:g} hours a month")
    keeps = False if employment else keeps_paying_without_you
    label = passivity_label(keeps, hours)
    if employment:
        reason = "employment is active income: the pay stops when you stop working"
    elif keeps is False:
        reason = "it stops paying when you stop putting in your time, so it is active"
    elif label == "active":
        reason = (
            f"{round(hours, 2):g} hours a month is more than {SEMI_PASSIVE_HOURS:g}, as much "
            "time as a part-time job"
        )
    else:
        limit = PASSIVE_HOURS if label == "passive" else SEMI_PASSIVE_HOURS
        reason = (
            f"it keeps paying without you and takes {round(hours, 2):g} "
            f"hour{'' if round(hours, 2) == 1 else 's'} a month "
            f"(at most {limit:g})"
        )
    assumptions = [
        "passive income keeps coming without your continuous time; employment is always "
        f"active; then at most {PASSIVE_HOURS:g} hours a month is passive and at most "
        f"{SEMI_PASSIVE_HOURS:g} semi-passive",
        "hours per 100 of income is a secondary figure: high pay does not make work passive",
    ]
    if keeps is None:
        assumptions.append(
            "you did not say whether it stops paying when you stop working on it: assumed not"
        )
    return Passivity(
        hours_per_100=per_100,
        label=label,
        keeps_paying_without_you=keeps,
        hours_per_month=hours,
        reason=reason,
        assumptions=assumptions,
    )
