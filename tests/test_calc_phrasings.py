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

# A second and a third set, written after the first fixes, to see whether the reading
# holds for wordings it was not fixed for (25 of 30, then 22 of 25, passed when written).
CASES += [
    calc("How much should I invest to receive $3,000 monthly at 6%?", capital(3000, 0.06)),
    calc("need 1k/mo passive. at 4% how much capital", capital(1000, 0.04)),
    calc("what's the capital required for $750 a month at 4.5 percent", capital(750, 0.045)),
    calc("to get 40,000 a year at 5% what do i need invested", capital(40_000 / 12, 0.05)),
    calc(
        "how much money do i need to make 200 bucks a week at 4 percent",
        capital(200 * WEEKS_A_MONTH, 0.04),
    ),
    calc("what amount gives £1,000/month at 3%", capital(1000, 0.03), shows="GBP"),
    calc("how much to live off 2500 a month at 4%?", capital(2500, 0.04)),
    calc("How much do I need saved for $5k monthly, assuming a 5% return", capital(5000, 0.05)),
    calc(
        "Im trying to figure out how much i need to have invested to pull 2000 a month at 4 pct",
        capital(2000, 0.04),
    ),
    calc(
        "Suppose I want 1800 per month forever. With a 4.5% yield what's the portfolio size?",
        capital(1800, 0.045),
    ),
    calc("USD 3,000 monthly at 6%: capital?", capital(3000, 0.06)),
    calc("how mch capital for $1.5k a month at 4.5% p.a.", capital(1500, 0.045)),
    calc("how much do i need for 2,5k a month at 4%", capital(2500, 0.04)),
    calc(
        "How much do I need at 4% to earn $1,000 a month? I'm 29 and have 2 kids",
        capital(1000, 0.04),
    ),
    calc("I am 40, have 3 kids, how much to generate 3k a month at 5%", capital(3000, 0.05)),
    calc("how much do I need for $2,000 a month at 4% after tax", capital(2000, 0.04)),
    calc(
        "How much do I need invested at 4% to earn $1,500 a month? I'm 52, retiring in 8 years",
        capital(1500, 0.04),
    ),
    ranged(
        "how much do i need in a money market fund to get $500 a month",
        "money_market_funds",
        lambda r: capital(500, r),
    ),
    calc(
        "what about at 6%?",
        capital(2000, 0.06),
        history=said(["How much do I need to earn $2,000 a month at 5%?"]),
    ),
    calc(
        "how much would I need for that at 4%?",
        capital(3000, 0.04),
        history=said(["My goal is $3,000 a month."]),
    ),
    calc("What does 500k pay per year at 4%?", income(500_000, 0.04)),
    calc("if I invest 75,000 at 6% how much do I get each month", income(75_000, 0.06)),
    calc("monthly income from $1M at 3.5%?", income(1_000_000, 0.035)),
    calc("how much would 10k earn me at 5 percent a year", income(10_000, 0.05)),
    calc("What's the income on 250,000 euros at four percent?", income(250_000, 0.04), shows="EUR"),
    calc("i have 40 grand, how much passive income at 7%", income(40_000, 0.07)),
    calc("what's 4% of 500k per month", income(500_000, 0.04)),
    calc("at five percent, what monthly income does $90,000 produce", income(90_000, 0.05)),
    calc("how much would my 35k bring in per month at 3%", income(35_000, 0.03)),
    calc("whats my monthly payout from 1.5 million at 4 percent", income(1_500_000, 0.04)),
    calc("what wuold $300k pay monthly at 4%", income(300_000, 0.04)),
    calc(
        "what would my savings pay at 4%?",
        income(60_000, 0.04),
        history=said(["I have $60,000 saved."]),
    ),
    calc(
        "what percentage return do I need to make 1000 a month on 300k",
        yield_needed(1000, 300_000),
    ),
    calc("what yield on $600,000 pays $36,000 a year?", yield_needed(3000, 600_000)),
    calc("required rate for 2,500 a month with 800k?", yield_needed(2500, 800_000)),
    calc("I've got $80k. What rate would I need for $400 a month?", yield_needed(400, 80_000)),
    calc("what yield turns 250k into 1k a month", yield_needed(1000, 250_000)),
    calc(
        "How long will it take to reach $2,000/month if I save $1,000 monthly at 5%?",
        months(2000, 0.05, 1000),
    ),
    calc(
        "how many months until i get 300 a month at 4% putting in 200 a month",
        months(300, 0.04, 200),
    ),
    calc(
        "when can I retire on $4,000 a month? I have $200k, invest $2k a month, 5% yield",
        months(4000, 0.05, 2000, 200_000),
    ),
    calc(
        "How long to hit 1,000 per month with 50k now and 500 per month more, at 6 percent",
        months(1000, 0.06, 500, 50_000),
    ),
    calc(
        "how long before my investments pay 600/month? adding 150 a week at 5%",
        months(600, 0.05, 150 * WEEKS_A_MONTH),
    ),
    calc("will I reach 1000 a month by 2035 investing 700 monthly at 5%?", months(1000, 0.05, 700)),
    calc(
        "years needed to get $1,500 a month investing $12,000 a year at 4.5%",
        months(1500, 0.045, 1000),
    ),
    calc(
        "how long till i can live off 3000 a month if i save 1500 a month at 5% and i already "
        "have 100k",
        months(3000, 0.05, 1500, 100_000),
    ),
    calc(
        "How many years until $1,000/mo if I put $250 a week in at 4%?",
        months(1000, 0.04, 250 * WEEKS_A_MONTH),
    ),
    calc(
        "when do I hit $2k a month investing 20k a year at 6% from zero",
        months(2000, 0.06, 20_000 / 12),
    ),
    calc(
        "i want 1k a month by 2032, i put 500 a month in at 5%, how long",
        months(1000, 0.05, 500),
    ),
    calc(
        "and if I added $1,000 a month instead?",
        months(1000, 0.05, 1000),
        history=said(["how long until $1,000 a month if I add $500 a month at 5%?"]),
    ),
    calc(
        "how long would it take at 5%?",
        months(1500, 0.05, 800, 10_000),
        profile={"capital": 10_000, "monthly_surplus": 800, "goal_monthly_income": 1500},
    ),
    passive(
        "My Airbnb nets $1,800 a month and I spend 15 hours a month on it - is that passive?",
        per_100(15, 1800),
    ),
    passive(
        "is tutoring passive? I make 1,200 a month for 10 hrs a week",
        per_100(10 * WEEKS_A_MONTH, 1200),
    ),
    passive(
        "my dividend portfolio pays 400 a month and needs 1 hour a month. is it passive income?",
        per_100(1, 400),
    ),
    passive(
        "my youtube channel earns 700 a month and i spend 3 hours a week on it, passive?",
        per_100(3 * WEEKS_A_MONTH, 700),
    ),
    passive(
        "Is driving for Uber passive? 1,500 a month for 25 hours a week",
        per_100(25 * WEEKS_A_MONTH, 1500),
    ),
]

