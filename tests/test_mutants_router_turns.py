"""The router's rules for conversations and phone typing, each at its edge, with no
corpus (fast enough for ``make mutate``): a tax or a span of time as the new figure of a
follow-up, a stream with a typical yield standing for the rate, the stream and the pay
of the turn before, which questions with no figure still ask a calculation, and the
words typed on a phone."""

from __future__ import annotations

import pytest

from advisor.answering.router import phone_words, plan
from advisor.core.answers import Turn

INCOME_CALC = "What does $300k pay at 5%?"


def turns(*user: str, said: str = "…") -> list[Turn]:
    out: list[Turn] = []
    for text in user:
        out += [Turn(role="user", content=text), Turn(role="assistant", content=said)]
    return out


# -- a follow-up whose only new figure is a tax rate or a span of time -----------------


def test_a_tax_rate_alone_is_the_new_figure_of_a_follow_up():
    result = plan("and after a 20% tax?", turns(INCOME_CALC))
    assert result.route == "calculation"
    assert result.asked == f"{INCOME_CALC} and after a 20% tax?"


def test_a_span_of_time_alone_is_the_new_figure_of_a_follow_up():
    first = "how much will I have in 10 years if I invest $400 a month at 8%?"
    result = plan("and in 20 years?", turns(first))
    assert result.route == "calculation" and result.asked == f"{first} and in 20 years?"


def test_a_tax_word_does_not_make_a_follow_up_a_request_for_advice():
    # "tax" alone reads as an opinion asked ("is it taxed?"); with its rate it is a figure
    assert plan("and what about tax?", turns(INCOME_CALC)).route != "calculation"


# -- a stream with a typical yield stands for the rate ----------------------------------


def test_how_much_with_a_stream_that_has_a_yield_takes_the_earlier_income():
    before = turns("I want $3,000 a month of passive income.")
    assert plan("How much if I use dividend stocks?", before).route == "calculation"
    # a blog has no yield in the catalog: nothing to work it out with
    assert plan("How much if I use a blog?", before).route != "calculation"


def test_a_sum_and_a_yield_stream_with_pay_words_imply_an_income():
    assert plan("half a million in bonds whats the income per month").route == "calculation"
    assert plan("half a million in a blog whats the income per month").route != "calculation"


def test_a_question_pointing_back_takes_the_earlier_sum():
    result = plan("and at 5%, what's that monthly?", turns("I've saved $80,000 so far."))
    assert result.route == "calculation" and result.asked == ""


# -- the stream named in the turn before ------------------------------------------------


def test_the_stream_of_the_users_last_turn_is_used_for_the_yield():
    result = plan("whats the monthly income", turns("Suppose I put 300k into REITs"))
    assert result.route == "calculation"
    assert [m.stream for m in result.found if m.stream] == ["reits"]


def test_the_earlier_stream_is_not_used_when_that_turn_gave_a_rate():
    result = plan("whats the monthly income", turns("Suppose I put 300k into REITs at 6%"))
    assert result.route == "calculation" and result.found == []


def test_only_the_users_turns_name_the_earlier_stream():
    result = plan("whats the monthly income", turns("Suppose I put 300k in", said="REITs?"))
    assert result.route == "calculation" and result.found == []


def test_the_previous_user_turn_is_kept_for_the_handler():
    assert plan("x", turns("first", "second")).previous == "second"
    assert plan("x").previous == ""


# -- is it passive? with the pay in the turn before ------------------------------------


def test_the_pay_of_the_turn_before_and_the_hours_of_this_one_describe_a_source():
    ask = "i work on it 20 hours per month, so passive or active?"
    assert plan(ask, turns("my blog earns €200 monthly")).route == "passivity"
    assert plan(ask).route != "passivity"  # no pay anywhere
    assert plan(ask, turns("I have €200 saved")).route != "passivity"  # a sum is no pay


def test_a_sum_beside_the_hours_in_the_same_message_is_the_pay():
    assert plan("side hustle doing deliveries 6h a month for 200 is it passive").route == (
        "passivity"
    )


# -- questions with no figure that still ask a calculation -------------------------------


@pytest.mark.parametrize(
    ("text", "before", "route"),
    [
        ("so how much do i need", ("I want 40k a year in passive income",), "calculation"),
        ("how much capital do I need to earn a monthly income?", (), "calculation"),
        ("how much capital do I need to start a blog?", (), None),
        ("What yield do I need?", (), "calculation"),
        ("What is a good yield for REITs?", (), None),
        ("how long until I can live off my investments", (), "calculation"),
        ("How long does it take to build a blog?", (), None),
        ("what would p2p lending pay me monthly?", ("I have 60k to invest",), "calculation"),
        ("what would a blog pay me monthly then?", ("I have 60k to invest",), "calculation"),
        ("whats the monthly income", ("I have 300k",), "calculation"),
        ("how much would I need?", ("I have $20,000 saved.",), None),
        ("and what would I need overall for that?", (), None),
    ],
)
def test_a_question_with_no_figure_is_a_calculation_only_when_it_can_be_worked(
    text: str, before: tuple[str, ...], route: str | None
):
    got = plan(text, turns(*before)).route
    assert (got == "calculation") == (route == "calculation"), got


# -- words typed on a phone -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("hw mch do i need", "how much do i need"),
        ("HW MCH", "how much"),
        ("wat do i get", "what do i get"),
        ("menu and wattage", "menu and wattage"),  # inside other words: left alone
        ("The U.S. Treasury pays u 4%", "The U.S. Treasury pays you 4%"),
        ("wat's up", "wat's up"),
        ("two thousand five hundred", "2,500"),
        ("Ten Thousand and one hundred", "10,100"),
        ("fifty thousand nine hundred", "50,900"),
        ("twenty thousand two hundred", "20,200"),
        ("five hundred", "five hundred"),  # no thousands: read by the amount reader
    ],
)
def test_phone_words_are_written_out_and_thousands_in_words_become_digits(typed, meant):
    assert phone_words(typed) == meant


def test_a_message_typed_on_a_phone_is_routed_as_the_words_meant():
    assert plan("hw mch do i need for 3k a mnth at 4 pct").route == "calculation"
    assert (
        plan("how much do i need to make two thousand five hundred a month at 4%")
        .numbers.first("income")
        .value
        == 2500
    )  # type: ignore[union-attr]
