"""Calculations asked in words: capital needed for an income, income from a capital,
the yield needed, months to a goal. The figures come from :mod:`advisor.recommender.calculators`;
this module reads which calculation is asked, fills what the message leaves out from
earlier turns, the profile or the catalog's typical yield, and words the answer: the
figure first, then the formula and the assumptions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from advisor.core.answers import Figure
from advisor.recommender import calculators
from advisor.worked.asks import (
    CAPITAL_CUE,
    INCOME_CUE,
    INCOME_WORDS,
    LIVE_OFF,
    MONTHS_CUE,
    NEEDS_YIELD,
    YIELD_CUE,
    asks_calculation,
    implied_with_earlier,
    implies_calculation,
    wants_months,
)
from advisor.worked.base import TOO_LARGE, Worked, duration, figure, money, percent
from advisor.worked.follow_ups import as_before, new_saving, split_saving
from advisor.worked.growth import grow
from advisor.worked.reading import Amount, Numbers
from advisor.worked.tax import gross_up, impossible, tax_rate, with_tax


@dataclass
class Inputs:
    income: Amount | None
    capital: Amount | None
    contribution: Amount | None
    rates: list[float]  # one rate, or the low and high of a catalog range
    rate_source: str  # "" (stated), or where a catalog yield comes from
    currency: str | None
    guessed: bool = False  # no yield given anywhere: the default stream's typical yield


def _monthly(a: Amount | None) -> float | None:
    if a is None:
        return None
    return a.value / 12 if a.per == "year" else a.value


def gather(
    numbers: Numbers,
    earlier: Sequence[Numbers],
    profile: dict[str, Any] | None,
    stream: Any,
    fallback: Any = None,
) -> Inputs:
    """The message's numbers, with what it leaves out taken from earlier turns (latest
    first), then the profile; the yield: the message's, the catalog's typical yield for
    ``stream``, an earlier turn's, then the typical yield of the ``fallback`` stream
    (the setting ``default_yield_stream``), said as such."""

    def pick(role: str) -> Amount | None:
        for source in [numbers, *reversed(earlier)]:
            if (found := source.first(role)) is not None:
                return found
        return None

    profile = profile or {}
    currency = numbers.currency or next((n.currency for n in earlier if n.currency), None)
    currency = currency or profile.get("currency")
    income, capital, contribution = pick("income"), pick("sum"), pick("contribution")
    if income is None and profile.get("goal_monthly_income"):
        income = Amount(float(profile["goal_monthly_income"]), None, "month", "income", True)
    if capital is None and profile.get("capital") is not None:
        capital = Amount(float(profile["capital"]), None, None, "sum", True)
    if contribution is None and profile.get("monthly_surplus"):
        contribution = Amount(
            float(profile["monthly_surplus"]), None, "month", "contribution", True
        )
    rates, source = list(numbers.rates[:1]), ""
    if not rates and stream is not None and stream.returns.unit == "annual_yield":
        rates = [r for r in (stream.returns.low, stream.returns.high) if r > 0]
        source = f"the typical {stream.returns.what} of {stream.name} ({stream.returns.source})"
        if stream.returns.low <= 0 < stream.returns.high:  # rental property: 0 % to 5 %
            source += (
                f"; its low end, {percent(stream.returns.low)}, pays nothing at all, so only "
                "the high end is worked out and no sum is sure to pay it"
            )
    if not rates:
        rates = next((n.rates[:1] for n in reversed(earlier) if n.rates), [])
    if not rates and fallback is not None and fallback.returns.unit == "annual_yield":
        rates = [fallback.returns.low, fallback.returns.high]
        source = (
            f"the typical yield of a {fallback.name.lower()}, used because no yield was "
            f"given ({fallback.returns.source})"
        )
        return Inputs(income, capital, contribution, rates, source, currency, guessed=True)
    return Inputs(income, capital, contribution, rates, source, currency)


def _impossible(inputs: Inputs) -> str | None:
    """One line on an input no calculation can take, or None."""
    if inputs.income is not None and inputs.income.value == 0:
        return "An income of 0 needs no savings: give the income you want, above 0."
    for name, a in (("income", inputs.income), ("sum", inputs.capital)):
        if a is not None and a.value < 0:
            shown = money(a.value, inputs.currency)
            return f"The {name} {shown} is negative: amounts must be above 0."
        if a is not None and abs(a.value) >= TOO_LARGE:
            return (
                f"{money(a.value, inputs.currency)} is more than any savings or income can be "
                "(a trillion or more): check the number."
            )
    for rate in inputs.rates:
        if rate <= 0:
            return f"A yield of {percent(rate)} a year never pays an income: give a yield above 0%."
        if rate > calculators.MAX_RATE:
            return f"{percent(rate)} a year is not a yield any investment pays: check the rate."
    return None


def calculate(
    text: str,
    numbers: Numbers,
    earlier: Sequence[Numbers] = (),
    profile: dict[str, Any] | None = None,
    stream: Any = None,
    *,
    fallback: Any = None,
    asked: str | None = None,
) -> Worked | None:
    """The calculation ``text`` asks for, worked out; None when it asks none. ``asked``:
    the words that say which calculation, when not ``text`` alone (a follow-up such as
    "and at 4%?" with the question it follows); ``fallback``: the stream whose typical
    yield is used when no yield is given anywhere."""
    asked = asked or text
    if asked != text:
        numbers = as_before(text, numbers, earlier)
    if (grown := grow(asked, numbers, earlier, stream)) is not None:
        return grown
    implied = not asks_calculation(asked)
    yields = stream is not None and stream.returns.unit == "annual_yield"
    if implied and not (
        implies_calculation(asked, numbers, yields=yields)
        or implied_with_earlier(asked, numbers, earlier, yields=yields)
    ):
        return None
    months_asked = wants_months(asked, numbers)
    if months_asked and asked != text:
        numbers = new_saving(text, numbers)
    inputs = gather(numbers, earlier, profile, stream, fallback)
    if months_asked and inputs.contribution is None and (split := split_saving(text, numbers)):
        inputs.income, inputs.contribution = split
    tax = tax_rate(numbers, earlier)
    if (problem := _impossible(inputs) or impossible(tax)) is not None:
        return Worked("calculation", problem, "calculator")
    net = inputs.income
    if tax and net is not None:
        inputs.income = gross_up(net, tax)
    worked = _choose(asked, numbers, earlier, inputs, implied=implied, months_asked=months_asked)
    return with_tax(worked, tax, net, inputs.currency, asked) if worked else None


def _choose(
    asked: str,
    numbers: Numbers,
    earlier: Sequence[Numbers],
    inputs: Inputs,
    *,
    implied: bool,
    months_asked: bool,
) -> Worked | None:
    """Which calculation the inputs allow, worked out; None for a question with no
    figure at all (the articles answer it)."""
    wants_yield = YIELD_CUE.search(asked) or (implied and not numbers.rates)
    has_sum = numbers.first("sum") is not None
    if months_asked and inputs.income:
        return _needs_rate(inputs) or _months(inputs)
    if wants_yield and inputs.income and inputs.capital:
        return _yield(inputs)
    if YIELD_CUE.search(asked) and not numbers.rates and inputs.income and not inputs.capital:
        return Worked(
            "calculation",
            "To work out the yield you need I need the sum you have or will invest, for "
            "example “I have $200,000”.",
            "calculator",
        )
    if inputs.income and (CAPITAL_CUE.search(asked) or not has_sum or implied):
        return _needs_rate(inputs) or _capital(inputs)
    if inputs.capital and (INCOME_CUE.search(asked) or (implied and not numbers.first("income"))):
        return _needs_rate(inputs) or _income(inputs, asked)
    figured = numbers.amounts or numbers.rates or any(n.amounts or n.rates for n in earlier)
    asks_one = (INCOME_WORDS.search(asked) and CAPITAL_CUE.search(asked)) or NEEDS_YIELD.search(
        asked
    )
    if not figured and not (asks_one or (LIVE_OFF.search(asked) and MONTHS_CUE.search(asked))):
        return None  # "how much do I need to start?": a question for the articles
    return Worked("calculation", _missing_line(asked, inputs), "calculator")


def _missing_line(text: str, inputs: Inputs) -> str:
    if YIELD_CUE.search(text):
        return (
            "To work out the yield you need I need the income you want and the sum you have, "
            "for example “$1,000 a month from $250,000”."
        )
    if LIVE_OFF.search(text):
        return (
            "To work this out I need the monthly income you want to live on, what you have "
            "now, what you can add a month, and a yield, for example “$3,000 a month; I have "
            "$50,000 and add $1,000 a month, at 5%”."
        )
    if MONTHS_CUE.search(text) or CAPITAL_CUE.search(text):
        return (
            "To work this out I need the monthly income you want, for example "
            "“to earn $1,000 a month”."
        )
    return "To work this out I need a sum and an income, for example “$200,000 at 4%”."


def _needs_rate(inputs: Inputs) -> Worked | None:
    if inputs.rates:
        return None
    return Worked(
        "calculation",
        "Which yield should I use? Say it (“at 4%”) or name a stream, such as dividend ETFs "
        "or REITs, and I will use its typical yield.",
        "calculator",
    )


def _rate_note(inputs: Inputs) -> str:
    if not inputs.rate_source:
        return f"at {percent(inputs.rates[0])} a year"
    low, high = inputs.rates[0], inputs.rates[-1]
    span = percent(low) if low == high else f"{percent(low)} to {percent(high)}"
    abroad = inputs.currency not in (None, "USD")  # the catalog's figures are US ones
    return (
        (f"at {span} a year, {inputs.rate_source}: a rough public rule of thumb, not a promise")
        + (f"; these are US figures, and yields in {inputs.currency} may differ" if abroad else "")
        + ("; say your own yield (“at 5%”) for one figure" if inputs.guessed else "")
    )


def _span(values: list[float], currency: str | None) -> str:
    """ "$600,000 to $800,000", "600,000 to 800,000 EUR": a sign written before a number
    goes on each, a code written after one only on the last."""
    prefixed = not money(1, currency)[0].isdigit()
    last = len(values) - 1
    texts = [money(v, currency if prefixed or i == last else None) for i, v in enumerate(values)]
    return " to ".join(dict.fromkeys(texts))


ASSUME = "the yield stays constant and is paid out, not reinvested; no taxes, fees or inflation"


def _capital(inputs: Inputs) -> Worked:
    assert inputs.income is not None
    income, cur = _monthly(inputs.income) or 0.0, inputs.currency
    values = sorted(calculators.capital_needed(income, r) for r in inputs.rates)
    figures = [figure("capital needed", v, money(v, cur)) for v in values]
    r = inputs.rates[0]
    text = (
        f"**You need {_span(values, cur)} invested** to take {_per_month(inputs.income, cur)}, "
        f"{_rate_note(inputs)}.{_against(inputs, income, values)}\n\n"
        f"Formula: capital = monthly income × 12 ÷ yearly yield = {money(income, None)} × 12 ÷ "
        f"{percent(r)} = {money(calculators.capital_needed(income, r), None)}"
        f"{' (at the low end of the yield range)' if len(values) > 1 else ''}.\n"
        f"Assumptions: {ASSUME}; the capital itself is never spent."
    )
    return Worked("calculation", text, "calculator", figures=figures)


def _per_month(amount: Amount, cur: str | None) -> str:
    """ "$1,000 a month", or "$70,000 a year ($5,833 a month)" for a yearly sum."""
    monthly = money(_monthly(amount) or 0.0, cur)
    if amount.per == "year":
        return f"{money(amount.value, cur)} a year ({monthly} a month)"
    return f"{monthly} a month"


def _against(inputs: Inputs, income: float, needed: list[float]) -> str:
    """For "can $150k at 5% give me $1,000 a month?": what the sum the message names
    pays, and how far it is from the capital needed (at one yield only)."""
    have, cur = inputs.capital, inputs.currency
    if have is None or have.start < 0 or have.value <= 0 or len(needed) != 1:
        return ""
    pays = have.value * inputs.rates[0] / 12
    if have.value >= needed[0]:
        return (
            f" Your {money(have.value, cur)} is enough: it pays about {money(pays, cur)} a month."
        )
    return (
        f" Your {money(have.value, cur)} pays about {money(pays, cur)} a month, "
        f"{money(needed[0] - have.value, cur)} short of that; it would need a yield of "
        f"{percent(income * 12 / have.value)}."
    )


# "what would 40 grand give me a year?": the yearly figure leads
_YEARLY = re.compile(
    r"\b(?:a|per|each|every)\s+year\b|\byearly\b|\bannual(?:ly)?\b|\bper\s+annum\b", re.I
)
_MONTHLY = re.compile(r"\b(?:a|per|each|every)\s+month\b|\bmonthly\b", re.I)
_WEEKLY = re.compile(r"\b(?:a|per|each|every)\s+week\b|\bweekly\b", re.I)


def _income(inputs: Inputs, asked: str = "") -> Worked:
    assert inputs.capital is not None
    capital, cur = inputs.capital.value, inputs.currency
    if capital == 0:
        return Worked("calculation", "A sum of 0 pays nothing: give a sum above 0.", "calculator")
    values = sorted(capital / calculators.capital_needed(1.0, r) for r in inputs.rates)
    figures = [figure("monthly income", v, money(v, cur)) for v in values]
    monthly = f"{_span(values, cur)} a month"
    yearly = f"{_span([v * 12 for v in values], cur)} a year"
    if _YEARLY.search(asked) and not _MONTHLY.search(asked):
        monthly, yearly = yearly, monthly
    elif _WEEKLY.search(asked) and not _MONTHLY.search(asked):  # "how much a week ...?"
        weekly = _span([v * 12 / 52 for v in values], cur)
        monthly, yearly = f"{weekly} a week", f"{monthly}, {yearly}"
    text = (
        f"**{money(capital, cur)} pays about {monthly}** ({yearly}), {_rate_note(inputs)}.\n\n"
        f"Formula: monthly income = capital × yearly yield ÷ 12 = {money(capital, None)} × "
        f"{percent(inputs.rates[0])} ÷ 12 = {money(values[0], None)}.\n"
        f"Assumptions: {ASSUME}."
    )
    return Worked("calculation", text, "calculator", figures=figures)


def _yield(inputs: Inputs) -> Worked:
    assert inputs.income is not None and inputs.capital is not None
    income, capital, cur = _monthly(inputs.income) or 0.0, inputs.capital.value, inputs.currency
    if capital <= 0:
        return Worked("calculation", "The sum must be above 0 to need a yield.", "calculator")
    needed = calculators.capital_needed(income, 1.0) / capital
    lead, warn = f"**You need a yield of {percent(needed)} a year**", ""
    if needed > calculators.MAX_RATE:
        lead = f"**You would need {percent(needed)} a year, more than any investment pays**"
    elif needed > calculators.PLAUSIBLE_YIELD:
        warn = (
            f" That is above {percent(calculators.PLAUSIBLE_YIELD)} a year: few investments pay "
            "that for long, and those that promise it carry high risk."
        )
    text = (
        f"{lead} for {money(capital, cur)} to pay {money(income, cur)} a month.{warn}\n\n"
        f"Formula: yield = monthly income × 12 ÷ capital = {money(income, None)} × 12 ÷ "
        f"{money(capital, None)} = {percent(needed)}.\n"
        f"Assumptions: {ASSUME}."
    )
    return Worked(
        "calculation", text, "calculator", figures=[figure("yield needed", needed, percent(needed))]
    )


def _months(inputs: Inputs) -> Worked:
    assert inputs.income is not None
    goal, cur = _monthly(inputs.income) or 0.0, inputs.currency
    add = _monthly(inputs.contribution) or 0.0
    start = inputs.capital.value if inputs.capital else 0.0
    figures: list[Figure] = []
    spans: list[str] = []
    for r in sorted(inputs.rates, reverse=True):  # the higher yield reaches it sooner
        plan = calculators.months_to_goal(goal, r, add, start)
        if plan.months is None:
            spans.append("more than 100 years")
            continue
        figures.append(figure("months to the goal", plan.months, f"{plan.months} months"))
        spans.append(f"{plan.months} months ({duration(plan.months)})")
    target = calculators.capital_needed(goal, inputs.rates[0])
    figures.append(figure("capital at the goal", target, money(target, cur)))
    reach = " to ".join(dict.fromkeys(spans))
    if add == 0 and start == 0:
        return Worked(
            "calculation",
            f"With nothing saved and nothing added, {money(goal, cur)} a month is never "
            "reached: tell me what you can add a month or what you start with.",
            "calculator",
        )
    text = (
        f"**{reach[0].upper() + reach[1:]}** until your capital pays {money(goal, cur)} a month, "
        f"adding {money(add, cur)} a month from {money(start, cur)}, {_rate_note(inputs)}.\n\n"
        f"Formula: the goal is capital = {money(goal, None)} × 12 ÷ {percent(inputs.rates[0])} = "
        f"{money(target, None)}; each month the capital grows by the yield ÷ 12 and "
        f"{money(add, None)} is added, until it reaches that.\n"
        "Assumptions: the yield is reinvested until the goal and stays constant; "
        "contributions at the end of each month; no taxes, fees or inflation."
    )
    return Worked("calculation", text, "calculator", figures=figures)