# A fourth set, written after the second round of fixes (16 of 20 passed when written).
CASES += [
    calc(
        "If I want to quit my job and replace $4,500/month, how much do I need at 4%?",
        capital(4500, 0.04),
    ),
    calc("Capital needed for 12k per year at 3 percent", capital(1000, 0.03)),
    calc("How much must I invest to get two thousand a month at 5%?", capital(2000, 0.05)),
    calc("$1,250 a month at 5% — how much do I need?", capital(1250, 0.05)),
    calc("at a 4.25% yield, what's needed for 850 monthly", capital(850, 0.0425)),
    calc(
        "how much should i have to get €600 per month at 4 per cent",
        capital(600, 0.04),
        shows="EUR",
    ),
    calc(
        "how much do I need to earn $1,000 a month at 4%?? im 19 lol",
        capital(1000, 0.04),
    ),
    calc(
        "how much would I need?",
        capital(2000, 0.04),
        history=said(["I want $2,000 a month from investments at 4%."]),
    ),
    calc(
        "what if the yield was 6% instead?",
        capital(2000, 0.06),
        history=said(["how much do I need for 2k a month at 4%?"]),
    ),
    calc("I have 120,000 dollars. At 5% how much is that per month?", income(120_000, 0.05)),
    calc("what would 2 million pay annually at 3.5%?", income(2_000_000, 0.035)),
    calc("My 401k has $400k in it, what income would it give at 4%?", income(400_000, 0.04)),
    calc("how much do I get a month from £250k at 4.5 percent", income(250_000, 0.045)),
    calc("what's the yield needed for 100k to pay 500 a month", yield_needed(500, 100_000)),
    calc("what rate turns my $350,000 into $1,750 a month?", yield_needed(1750, 350_000)),
    calc(
        "how long would it take to get to 2500 a month saving 1200 a month at 6 percent",
        months(2500, 0.06, 1200),
    ),
    calc(
        "I have 15k, can put in 400 a month. How long until I earn 500 a month at 5%?",
        months(500, 0.05, 400, 15_000),
    ),
    calc(
        "how many years to make $3k a month if I invest $30k a year at 5% starting with $100k",
        months(3000, 0.05, 2500, 100_000),
    ),
    calc(
        "when will I have 1000/month in dividends if I invest 800/month at 4.5%?",
        months(1000, 0.045, 800),
    ),
    calc(
        "ok and with $1,500 a month?",
        months(1000, 0.045, 1500),
        history=said(["when will I have 1000/month in dividends if I invest 800/month at 4.5%?"]),
    ),
]

