"""The router and the worked answers' parts, without the store: reading numbers,
naming streams, choosing a route, and each handler's text and figures (every expected
figure is computed here with the closed form, never typed)."""

from __future__ import annotations

import math

import pytest

from advisor.answering.router import plan
from advisor.core.answers import Turn
from advisor.recommender import load_catalog
from advisor.worked import passive
from advisor.worked.base import Citer, best_quote
from advisor.worked.calculation import calculate
from advisor.worked.comparison import compare
from advisor.worked.names import mentions
from advisor.worked.phrasing import changed_figures, states
from advisor.worked.preference import moves, stated_facts, update
from advisor.worked.reading import read_numbers


def test_reading_tells_income_from_contribution_and_sum():
    numbers = read_numbers("How long until $10k pays $800 a month if I add $400 a month at 4%?")
    roles = [(a.role, a.value) for a in numbers.amounts]
    assert roles == [("sum", 10_000.0), ("income", 800.0), ("contribution", 400.0)]
    assert numbers.rates == [0.04] and numbers.currency == "USD"


def test_reading_hours_and_yearly_amounts():
    numbers = read_numbers("It pays 12,000 euros a year and takes 25 hours a month")
    assert numbers.hours_per_month == 25.0
    assert numbers.amounts[0].per == "year" and numbers.amounts[0].currency == "EUR"


def test_powers_and_negatives_are_read_as_written():
    assert read_numbers("earn 10^15 a month").amounts[0].value == 10.0**15
    assert read_numbers("income of -$500 a month").amounts[0].value == -500.0


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("call me at 5 pm about 200k", [(200_000, None)]),  # a time of day, not money
        ("1.5k p.m. please", [(1500, "month")]),
        ("my rent is $2,000", [(2000, "month")]),  # a rent is a month's
        ("a $70k salary", [(70_000, "year")]),  # a salary a year's
        ("a $3,000 salary", [(3000, "month")]),  # ... unless it is too small for that
        ("$1,200 a quarter", [(400, "month")]),
        ("$30 a day", [(30 * 365 / 12, "month")]),
        ("half a million", [(500_000, None)]),
        ("2 crore and 5 lakh", [(20_000_000, None), (500_000, None)]),
    ],
)
def test_amounts_are_read_with_the_period_their_words_give(text, amounts):
    got = [(a.value, a.per) for a in read_numbers(text).amounts]
    assert got == [(pytest.approx(v), per) for v, per in amounts]


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("in 25 years", 300),
        ("after 18 months", 18),
        ("for the next ten years", 120),
        ("by 60 if I'm 35 now", 300),
        ("I am 40 and want it by age 65", 300),
        ("at 7%, I'm 30", None),
    ],
)
def test_a_span_of_time_is_read_in_months(text, months):
    assert read_numbers(text).duration_months == months


def test_a_rate_of_inflation_is_not_read_as_a_yield():
    assert read_numbers("with 3% inflation and a 5% yield").rates == [0.05]
    assert read_numbers("inflation of 2.5%, return 6%").rates == [0.06]


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        ("stocks or real estate", ["dividend_stocks", "rental_property"]),
        ("REIT vs a rental", ["reits", "rental_property"]),
        ("p2p or a money fund", ["p2p_lending", "money_market_funds"]),
        ("blog or course", ["blog_ads", "online_courses"]),
    ],
)
def test_sides_are_named_in_any_wording(text, sides):
    assert [m.stream for m in mentions(text)] == sides
    assert plan(text).route == "comparison"


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("How much do I need invested at 5% to earn $1,500 a month?", "calculation"),
        ("How long until my savings pay $800 a month if I add $400 a month at 4%?", "calculation"),
        ("My side business makes $900 a month, takes 25 hours a month: is that passive?",
         "passivity"),
        ("Is rental property really passive?", "passivity"),
        ("bonds or dividend stocks, which is safer?", "comparison"),
        ("I prefer low risk", "preference"),
        ("what if I had $50k", "preference"),
        ("What is passive income?", None),
        ("When will interest rates drop below 4%?", None),  # a forecast, not a sum
        ("will the stock market crash before 2030?", None),
        ("When will my savings pay $500 a month if I add $300 a month at 4%?", "calculation"),
        ("how many articles are on the smart passive income blog", None),
        ("shud i spread my money over stocks bonds n property or nah", None),
    ],
)  # fmt: skip
def test_the_route_is_chosen_by_rules(text, route):
    assert plan(text).route == route


