"""The basics first: an emergency fund of about three months and no costly debt come
before any stream that can fall, in the suggestions, the chat and the facts it reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make_settings

from advisor.answering.engines.fake import FakeEngine
from advisor.answering.service import Advisor
from advisor.conversation.facts import describe, extract_facts
from advisor.recommender import answer_for, load_catalog, suggest
from advisor.recommender.basics import BUFFER_MONTHS, buffer_months, check, principle_answer
from advisor.users.profile import Profile

CATALOG = load_catalog()
CAN_FALL = {s.id for s in CATALOG.streams if s.risk >= 3}
SAFE = {"money_market_funds"}


def shown(profile: Profile) -> list[str]:
    return [s.stream for s in suggest(profile, top=len(CATALOG.streams)).suggestions]


# -- facts from the chat ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        (
            "I have $20,000 of card debt at 24%",
            {"high_interest_debt": 20000.0, "debt_rate": 24.0, "currency": "USD"},
        ),
        ("my expenses are $3,000 a month", {"monthly_expenses": 3000.0, "currency": "USD"}),
        ("I have no emergency fund", {"emergency_fund": 0.0}),
        (
            "I owe 8k on my credit card at 19.9% APR",
            {"high_interest_debt": 8000.0, "debt_rate": 19.9},
        ),  # fmt: skip
        (
            "I have 2 months of expenses saved and no credit card debt",
            {"emergency_fund_months": 2.0, "high_interest_debt": 0.0},
        ),  # fmt: skip
        ("I have $5,000 in an emergency fund", {"emergency_fund": 5000.0, "currency": "USD"}),
    ],
)
def test_the_basics_typed_in_the_chat_become_profile_fields(text, facts):
    assert extract_facts(text) == facts


def test_card_debt_is_never_read_as_savings():
    facts = extract_facts("I have $20,000 of card debt at 24%. What should I invest in?")
    assert "capital" not in facts and facts["high_interest_debt"] == 20000
    assert describe(facts) == "high-interest debt of $20,000 at 24% a year"


# -- the recommender --------------------------------------------------------------------


def test_no_emergency_fund_puts_the_buffer_first_and_nothing_that_can_fall():
    p = Profile(capital=0, monthly_surplus=500, emergency_fund=0, high_interest_debt=0)
    result = suggest(p)
    assert result.first_step and "emergency fund" in result.first_step
    assert "sell investments at a bad time" in result.first_step  # the reason
    assert not CAN_FALL & set(shown(p))  # the review saw ETFs and REITs 2nd and 3rd


def test_card_debt_at_24_percent_comes_before_dividend_stocks():
    p = Profile(capital=30_000, high_interest_debt=20_000, debt_rate=24,
                emergency_fund_months=4, risk_tolerance="high")  # fmt: skip
    result = suggest(p)
    assert result.first_step.startswith("First things first: Pay off the $20,000")
    assert "24% a year" in result.first_step and "no risk" in result.first_step
    assert not CAN_FALL & set(shown(p))


def test_cheap_debt_and_a_full_buffer_leave_the_suggestions_alone():
    p = Profile(capital=30_000, high_interest_debt=10_000, debt_rate=3, emergency_fund=9_000,
                monthly_expenses=2_000, risk_tolerance="high", horizon_years=20)  # fmt: skip
    assert buffer_months(p) == 4.5 and not check(p).unmet
    result = suggest(p)
    assert result.first_step is None and result.basics == []
    assert CAN_FALL & set(shown(p))


def test_the_buffer_target_is_three_months_of_expenses():
    p = Profile(emergency_fund=4_000, monthly_expenses=2_000, high_interest_debt=0)
    steps = check(p).steps
    assert len(steps) == 1 and "$6,000" in steps[0] and "you have 2.0 months" in steps[0]
    assert BUFFER_MONTHS == 3


def test_unknown_basics_are_asked_for_first_not_assumed():
    p = Profile(capital=50_000, hours_per_week=5, risk_tolerance="medium", horizon_years=10)
    result = suggest(p)
    assert result.missing[:3] == ["emergency_fund", "monthly_expenses", "high_interest_debt"]
    assert result.first_step is None and CAN_FALL & set(shown(p))


def test_the_chat_answer_leads_with_the_debt_and_says_why():
    p = Profile(capital=30_000, high_interest_debt=20_000, debt_rate=24)
    text, _ = answer_for(p)
    assert text.startswith("First things first: Pay off the $20,000 of high-interest debt")
    assert "Dividend stocks" not in text and "REIT" not in text


# -- principle questions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("Should I put my emergency fund in a REIT?", "not an investment"),
        ("Is it smart to invest my emergency savings in stocks?", "cannot fall"),
        ("Should I invest while carrying card debt?", "Pay off high-interest debt"),
        ("I have credit card debt, should I buy dividend stocks?", "Pay off high-interest debt"),
        # money needed within two years, in what can fall
        (
            "I need the money in 6 months for a house down payment. Should I buy stocks?",
            "Money you need within 6 months should not be in anything that can fall",
        ),
        ("I'll need 20k next year, should I put it in REITs?", "Money you need next year"),
        ("Are REITs good in the short term?", "Money you need in the short term"),
    ],
)
def test_principle_questions_get_the_principle_not_a_pitch(question, says):
    answer = principle_answer(question)
    assert answer is not None and says in answer
    assert "REITs allow" not in answer


@pytest.mark.parametrize(
    "question",
    [
        "What is a REIT?",
        "How do dividend ETFs work?",
        "What is an emergency fund?",
        "I've been investing for 6 months, should I buy more stocks?",  # a past span
        "I need the money in 10 years: should I buy index funds?",  # long enough
        "I need the money in 6 months: is a money-market fund fine?",  # cannot fall
    ],
)
def test_other_questions_get_no_principle(question):
    assert principle_answer(question) is None


def test_the_principle_uses_the_persons_own_figures():
    p = Profile(high_interest_debt=5_000, debt_rate=22)
    assert "22% a year" in principle_answer("Should I invest with this card debt?", p)


# -- the chat, end to end ---------------------------------------------------------------


@pytest.fixture
def advisor(home_copy: Path, embedder) -> Advisor:  # type: ignore[no-untyped-def]
    return Advisor(make_settings(home_copy), embedder=embedder, engine=FakeEngine())


def test_card_debt_in_the_chat_is_answered_with_paying_it_first(advisor):
    answer = advisor.ask("I have $20,000 of card debt at 24%. What should I invest in?")
    assert answer.engine == "recommender"
    assert "Pay off the $20,000 of high-interest debt at 24% a year" in answer.answer
    assert "Dividend stocks" not in answer.answer


def test_the_ui_profile_form_saves_and_loads_the_basics(home_copy: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from advisor.interfaces.ui.common import user_of
    from advisor.interfaces.ui.profile_tab import ProfileTab
    from advisor.users.profile import BASICS_INPUTS
    from advisor.users.profile_store import load_profile

    tab = ProfileTab(Advisor(make_settings(home_copy), embedder=embedder, engine=FakeEngine()))
    basics = {"emergency_fund": 6000, "emergency_fund_months": None, "monthly_expenses": 2000,
              "high_interest_debt": 5000, "debt_rate": 24}  # fmt: skip
    status = tab.save_profile_form(
        1000, None, None, None, "", None, None, "USD", None, *basics.values(), request=None
    )
    assert status.startswith("Saved")
    saved = load_profile(tab.advisor.settings, user_of(None))
    assert {name: getattr(saved, name) for name in BASICS_INPUTS} == basics
    values = tab.load_profile_form(request=None)  # type: ignore[arg-type]
    assert values[9:14] == list(basics.values())  # after the nine older fields, in order


def test_the_chat_examples_for_the_basics_are_read_back_as_those_fields():
    from advisor.interfaces.cli.suggest_cmd import _EXAMPLES
    from advisor.recommender.chat import _SAY
    from advisor.users.profile import BASICS_FIELDS, set_field

    for name in BASICS_FIELDS:
        assert name in extract_facts(_SAY[name]), _SAY[name]
        assert getattr(set_field(Profile(), name, _EXAMPLES[name]), name) is not None