# A fifth set, written after the third round of fixes (16 of 20 passed when written).
CASES += [
    calc("Quick math: 4% yield, I want 2200 a month. Total needed?", capital(2200, 0.04)),
    calc(
        "to make a thousand bucks a month from investments at 6 percent how much do I need to "
        "put in",
        capital(1000, 0.06),
    ),
    calc(
        "Target: $60,000/yr in passive income. Assume 5% yield. How much capital?",
        capital(5000, 0.05),
    ),
    calc(
        "How large should my portfolio be for 3500 a month at a 3.5% withdrawal rate?",
        capital(3500, 0.035),
    ),
    calc("what do i need saved up for 900/mo at 4.5 percent", capital(900, 0.045)),
    calc(
        "With 5 % yield how much money do I need for 2.000 € per month",
        capital(2000, 0.05),
        shows="EUR",
    ),
    calc(
        "how much for 1500 a month then?",
        capital(1500, 0.05),
        history=said(["how much do I need for $1,000 a month at 5%?"]),
    ),
    calc("if i had $75k invested at 5%, how much would i make a year", income(75_000, 0.05)),
    calc("Calculate the monthly income on €400,000 at 3.75%", income(400_000, 0.0375)),
    calc("30k at 8% = how much per month?", income(30_000, 0.08)),
    calc("What's $650k at 4% per month?", income(650_000, 0.04)),
    calc("my savings are 220k. monthly income at 4.5%?", income(220_000, 0.045)),
    calc(
        "what about 3%?",
        income(100_000, 0.03),
        history=said(["what would $100k pay me a month at 4%?"]),
    ),
    calc(
        "I need $2,000 a month and I've got $400,000. What return is that?",
        yield_needed(2000, 400_000),
    ),
    calc("what % do I need on 500k for 2k monthly", yield_needed(2000, 500_000)),
    calc(
        "how long will it take me to earn $700 a month, I save $350 a month and get 5%",
        months(700, 0.05, 350),
    ),
    calc(
        "Starting from 25k, putting away 1k a month, at 6%: when do I reach 1,500/month?",
        months(1500, 0.06, 1000, 25_000),
    ),
    calc(
        "How many months to get 400 a month of interest if I deposit 500 monthly at 4%",
        months(400, 0.04, 500),
    ),
    calc(
        "i'm 30, save 2000 a month, want 3000 a month passive by retirement, 5% returns. how long",
        months(3000, 0.05, 2000),
    ),
    # "pcm", "p/m", lakh and crore
    calc("£1k pcm from dividends at 4%, how much capital?", capital(1000, 0.04), shows="GBP"),
    calc("$500 p/m at 5%: capital?", capital(500, 0.05)),
    calc("How much monthly income does 1 crore give at 6%?", income(10_000_000, 0.06)),
    calc("what does 25 lakh earn at 7.5% per annum", income(2_500_000, 0.075)),
    ranged("how much in bonds for 1k pm", "bonds_tbills_cds", lambda r: capital(1000, r)),
    # a follow-up's one amount replaces the earlier amount like it
    calc(
        "and for $4,000?",
        capital(4000, 0.04),
        history=said(["How much do I need at 4% for $3,000 a month?"]),
    ),
    calc("how about $500k?", income(500_000, 0.05), history=said(["What does $300k pay at 5%?"])),
    calc(
        "and for $30,000?",
        capital(2500, 0.04),
        history=said(["how much would I need to get $24,000 a year at 4%?"]),
    ),
    calc(
        "what if I add $1,500 instead?",
        months(2000, 0.05, 1500),
        history=said(
            ["I want $2,000 a month.", "How long would it take if I add $1,000 a month at 5%?"]
        ),
    ),
    # a supposition about rates is not a forecast; "per year?" is the same calculation
    calc(
        "what if rates drop to 3%?",
        capital(2500, 0.03),
        history=said(["how much do i need for 2500 a month at 4%"]),
    ),
    calc("per year?", income(1_000_000, 0.04), history=said(["What would $1M pay me at 4%?"])),
    calc(
        "and at 3.5%?",
        capital(1000, 0.035),
        history=said(["I'm aiming for 1000 a month in passive income."]),
    ),
    calc(
        "and at 5%, what's that monthly?",
        income(80_000, 0.05),
        history=said(["I've saved $80,000 so far."]),
    ),
    calc(
        "and if I had 50k to start?",
        months(1000, 0.05, 500, 50_000),
        history=said(["how long until $1,000 a month if I add $500 a month at 5%?"]),
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


def test_the_capital_the_person_has_is_read_beside_the_income_they_want(advisor: Advisor):
    answer = advisor.ask("I want $1,000 a month and have $20,000 and 5 hours a week")
    facts = answer.profile_facts or {}
    assert facts.get("capital") == 20_000 and facts.get("goal_monthly_income") == 1000
    assert facts.get("hours_per_week") == 5
    assert answer.route == "suggestions" and "savings of $20,000" in answer.answer


def test_an_income_with_no_yield_anywhere_takes_the_default_streams_range_and_says_so(
    advisor: Advisor,
):
    answer = advisor.ask("how much for $1,000 a month?")
    stream = load_catalog().get(get_settings().default_yield_stream)
    low, high = stream.returns.low, stream.returns.high
    assert answer.route == "calculation"
    assert [f.value for f in answer.figures] == [
        pytest.approx(capital(1000, high)),
        pytest.approx(capital(1000, low)),
    ]
    assert "used because no yield was given" in answer.answer
    assert stream.returns.source in answer.answer
    assert "say your own yield" in answer.answer and "Assumptions:" in answer.answer
    # both ends of the range written as money: "$300,000 to $400,000"
    assert f"${capital(1000, high):,.0f} to ${capital(1000, low):,.0f}" in answer.answer


def test_without_a_default_stream_the_missing_yield_is_asked_for(library_home, embedder):
    from helpers import make_settings

    advisor = Advisor(make_settings(library_home, default_yield_stream=""), embedder=embedder)
    answer = advisor.ask("how much for $1,000 a month?")
    assert answer.route == "calculation" and not answer.figures
    assert answer.answer.startswith("Which yield should I use?")


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        # a goal and a yield but nothing saved or added: asks for the saving or the start
        ("how long until I make $2,000 a month at 5%?", "what you can add a month"),
        # a rate alone: asks for the income wanted
        ("how much do I need invested at 4%?", "the monthly income you want"),
    ],
)
def test_a_missing_figure_is_asked_for_by_name(advisor: Advisor, text: str, asks: str):
    answer = advisor.ask(text)
    assert answer.route == "calculation" and not answer.figures and not answer.declined
    assert asks in answer.answer


