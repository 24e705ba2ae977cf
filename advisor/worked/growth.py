"""Savings that grow, asked in words: what a sum and a saving a month come to after some
years ("how much will I have after 10 years if I invest $500 a month at 7%?"), how long
until they reach a sum ("when do I reach $100,000?", "how long to double my money?"),
and what to save a month to reach a sum by then. The figures come from
:mod:`advisor.recommender.calculators`; this module reads which one is asked and what
the message (or an earlier turn) gives, and words the answer: the figure first, then the
formula and the assumptions. With no return given the money is assumed not to grow, and
the answer says so."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from advisor.recommender import calculators
from advisor.worked.asks import (
    FUTURE_CUE,
    HOW_MUCH_A_MONTH,
    MONTHS_CUE,
    MULTIPLY,
    SAVING_CUE,
)
from advisor.worked.base import TOO_LARGE, Worked, duration, figure, money, percent
from advisor.worked.reading import Amount, Numbers

_NO_RETURN = re.compile(r"\bno\s+(?:interest|return|returns|growth|gains?)\b", re.IGNORECASE)
_ENOUGH = re.compile(
    r"\b(?:enough|on\s+track|get\s+there|make\s+it|reach\s+(?:it|that|my\s+goal)|will\s+i\s+have)\b",
    re.IGNORECASE,
)
_MILLIONAIRE = re.compile(r"\bmillionaire\b", re.IGNORECASE)
_TIMES = {"double": 2.0, "triple": 3.0, "quadruple": 4.0}
ASSUME = (
    "the return is reinvested, compounded monthly and stays constant; savings are added at "
    "the end of each month; no taxes or fees; no inflation (amounts are in future money)"
)


@dataclass
class Plan:
    """What a growth question gives: the sum to reach (or a multiple of the start), the
    start, the saving a month, the yearly return (None: not given) and the months."""

    kind: str  # "future", "reach", "double", "saving" or "enough"
    target: float | None
    start: float
    add: float
    rate: float | None
    months: float | None
    currency: str | None
    times: float = 0.0  # "double": 2


def _kind(asked: str, target: Amount | None) -> str | None:
    if MULTIPLY.search(asked) and MONTHS_CUE.search(asked):
        return "double"
    if target is not None and (SAVING_CUE.search(asked) or HOW_MUCH_A_MONTH.search(asked)):
        return "saving"
    if target is not None and MONTHS_CUE.search(asked):
        return "reach"
    if target is None and FUTURE_CUE.search(asked):
        return "future"
    if target is not None and _ENOUGH.search(asked):
        return "enough"  # "I want $200k in 10 years, saving $1,000 a month: is 6% enough?"
    return None


def _grows(plan: Plan, numbers: Numbers) -> bool:
    """Whether a "future" question is about savings growing: it names a span of time or
    a saving a month, not only an income wanted (that is a capital question)."""
    if plan.kind == "enough":
        return plan.months is not None and bool(plan.add or plan.start)
    if plan.kind != "future":
        return True
    return plan.months is not None or numbers.first("contribution") is not None


def _times(asked: str) -> float:
    m = MULTIPLY.search(asked)
    if m is None:
        return 0.0
    return float(m.group("times")) if m.group("times") else _TIMES[m.group("word").lower()]


def read_plan(asked: str, numbers: Numbers, earlier: Sequence[Numbers] = ()) -> Plan | None:
    """The growth calculation ``asked`` names, with its inputs taken from ``numbers``,
    then from earlier turns (latest first); None when it asks none."""
    sources = [numbers, *reversed(earlier)]

    def first(test: object) -> Amount | None:
        for source in sources:
            found = next((a for a in source.amounts if test(a)), None)  # type: ignore[operator]
            if found is not None:
                return found
        return None

    target = first(lambda a: a.target)
    if target is None and _MILLIONAIRE.search(asked):
        target = Amount(1e6, None, None, "sum", True, target=True)
    kind = _kind(asked, target)
    saving_only = numbers.first("contribution") and not numbers.first("income")
    if kind is None and target is None and saving_only and numbers.duration_months:
        kind = "future"  # "save 250 a wk at 7 pct for 10 yrs how much"
    if kind is None:
        return None
    start = first(lambda a: a.role == "sum" and not a.target)
    # in a question about growing savings, a sum a month is a saving, not an income
    add = first(lambda a: a.role == "contribution") or first(lambda a: a.role == "income")
    rate: float | None = next((n.rates[0] for n in sources if n.rates), None)
    if rate is None and _NO_RETURN.search(asked):
        rate = 0.0
    months = next((n.duration_months for n in sources if n.duration_months), None)
    if months is None:  # "I'm 40 ..." then "how much will it be at 60?"
        now = next((n.age_now for n in sources if n.age_now), None)
        by = next((n.age_by for n in sources if n.age_by), None)
        months = (by - now) * 12.0 if now and by and by > now else None
    currency = next((n.currency for n in sources if n.currency), None)
    monthly = (add.value / 12 if add.per == "year" else add.value) if add else 0.0
    return Plan(
        kind,
        target.value if target else None,
        start.value if start else 0.0,
        monthly,
        rate,
        months,
        currency,
        _times(asked),
    )


def _impossible(plan: Plan) -> str | None:
    for amount in (plan.target, plan.start, plan.add):
        if amount is not None and amount < 0:
            return f"{money(amount, plan.currency)} is negative: amounts must be above 0."
        if amount is not None and amount >= TOO_LARGE:
            return (
                f"{money(amount, plan.currency)} is more than any savings can be (a trillion "
                "or more): check the number."
            )
    if plan.rate is not None and not 0 <= plan.rate <= calculators.MAX_RATE:
        return f"{percent(plan.rate)} a year is not a return any saving earns: check the rate."
    if plan.months is not None and not 1 <= plan.months <= 1200:
        return "Give a span between one month and 100 years."
    return None


def _adding(plan: Plan) -> str:
    start = money(plan.start, plan.currency)
    if not plan.add:
        return f"with nothing added to {start}"
    return f"adding {money(plan.add, plan.currency)} a month from {start}"


def _rate_words(plan: Plan) -> str:
    if plan.rate:
        return f"at {percent(plan.rate)} a year"
    if plan.rate == 0:
        return "with no return"
    return "with no return (none was given: say one, such as “at 5%”, to see it grow)"


def _growth_words(rate: float) -> str:
    return f"r = {percent(rate)} ÷ 12 a month" if rate else "no return"


def grow(
    asked: str, numbers: Numbers, earlier: Sequence[Numbers] = (), stream: Any = None
) -> Worked | None:
    """The growth calculation ``asked`` names, worked out; None when it asks none. With
    no return given and a ``stream`` named, at both ends of its typical total return."""
    plan = read_plan(asked, numbers, earlier)
    if plan is None or not _grows(plan, numbers):
        return None
    if (problem := _impossible(plan)) is not None:
        return Worked("calculation", problem, "calculator")
    total = getattr(getattr(stream, "returns", None), "total_return", None)
    timed = plan.months is not None or plan.kind in ("reach", "double")
    if plan.rate is None and total is not None and timed:
        return _ranged(plan, stream, total)
    return _work(plan)


def _ranged(plan: Plan, stream: Any, total: Any) -> Worked:
    """The calculation at the low and at the high end of a stream's typical total
    return (yield and price growth), each worked out in full."""
    works = [_work(replace(plan, rate=r)) for r in (total.low, total.high)]
    if not all(w.figures for w in works):
        return works[0]
    leads = [w.text.split("\n\n", 1)[0] for w in works]
    rest = works[0].text.split("\n\n", 1)[1] if "\n\n" in works[0].text else ""
    text = (
        f"With the typical total return of {stream.name}, {percent(total.low)} to "
        f"{percent(total.high)} a year ({total.source}; a rough public rule of thumb, not a "
        f"promise; say your own return, such as “at 5%”, for one figure):\n\n"
        f"- {leads[0]}\n- {leads[1]}\n\n{rest}"
    )
    return Worked(
        "calculation", text.strip(), "calculator", figures=[*works[0].figures, *works[1].figures]
    )


def _work(plan: Plan) -> Worked:
    if plan.kind == "double":
        return _double(plan)
    if plan.kind == "reach":
        return _reach(plan)
    if plan.months is None:
        return Worked(
            "calculation",
            "Over how many years? Say it (“in 10 years”) and I will work it out.",
            "calculator",
        )
    if plan.kind == "enough":
        return _enough(plan)
    return _saving(plan) if plan.kind == "saving" else _future(plan)


def _double(plan: Plan) -> Worked:
    if plan.rate == 0:
        return Worked(
            "calculation",
            "At 0% a year money never grows by itself, so it never doubles: only what you add "
            "makes it bigger.",
            "calculator",
        )
    if not plan.rate:
        return Worked(
            "calculation",
            "Which yearly return should I use? Say it (“at 7%”): with no return a sum never "
            "grows by itself.",
            "calculator",
        )
    times, monthly = plan.times, plan.rate / 12
    exact = math.log(times) / math.log(1 + monthly)
    months = math.ceil(exact - 1e-9)
    word = {2.0: "doubles", 3.0: "triples", 4.0: "quadruples"}.get(times, f"grows {times:g}×")
    rule = (
        f" (the rule of 72 gives 72 ÷ {plan.rate * 100:g} = {72 / (plan.rate * 100):.1f} years)"
        if times == 2
        else ""
    )
    text = (
        f"**At {percent(plan.rate)} a year, money {word} in {months} months "
        f"({duration(months)})**, with nothing added.\n\n"
        f"Formula: months = ln({times:g}) ÷ ln(1 + {percent(plan.rate)} ÷ 12) = {exact:.1f}, "
        f"rounded up to whole months{rule}.\n"
        f"Assumptions: {ASSUME}."
    )
    return Worked(
        "calculation",
        text,
        "calculator",
        figures=[figure("months to grow", months, f"{months} months")],
    )


def _reach(plan: Plan) -> Worked:
    assert plan.target is not None
    cur, rate = plan.currency, plan.rate or 0.0
    months = calculators.months_to_sum(plan.target, rate, plan.add, plan.start)
    if months is None:
        return Worked(
            "calculation",
            f"{money(plan.target, cur)} is never reached from {money(plan.start, cur)} with "
            f"nothing added and {'no return' if not rate else 'nothing to grow'}: tell me what "
            "you can add a month, what you start with, or the return.",
            "calculator",
        )
    goal, start = money(plan.target, cur), money(plan.start, cur)
    if months == 0:
        lead = f"**You already have it**: {start} is at least {goal}"
    else:
        lead = f"**{months} months ({duration(months)})** until you have {goal}"
    formula = (
        f"months = ln((goal × r + saving) ÷ (start × r + saving)) ÷ ln(1 + r), with "
        f"{_growth_words(rate)}, rounded up to whole months"
        if rate
        else "months = (goal − start) ÷ saving, rounded up"
    )
    text = (
        f"{lead}, {_adding(plan)}, {_rate_words(plan)}.\n\n"
        f"Formula: {formula}.\nAssumptions: {ASSUME}."
    )
    figures = [figure("months to the sum", months, f"{months} months")]
    return Worked("calculation", text, "calculator", figures=figures)


def _future(plan: Plan) -> Worked:
    assert plan.months is not None
    cur, rate, months = plan.currency, plan.rate or 0.0, round(plan.months)
    if plan.start == 0 and plan.add == 0:
        return Worked(
            "calculation",
            "To work this out I need what you start with or add a month, for example "
            "“$500 a month”.",
            "calculator",
        )
    value = calculators.future_value(plan.start, plan.add, rate, months)
    put_in = plan.start + plan.add * months
    formula = (
        "start × (1 + r)^n + saving × ((1 + r)^n − 1) ÷ r, with "
        f"{_growth_words(rate)} and n = {months} months"
        if rate
        else f"start + saving × n, with n = {months} months"
    )
    text = (
        f"**After {duration(months)} you would have about {money(value, cur)}**, "
        f"{_adding(plan)}, {_rate_words(plan)}: "
        f"{money(put_in, cur)} put in and {money(value - put_in, cur)} of growth.\n\n"
        f"Formula: {formula}.\nAssumptions: {ASSUME}."
    )
    return Worked(
        "calculation",
        text,
        "calculator",
        figures=[figure("future value", value, money(value, cur))],
    )


def _saving(plan: Plan) -> Worked:
    assert plan.target is not None and plan.months is not None
    cur, rate, months = plan.currency, plan.rate or 0.0, round(plan.months)
    needed = calculators.contribution_needed(plan.target, rate, months, plan.start)
    formula = (
        "saving = (goal − start × (1 + r)^n) × r ÷ ((1 + r)^n − 1), with "
        f"{_growth_words(rate)} and n = {months} months"
        if rate
        else f"saving = (goal − start) ÷ n, with n = {months} months"
    )
    text = (
        f"**Save about {money(needed, cur)} a month** to have {money(plan.target, cur)} in "
        f"{duration(months)}, from {money(plan.start, cur)}, {_rate_words(plan)}.\n\n"
        f"Formula: {formula}.\nAssumptions: {ASSUME}."
    )
    figures = [figure("monthly saving needed", needed, money(needed, cur))]
    return Worked("calculation", text, "calculator", figures=figures)


def _enough(plan: Plan) -> Worked:
    """Whether the saving and the start reach the sum in time: what they come to, how far
    that is from the sum, and the saving a month that would reach it."""
    assert plan.target is not None and plan.months is not None
    cur, rate, months = plan.currency, plan.rate or 0.0, round(plan.months)
    value = calculators.future_value(plan.start, plan.add, rate, months)
    needed = calculators.contribution_needed(plan.target, rate, months, plan.start)
    goal = money(plan.target, cur)
    if value >= plan.target:
        lead = f"**Yes: after {duration(months)} you would have about {money(value, cur)}**"
        tail = f", {money(value - plan.target, cur)} more than {goal}"
    else:
        lead = f"**Not quite: after {duration(months)} you would have about {money(value, cur)}**"
        tail = (
            f", {money(plan.target - value, cur)} short of {goal}; saving about "
            f"{money(needed, cur)} a month would reach it"
        )
    text = (
        f"{lead}{tail} ({_adding(plan)}, {_rate_words(plan)}).\n\n"
        "Formula: start × (1 + r)^n + saving × ((1 + r)^n − 1) ÷ r, with "
        f"{_growth_words(rate)} and n = {months} months.\nAssumptions: {ASSUME}."
    )
    figures = [
        figure("future value", value, money(value, cur)),
        figure("monthly saving needed", needed, money(needed, cur)),
    ]
    return Worked("calculation", text, "calculator", figures=figures)
