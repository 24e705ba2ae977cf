"""The router's rules, each at its edge, with no corpus (fast enough for ``make
mutate``): follow-up calculations, questions that take an earlier turn's figures, the
spell-corrected second reading, the statement route and a wish for less effort."""

from __future__ import annotations

import pytest

from advisor.answering.router import plan, plan_message
from advisor.core.answers import Turn

CALC = "How much do I need invested at 5% to earn $1,500 a month?"


def turns(*user: str) -> list[Turn]:
    out: list[Turn] = []
    for text in user:
        out += [Turn(role="user", content=text), Turn(role="assistant", content="…")]
    return out


def test_a_follow_up_with_a_new_figure_repeats_the_last_calculation_question():
    result = plan("and at 4%?", turns(CALC))
    assert result.route == "calculation"
    assert result.asked == f"{CALC} and at 4%?"  # the words that say which calculation


def test_a_follow_up_reads_the_last_user_turn_not_the_assistants():
    history = [
        Turn(role="user", content=CALC),
        Turn(role="assistant", content="What is passive income?"),
    ]
    assert plan("and at 4%?", history).asked == f"{CALC} and at 4%?"
    answered = [
        Turn(role="user", content="What is passive income?"),
        Turn(role="assistant", content=CALC),
    ]
    assert plan("and at 4%?", answered).route is None  # the assistant asked nothing


def test_a_follow_up_needs_a_calculation_before_it_and_a_figure_in_it():
    assert plan("and at 4%?", turns("What is passive income?")).route is None
    assert plan("and at 4%?").route is None  # nothing before it
    assert plan("and what about REITs?", turns(CALC)).route != "calculation"  # no figure


def test_advice_asked_after_a_calculation_is_not_a_follow_up_calculation():
    result = plan("and should I pick REITs at 4%?", turns(CALC))
    assert result.route != "calculation" and result.asked == ""


def test_a_message_that_is_not_worded_as_a_follow_up_does_not_repeat_the_calculation():
    result = plan("Dividend stocks often pay 4%.", turns(CALC))
    assert result.asked == ""


@pytest.mark.parametrize(
    ("question", "route"),
    [
        ("how much would I need?", "calculation"),  # five words: takes the figures
        ("how much would I need overall?", None),  # six words, nothing pointing back
        ("how long would that take for someone like me?", "calculation"),  # "that"
    ],
)
def test_a_calculation_without_figures_takes_an_earlier_turns_income_or_rate(question, route):
    earlier = turns("I want $1,000 a month at 4%")
    assert plan(question, earlier).route == route


def test_an_earlier_rate_alone_is_enough_to_refer_to_and_a_sum_alone_is_not():
    assert plan("how much would I need?", turns("I want $1,000 a month.")).route == (
        "calculation"  # an income alone
    )
    assert plan("how much would I need?", turns("Is 4% a good yield?")).route == "calculation"
    assert plan("how much would I need?", turns("I have $20,000 saved.")).route != "calculation"
    assert plan("how much would I need?").route != "calculation"  # nothing earlier


def test_the_spelt_message_is_routed_when_the_typed_one_reads_no_route():
    typed = "how mcuh do I ned to earn $1,000 a month at 4%?"
    spelt = "how much do I need to earn $1,000 a month at 4%?"
    assert plan(typed).route is None
    result = plan_message(typed, spelt)
    assert result.route == "calculation" and result.text == spelt


def test_the_typed_message_wins_when_it_reads_a_route_and_no_route_stays_none():
    typed = "How much do I need invested at 5% to earn $1,500 a month?"
    result = plan_message(typed, "What is passive income?")
    assert result.route == "calculation" and result.text == typed
    result = plan_message(typed, "bonds or dividend stocks, which is safer?")
    assert result.route == "calculation" and result.text == typed  # not the comparison
    result = plan_message("What is pasive income?", "What is passive income?")
    assert result.route is None and result.text == "What is pasive income?"


def test_a_question_about_the_persons_own_income_goes_to_their_statements():
    result = plan("What share of my income is passive?")
    assert result.route == "statement" and result.statement is not None
    assert plan("What share of income is passive in general?").route != "statement"


def test_a_wish_for_less_effort_is_a_preference_unless_it_names_a_stream():
    assert plan("anything more hands-off?", turns("Which streams suit me?")).route == "preference"
    assert plan("fewer hours would be better", turns("Which streams suit me?")).route == (
        "preference"
    )
    assert plan("fewer hours would be better").route is None  # not mid-chat: no wish stated
    assert plan("are REITs more hands-off?", turns("Which streams suit me?")).route != (
        "preference"
    )


def test_both_readings_keep_the_settings_that_say_where_the_persons_data_is(tmp_path):
    from advisor.core.settings import Settings

    settings = Settings(home=tmp_path)
    assert plan_message(CALC, CALC, settings=settings).settings is settings
    typed = "how mcuh do I ned to earn $1,000 a month at 4%?"
    spelt = "how much do I need to earn $1,000 a month at 4%?"
    assert plan_message(typed, spelt, settings=settings).settings is settings


def test_figures_alone_can_imply_a_calculation_with_no_cue_word():
    assert plan("$750 a month at 4.5 percent: the capital?").route == "calculation"