@pytest.mark.parametrize(
    "text",
    [
        "I'm 25 with $10k, what should I invest in?",
        "Is a 5% dividend yield on a $50 stock good?",
        "My REIT pays 6% on $20k, is that sustainable?",
        "What are the risks of p2p lending at 8% on 5k?",
        "I have $20,000 of card debt at 24%. What should I invest in?",
        "I have 5k in an emergency fund at 4%, what do you think?",
        "how are dividends taxed if I earn 2k a month from them?",
        "Is 4% a safe withdrawal rate on $1M?",
    ],
)
def test_figures_in_a_question_for_advice_or_an_opinion_do_not_make_it_a_calculation(
    advisor: Advisor, text: str
):
    assert advisor.ask(text).route != "calculation"


def test_advice_asked_right_after_a_calculation_is_not_taken_for_a_follow_up(advisor: Advisor):
    history = said(["what would $100k pay me a month at 4%?"])
    assert advisor.ask("On $5k, should I pick ETFs?", history=history).route != "calculation"


def test_a_stream_whose_range_starts_at_zero_works_out_the_high_end_and_says_why(
    advisor: Advisor,
):
    answer = advisor.ask("how much do i need to earn 2,000 a month from rental property?")
    low, high = stream_range("rental_property")
    assert low == 0 and answer.route == "calculation"
    assert [f.value for f in answer.figures] == [pytest.approx(capital(2000, high))]
    assert "pays nothing at all, so only the high end is worked out" in answer.answer
    assert f"at {high * 100:g}% a year," in answer.answer