def test_a_fact_without_a_cue_is_a_preference_only_in_a_conversation():
    turns = [
        Turn(role="user", content="Which streams suit me?"),
        Turn(role="assistant", content="…"),
    ]
    assert plan("I have 3 hours a week", turns).route == "preference"
    assert plan("I have 3 hours a week").route is None


def test_capital_needed_leads_with_the_closed_form_figure():
    text = "How much do I need invested at 5% to earn $1,500 a month?"
    worked = calculate(text, read_numbers(text))
    assert worked is not None
    expected = 1500 * 12 / 0.05
    assert [f.value for f in worked.figures] == [pytest.approx(expected)]
    assert worked.text.startswith(f"**You need ${expected:,.0f} invested**")
    assert "Formula:" in worked.text and "Assumptions:" in worked.text


def test_months_to_goal_matches_the_closed_form():
    text = "How long until my savings pay $800 a month if I add $400 a month at 4%?"
    worked = calculate(text, read_numbers(text))
    assert worked is not None
    r, target = 0.04 / 12, 800 * 12 / 0.04
    months = math.ceil(math.log((target * r + 400) / 400) / math.log(1 + r))
    assert worked.figures[0].value == months
    assert f"{months} months" in worked.text


def test_no_yield_takes_the_catalog_range_and_says_where_it_comes_from():
    text = "How much do I need in dividend ETFs to earn $1,000 a month?"
    stream = load_catalog().get("dividend_etfs")
    worked = calculate(text, read_numbers(text), stream=stream)
    assert worked is not None
    low, high = stream.returns.low, stream.returns.high
    assert [f.value for f in worked.figures] == [
        pytest.approx(1000 * 12 / high),
        pytest.approx(1000 * 12 / low),
    ]
    assert stream.returns.source in worked.text and "not a promise" in worked.text


def test_missing_inputs_come_from_earlier_turns():
    earlier = [read_numbers("I want $2,000 a month")]
    text = "how much capital would I need at 4%?"
    worked = calculate(text, read_numbers(text), earlier)
    assert worked is not None and worked.figures[0].value == pytest.approx(2000 * 12 / 0.04)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("how much income does $200,000 give at 0%?", "above 0%"),
        ("How much do I need to earn -$500 a month at 4%?", "negative"),
        ("How much do I need to earn 10^15 a month at 4%?", "check the number"),
        ("How much do I need to earn $1,000 a month?", "Which yield"),
    ],
)
def test_absurd_or_missing_inputs_get_one_line(text, says):
    worked = calculate(text, read_numbers(text))
    assert worked is not None and not worked.figures
    assert says in worked.text and "\n" not in worked.text


def test_passivity_from_the_persons_figures():
    text = "My side business makes $900 a month and takes 25 hours a month"
    worked = passive.from_figures(text, read_numbers(text), Citer())
    assert worked is not None
    per_100 = 25 / 900 * 100
    assert worked.figures[0].value == pytest.approx(per_100, rel=1e-4)
    assert worked.text.startswith("**Active**: it stops paying when you stop")


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # a job is active however well it pays (the review's $20,000 for 160 hours)
        ("My job pays $20,000 a month for 160 hours", "**Active**: employment is active"),
        ("My salary is $64,000 a month for 160 hours a month", "**Active**: employment"),
        ("I make 1500 euros a month tutoring, 40 hours a month", "**Active**: it stops paying"),
        # income that keeps coming is rated by the hours it still takes
        ("My rental pays $2,000 a month and takes 4 hours a month", "**Passive**"),
        ("My blog makes $300 a month for 20 hours a month", "**Semi-passive**"),
    ],
)
def test_passivity_asks_whether_the_income_keeps_coming_then_the_hours(text, verdict):
    worked = passive.from_figures(text, read_numbers(text), Citer())
    assert worked is not None and worked.text.startswith(verdict), worked.text
    assert "high pay does not make work passive" in worked.text


