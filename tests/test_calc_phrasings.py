"""Calculation questions as people type them, through ``Advisor.ask`` (the path
``advisor ask`` takes: guard, router, worked answer): "$1.5k", "1,500 dollars",
"1500/month", "€2,000", "2k a year", "per annum", "p.a.", "a week", "half a percent",
the amount after the rate, a figure left to the profile or an earlier turn, typos, lower
case, no question mark, and unrelated numbers ("I'm 34"). These phrasings were written
for this file, not taken from the reference set. Each expected figure is worked out
here with the closed form from the stated inputs (a catalog range from the catalog's
data), never by calling the calculator; each answer must state its assumptions."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from advisor.answering.service import Advisor
from advisor.core.settings import get_settings
from advisor.recommender import load_catalog
from advisor.worked.phrasing import states

WEEKS_A_MONTH = 52 / 12


def capital(monthly: float, rate: float) -> float:
    """Capital whose yearly yield ``rate`` pays ``monthly`` a month."""
    return monthly * 12 / rate


def income(sum_: float, rate: float) -> float:
    return sum_ * rate / 12


def yield_needed(monthly: float, sum_: float) -> float:
    return monthly * 12 / sum_


def months(goal: float, rate: float, add: float, start: float = 0.0) -> int:
    """First month whose capital pays ``goal``: the future value of ``start`` and of
    ``add`` a month (end of month) at ``rate / 12`` reaches ``goal × 12 ÷ rate``."""
    i, target = rate / 12, goal * 12 / rate
    return math.ceil(math.log((target * i + add) / (start * i + add)) / math.log(1 + i))


def per_100(hours_a_month: float, monthly: float) -> float:
    return hours_a_month / monthly * 100


def stream_range(stream: str) -> tuple[float, float]:
    returns = load_catalog().get(stream).returns
    return returns.low, returns.high


def default_range() -> tuple[float, float]:
    return stream_range(get_settings().default_yield_stream)


@dataclass
class Case:
    text: str
    route: str
    figures: Callable[[], list[float]]  # expected, lowest first
    history: list[dict[str, str]] = field(default_factory=list)
    profile: dict[str, Any] | None = None
    shows: str = ""  # a currency sign or word the answer must show


def calc(text: str, *values: float, **kw: Any) -> Case:
    return Case(text, "calculation", lambda: sorted(values), **kw)


def passive(text: str, value: float) -> Case:
    return Case(text, "passivity", lambda: [value])


def ranged(text: str, stream: str | None, fn: Callable[[float], float]) -> Case:
    def values() -> list[float]:
        low, high = stream_range(stream) if stream else default_range()
        return sorted({fn(low), fn(high)})

    return Case(text, "calculation", values)


def said(turns: list[str]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for content in turns:
        out += [{"role": "user", "content": content}, {"role": "assistant", "content": "Noted."}]
    return out


CASES = [
    # capital needed for an income
    calc("how much do i need invested to get $1.5k a month at 4%", capital(1500, 0.04)),
    calc("How much capital for 1,500 dollars per month at 5 percent?", capital(1500, 0.05)),
    calc("what nest egg do I need for 2k a month at 4.5%?", capital(2000, 0.045)),
    calc(
        "I'm 34 and want 1500/month from dividends at 4%, how much do I need to invest",
        capital(1500, 0.04),
    ),
    calc(
        "how big a portfolio to make €2,000 monthly if it yields 3.5%",
        capital(2000, 0.035),
        shows="EUR",
    ),
    calc("at 4% how much do i need to retire on 3000 a month", capital(3000, 0.04)),
    calc("how much would I need saved to get 24k a year at 4 percent?", capital(2000, 0.04)),
    calc("how much for $1,000 a month at 5%", capital(1000, 0.05)),
    calc("how mcuh do I need to earn $800 a month at 4%", capital(800, 0.04)),
    calc("how much money to generate 500 per week at 5%", capital(500 * WEEKS_A_MONTH, 0.05)),
    calc("how much would I need at half a percent to get $100 a month", capital(100, 0.005)),
    calc("how much do I need for 18,000 per annum at 4.5%?", capital(1500, 0.045)),
    calc("how much capital for 2k a year at 5 percent", capital(2000 / 12, 0.05)),
    calc(
        "how much do i need for 2,000 euros a month in 10 years at 4%",
        capital(2000, 0.04),
        shows="EUR",
    ),
    calc(
        "how much do I need invested in 18 months to draw $750 a month at 4.5%",
        capital(750, 0.045),
    ),
    ranged(
        "How much do I need in REITs to earn $1,000 a month?", "reits", lambda r: capital(1000, r)
    ),
    ranged("how much for $1,000 a month?", None, lambda r: capital(1000, r)),
    calc(
        "how much would that take at 4%",
        capital(1200, 0.04),
        history=said(["I'd like 1,200 dollars a month eventually."]),
    ),
    calc(
        "and at 4 percent?",
        capital(900, 0.04),
        history=said(["at 5% what would I need for $900 a month?"]),
    ),
    # income from a capital
    calc("what would $250k pay me a month at 4%?", income(250_000, 0.04)),
    calc(
        "If I put 100,000 dollars in at 3.5 percent, what's the monthly income?",
        income(100_000, 0.035),
    ),
    calc("how much income does €80,000 give at 4.5% p.a.", income(80_000, 0.045), shows="EUR"),
    calc("at 5% what does 1.2 million earn per month", income(1_200_000, 0.05)),
    calc("i have 60k, what would it pay monthly at 4 percent", income(60_000, 0.04)),
    calc("how much will $50,000 generate annually at 6%?", income(50_000, 0.06)),
    calc("I'm 45 with 300000 saved, what monthly income at 4%", income(300_000, 0.04)),
    ranged(
        "what would 200k in dividend ETFs pay me", "dividend_etfs", lambda r: income(200_000, r)
    ),
    calc(
        "what would my savings pay a month at 4.5%?",
        income(150_000, 0.045),
        profile={"capital": 150_000},
    ),
    # the yield needed
    calc("what yield do I need to get $2,000 a month from $500,000?", yield_needed(2000, 500_000)),
    calc("what return would 300k need to pay 1,500 a month", yield_needed(1500, 300_000)),
    calc("I have $400k and want 2k/month. what rate do I need", yield_needed(2000, 400_000)),
    calc(
        "what interest rate would turn €150,000 into €500 a month",
        yield_needed(500, 150_000),
        shows="EUR",
    ),
    calc("which yield gets 30k a year out of 750k", yield_needed(2500, 750_000)),
    # months to a goal, with contributions and a starting sum
    calc(
        "how long until I make $1,000 a month if I invest $500 a month at 5%",
        months(1000, 0.05, 500),
    ),
    calc(
        "How many years to reach 2k/month adding 1k monthly at 6 percent, starting from $50,000?",
        months(2000, 0.06, 1000, 50_000),
    ),
    calc(
        "when will my portfolio pay 500 a month? I have 20k and add 300 a month, 4.5% yield",
        months(500, 0.045, 300, 20_000),
    ),
    calc(
        "how long to get to $3,000 monthly with $2,000 a month saved at 5%",
        months(3000, 0.05, 2000),
    ),
    calc(
        "can I get $500 a month by 2030 if I put away $800 a month at 4%?",
        months(500, 0.04, 800),
    ),
    calc(
        "how long till 1500/month from dividends, saving 6000 a year at 4%, with 10k to start",
        months(1500, 0.04, 500, 10_000),
    ),
    calc(
        "how soon do i reach $400/mo if I deposit $250 every month at 3.5 percent",
        months(400, 0.035, 250),
    ),
    calc(
        "hwo long until that pays $1,000 a month at 5%",
        months(1000, 0.05, 500, 30_000),
        history=said(["I have $30,000 saved and can add $500 a month."]),
    ),
    calc(
        "how long until I earn 750 a month at 4%",
        months(750, 0.04, 600, 40_000),
        profile={"capital": 40_000, "monthly_surplus": 600},
    ),
    # passivity of a source the person describes
    passive(
        "my etsy shop brings in 600 dollars a month and takes 30 hours a month, "
        "is that passive income",
        per_100(30, 600),
    ),
    passive(
        "is my rental passive? it nets $1.2k/month and I spend about 2 hrs a week on it",
        per_100(2 * WEEKS_A_MONTH, 1200),
    ),
    passive(
        "freelance writing pays me 2,000 a month for 20 hours a week. passive?",
        per_100(20 * WEEKS_A_MONTH, 2000),
    ),
    passive(
        "does my youtube channel count as passive if it makes $300 a month and I work "
        "10 hours a week on it",
        per_100(10 * WEEKS_A_MONTH, 300),
    ),
    passive(
        "I earn €500 per month from a vending route that needs 4 hours a month, passive or not?",
        per_100(4, 500),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.text[:60] for c in CASES])
def test_a_calculation_phrased_any_way_gets_the_closed_form_figure(advisor: Advisor, case: Case):
    answer = advisor.ask(case.text, history=case.history, profile=case.profile)
    assert answer.route == case.route, answer.answer
    expected = case.figures()
    got = sorted(f.value for f in answer.figures if f.label != "capital at the goal")
    assert got == [pytest.approx(v, rel=1e-4) for v in expected], answer.answer
    for value in expected:
        assert states(answer.answer, value, 0.005), (value, answer.answer)
    assumptions = "Assumptions:" if case.route == "calculation" else "Rule (the advisor's"
    assert assumptions in answer.answer
    assert case.shows in answer.answer
