"""The wordings a person types for each worked kind, read the same as the plain ones:
amounts ("20k", "$1.5k", "1,5 million", "10 000", "USD 20,000"), rates ("4 percent",
"4,5%", "4 pct"), periods ("per year", "annually", "/mo", "p.a."), "how soon",
"what would X pay me"; a wish for less hassle as a time and effort criterion; and a
question that names a catalog stream is never said to be not covered. Every expected
figure is computed here from the stated inputs with the closed form, never typed."""

from __future__ import annotations

import math

import pytest

from advisor.answering.coverage import covers, not_covered
from advisor.answering.router import plan
from advisor.core.answers import Passage, Turn
from advisor.core.formats import money
from advisor.recommender import load_catalog
from advisor.worked.calculation import calculate
from advisor.worked.comparison import compare
from advisor.worked.dispatch import work
from advisor.worked.effort import names_effort, wants_less_effort
from advisor.worked.names import mentions
from advisor.worked.reading import read_numbers


def income_from(capital: float, rate: float) -> float:
    return capital * rate / 12


def months_to(goal: float, rate: float, add: float) -> int:
    r, target = rate / 12, goal * 12 / rate
    return math.ceil(math.log((target * r + add) / add) / math.log(1 + r))


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("what would 20k pay me", 20_000, None),
        ("what would $1.5k pay me", 1_500, "USD"),
        ("what would 1,5 million pay me", 1_500_000, None),
        ("what would $1.5M pay me", 1_500_000, "USD"),
        ("what would 10 000 dollars pay me", 10_000, "USD"),
        ("USD 20,000, what monthly income?", 20_000, "USD"),
        ("what would 100 grand pay me", 100_000, None),
        ("what would €30k give me", 30_000, "EUR"),
    ],
)
def test_amounts_are_read_in_the_forms_people_type(text, value, currency):
    numbers = read_numbers(text)
    assert [(a.value, a.role) for a in numbers.amounts] == [(pytest.approx(value), "sum")]
    assert numbers.currency == currency


@pytest.mark.parametrize(
    ("text", "rate"),
    [("at 4 percent", 0.04), ("at 4,5%", 0.045), ("at 4 pct", 0.04), ("at 5 per cent", 0.05)],
)
def test_rates_are_read_in_the_forms_people_type(text, rate):
    assert read_numbers(f"what would $20,000 {text} pay me").rates == [pytest.approx(rate)]


@pytest.mark.parametrize(
    ("text", "per"),
    [
        ("$1,000 a month", "month"),
        ("$1,000 monthly", "month"),
        ("$1k/mo", "month"),
        ("$12,000 per year", "year"),
        ("$12,000 annually", "year"),
        ("$12,000 p.a.", "year"),
        ("$12,000 per annum", "year"),
    ],
)
def test_periods_are_read_in_the_forms_people_type(text, per):
    (amount,) = read_numbers(f"I want {text}").amounts
    assert amount.per == per and amount.role == "income"


@pytest.mark.parametrize(
    ("text", "capital", "rate"),
    [
        ("what would 20k at 4 percent pay me monthly", 20_000, 0.04),
        ("what would $1.5k at 5% pay me a month?", 1_500, 0.05),
        ("What would 1,5 million at 4% pay me per year?", 1_500_000, 0.04),
        ("what would $1.5M at 4,5% pay me per annum", 1_500_000, 0.045),
        ("what would 2.5K at 4% yield each year", 2_500, 0.04),
        ("USD 20,000 at 3.5 percent, what monthly income?", 20_000, 0.035),
    ],
)
def test_what_would_a_sum_pay_me_is_an_income_calculation(text, capital, rate):
    assert plan(text).route == "calculation"
    worked = calculate(text, read_numbers(text))
    assert worked is not None and worked.figures
    assert worked.figures[0].label == "monthly income"
    assert worked.figures[0].value == pytest.approx(income_from(capital, rate))


@pytest.mark.parametrize(
    ("text", "goal", "add", "rate"),
    [
        ("how soon can I get 600 a month putting away 250 monthly at 4 pct", 600, 250, 0.04),
        ("how long to reach $800 a month if I add $400 monthly at 4 percent", 800, 400, 0.04),
        ("how many years to get to $500/month with $200 a month at 6%", 500, 200, 0.06),
        ("with $300 a month, how long until I get $900 a month at 5%", 900, 300, 0.05),
        (
            "how long before my savings pay $1k/mo if I save $500 a month at 5% p.a.",
            1000,
            500,
            0.05,
        ),
    ],
)
def test_how_long_to_reach_reads_the_goal_and_the_monthly_saving(text, goal, add, rate):
    assert plan(text).route == "calculation"
    worked = calculate(text, read_numbers(text))
    assert worked is not None and worked.figures
    assert worked.figures[0].value == months_to(goal, rate, add)
    currency = "USD" if "$" in text else None
    assert f"pays {money(goal, currency)}" in worked.text
    assert f"adding {money(add, currency)}" in worked.text


def test_capital_for_an_income_with_a_decimal_comma_rate():
    text = "how much do I need to earn 1500 a month at 4,5%"
    worked = calculate(text, read_numbers(text))
    assert worked is not None
    assert worked.figures[0].value == pytest.approx(1500 * 12 / 0.045)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("what would $0 at 5% pay me monthly", "A sum of 0 pays nothing"),
        ("how long to reach 0 a month adding 100 a month at 4%", "An income of 0"),
    ],
)
def test_a_zero_amount_gets_one_line(text, says):
    worked = calculate(text, read_numbers(text))
    assert worked is not None and worked.text.startswith(says) and not worked.figures