def test_passivity_from_the_catalog_cites_its_quote():
    stream = load_catalog().get("rental_property")
    worked = passive.from_catalog(stream, Citer(), None)
    assert stream.passivity in worked.text and "[1]" in worked.text
    assert worked.passages[0].text == best_quote(stream).text


def test_comparison_table_quotes_and_verdict_for_a_profile():
    catalog = load_catalog()
    text = "REIT vs a rental, which is safer?"
    profile = {"capital": 20000, "hours_per_week": 3, "risk_tolerance": "low"}
    worked = compare(text, mentions(text), catalog, profile)
    assert worked.comparison is not None
    assert [s.stream for s in worked.comparison.sides] == ["reits", "rental_property"]
    assert "| Risk (1-5) | 3/5 | 4/5 |" in worked.text
    assert worked.text.count("“") == 2 and "[1]" in worked.text and "[2]" in worked.text
    assert "On risk: REITs" in worked.text and "For you, REITs" in worked.text


def test_a_side_the_catalog_lacks_is_named_not_invented():
    text = "a youtube channel or dividend stocks, which is safer?"
    worked = compare(text, mentions(text), load_catalog())
    assert "Not in the advisor's catalog: youtube channel" in worked.text
    assert worked.comparison is not None and worked.comparison.sides[-1].stream is None


def test_bonds_are_compared_from_the_catalogs_fixed_income_stream():
    text = "bonds or dividend stocks, which is safer?"
    worked = compare(text, mentions(text), load_catalog())
    assert worked.comparison is not None
    assert {s.stream for s in worked.comparison.sides} == {"bonds_tbills_cds", "dividend_stocks"}
    assert "Not in the advisor's catalog" not in worked.text


def test_a_worked_answer_lists_only_the_passages_it_cites_in_order():
    from advisor.core.answers import Passage

    retrieved = Passage(id="x", text="Some text.", source="a.md", title="A", doc_id="a.md")
    text = "p2p or a money fund?"
    worked = compare(text, mentions(text), load_catalog(), citer=Citer([retrieved]))
    assert retrieved not in worked.passages and len(worked.passages) == 2
    assert "[1]" in worked.text and "[2]" in worked.text


def test_preference_facts_and_what_moved():
    assert stated_facts("I'd rather keep the risk low") == {"risk_tolerance": "low"}
    assert stated_facts("what if I had $50k")["capital"] == 50_000.0
    before = {"capital": 20000, "hours_per_week": 10, "risk_tolerance": "high"}
    lines = moves(before, {**before, "risk_tolerance": "low"})
    assert lines, "a change of risk tolerance moves the ranking"
    worked = update({"risk_tolerance": "low"}, before)
    assert worked.text.startswith("Noted: low risk tolerance (changed: risk tolerance high → low)")
    assert worked.facts == {"risk_tolerance": "low"}


def test_a_phrased_answer_that_changes_a_figure_is_flagged():
    text = "How much do I need invested at 5% to earn $1,500 a month?"
    worked = calculate(text, read_numbers(text))
    assert worked is not None
    assert changed_figures("You need 360,000 dollars.", worked.figures) == []
    assert changed_figures("You need about 300,000.", worked.figures)
    assert states("a 4.8% yield", 0.048)


def test_a_contribution_named_after_its_amount():
    numbers = read_numbers("how long to reach $1,000/month with $200 monthly contributions at 5%?")
    assert [(a.role, a.value) for a in numbers.amounts] == [
        ("income", 1000.0),
        ("contribution", 200.0),
    ]


def test_a_why_question_is_left_to_the_articles():
    assert plan("why would owning a SaaS product be more passive than a coffee shop").route is None
    assert plan("SaaS or a coffee shop, which is more passive?").route == "comparison"