@pytest.mark.parametrize(
    "text",
    [
        "blog or online course: which is less hassle?",
        "a blog or an ebook, which is more hands-off?",
        "affiliate marketing vs digital products, which needs less effort?",
        "dividend ETFs or a rental, which is less work?",
        "REITs or rental property: which takes fewer hours?",
    ],
)
def test_less_hassle_decides_a_comparison_on_hours(text):
    worked = compare(text, mentions(text), load_catalog())
    assert worked.comparison is not None
    sides = [load_catalog().get(s.stream) for s in worked.comparison.sides if s.stream]
    least = min(s.hours_per_week.typical for s in sides)
    named = [s.name for s in sides if s.hours_per_week.typical == least]
    if len(named) == len(sides):
        assert "On hours the catalog rates them the same." in worked.text
    else:
        assert f"On hours: {' and '.join(named)} (fewer hours)" in worked.text


@pytest.mark.parametrize(
    "text",
    [
        "I'd rather have something with less hassle",
        "anything more hands-off?",
        "which streams take the least work?",
        "I want something low-maintenance",
        "I want less of a time commitment",
        "show me lower effort options",
    ],
)
def test_a_wish_for_less_hassle_is_a_time_preference(text):
    assert wants_less_effort(text) and names_effort(text)
    assert plan(text).route == "preference"


def test_less_hassle_mid_chat_reorders_by_hours_and_says_where_each_stood():
    turns = [
        Turn(role="user", content="I have $20,000, 10 hours a week and medium risk tolerance"),
        Turn(role="assistant", content="Streams that suit your profile, best fit first: …"),
    ]
    text = "fewer hours would be better"
    routed = plan(text, turns)
    assert routed.route == "preference" and routed.facts == {}
    worked = work(routed, text, None, [])
    assert worked is not None and worked.route == "preference"
    assert worked.text.startswith("Noted: you want something that takes less of your time")
    listed = [line for line in worked.text.splitlines() if line[:2] in {"1.", "2.", "3."}]
    catalog = {s.name: s for s in load_catalog().streams}
    upkeep = [
        catalog[line.split(". ", 1)[1].split(":")[0]].upkeep_hours_per_month for line in listed
    ]
    assert upkeep == sorted(upkeep) and all("(was " in line for line in listed)
    assert "How many hours a week could you give?" in worked.text
    assert worked.facts == {}  # nothing invented to save


@pytest.mark.parametrize(
    "text",
    [
        "is a REIT hands-off?",  # about one stream: the articles or its passivity
        "do I have to babysit my investments all the time?",
        "what is passive income?",
    ],
)
def test_questions_about_effort_are_not_taken_for_a_wish(text):
    assert plan(text).route != "preference"


@pytest.mark.parametrize(
    "question",
    [
        "could you break down drop shipping for a total beginner",
        "tell me about robo advisors like I'm five",
        "peer-to-peer lending, in simple words?",
    ],
)
def test_a_question_naming_a_catalog_stream_is_covered_whatever_its_score(question):
    far = Passage(id="x", text="Unrelated.", source="a.md", title="A", doc_id="a.md", score=0.05)
    assert covers(question, [far]) and covers(question, [])
    assert not covers("how do I fix my bicycle chain", [far])  # the score rule still holds
    # a figure of the moment is not in the articles, whatever stream it names
    assert not covers("what is the current yield on a money market fund?", [far])


def test_an_explain_question_naming_a_stream_is_answered_not_refused(advisor):
    answer = advisor.ask("could you break down drop shipping for a total beginner")
    assert answer.answer != not_covered() and not answer.declined
    assert any(c.cited for c in answer.citations)


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        ("REITs v rental property", ["reits", "rental_property"]),
        ("REITs v. a rental?", ["reits", "rental_property"]),
        ("dividend stocks compared to bonds", ["dividend_stocks", "bonds_tbills_cds"]),
        ("should I go with a blog or a course", ["blog_ads", "online_courses"]),
        ("difference between p2p lending and bonds", ["p2p_lending", "bonds_tbills_cds"]),
    ],
)
def test_comparisons_in_other_wordings(text, sides):
    routed = plan(text)
    assert routed.route == "comparison"
    assert [m.stream for m in routed.found if m.stream] == sides


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("I could put in 5 hrs a week", 5.0),
        ("I can do 3 hours a week", 3.0),
        ("I could find 4 hours a week", 4.0),
        ("only 2 hours per week actually", 2.0),
    ],
)
def test_hours_offered_mid_chat_are_a_preference(text, hours):
    turns = [
        Turn(role="user", content="I have $20,000 and 10 hours a week"),
        Turn(role="assistant", content="Streams that suit your profile, best fit first: …"),
    ]
    routed = plan(text, turns)
    assert routed.route == "preference" and routed.facts["hours_per_week"] == hours


def test_a_wish_for_less_hassle_still_puts_the_basics_first():
    from advisor.worked.preference import least_effort

    worked = least_effort({"capital": 5000, "high_interest_debt": 8000, "debt_rate": 24})
    assert worked.text.startswith("First things first")
    assert "Noted: you want something that takes less of your time" in worked.text
