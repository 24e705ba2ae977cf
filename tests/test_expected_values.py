"""Calculators and eval metrics against values worked out outside the code: published
textbook examples of compound interest and annuities, and small cases counted by hand.
No expected value here comes from the function under test."""

from __future__ import annotations

import math

import numpy as np
import pytest

from advisor.core.errors import InputError
from advisor.eval import metrics as m
from advisor.recommender.calculators import (
    capital_needed,
    future_value,
    months_to_goal,
    passivity,
    todays_money,
    yield_warnings,
)

# -- calculators ----------------------------------------------------------------------


def test_compound_interest_textbook_example():
    # $10,000 at 5 % a year compounded monthly for 10 years: $16,470.09
    assert round(future_value(10_000, 0, 0.05, 120), 2) == 16_470.09


def test_annuity_textbook_example():
    # $100 paid at the end of each month at 6 % a year for 10 years: $16,387.93
    assert round(future_value(0, 100, 0.06, 120), 2) == 16_387.93


def test_one_month_of_growth_and_a_contribution_by_hand():
    # 1,200 at 12 % a year: 1 % a month -> 1,212, plus 100 paid at the month's end
    assert future_value(1_200, 100, 0.12, 1) == pytest.approx(1_312.0)


def test_todays_money_discounts_by_the_years_of_inflation():
    # 1,000 two years from now at 3 % a year: 1,000 / 1.03^2 = 942.60
    assert round(todays_money(1_000, 0.03, 24), 2) == 942.60
    assert todays_money(1_000, 0.0, 24) == 1_000
    # half a year at 21 %: 1,000 / sqrt(1.21) = 1,000 / 1.1
    assert todays_money(1_000, 0.21, 6) == pytest.approx(1_000 / 1.1)


@pytest.mark.parametrize(
    ("income", "rate", "capital"),
    [(1_000, 0.04, 300_000), (2_500, 0.05, 600_000), (100, 1.0, 1_200)],  # income x 12 / rate
)
def test_capital_needed_by_hand(income, rate, capital):
    assert capital_needed(income, rate) == pytest.approx(capital)


def test_a_yield_of_exactly_100_percent_is_accepted_and_above_it_refused():
    assert capital_needed(100, 1.0) == pytest.approx(1_200)
    with pytest.raises(InputError, match="over 100%"):
        capital_needed(100, 1.0001)


def test_a_start_that_already_pays_the_goal_exactly_needs_no_month():
    # 1,000 a month at 4 % needs 300,000 (1,000 x 12 / 0.04)
    assert months_to_goal(1_000, 0.04, 0, start_capital=300_000).months == 0
    # 299,000 earns 996.67 in a month (x 0.04 / 12); with 1,000 added it passes 300,000
    assert months_to_goal(1_000, 0.04, 1_000, start_capital=299_000).months == 1
    # 298,000 alone: 298,000 x (1 + 0.04/12)^n >= 300,000 from n = 3 (2.01 months)
    assert months_to_goal(1_000, 0.04, 0, start_capital=298_000).months == 3


def test_months_to_goal_in_todays_money_by_hand():
    # 50,000 at 6 % grows 0.5 % a month; 2 % inflation deflates it. The goal of 300 a month
    # at 6 % needs 60,000; in today's money the capital after n months is
    # 50,000 x 1.005^n / 1.02^(n/12): the first n where that reaches 60,000
    n = next(k for k in range(1, 1_000) if 50_000 * 1.005**k / 1.02 ** (k / 12) >= 60_000)
    p = months_to_goal(300, 0.06, 0, start_capital=50_000, annual_inflation=0.02)
    assert p.months == n
    assert p.points[-1].capital == pytest.approx(50_000 * 1.005**n / 1.02 ** (n / 12))
    assert p.points[-1].monthly_income == pytest.approx(p.points[-1].capital * 0.06 / 12)


def test_yield_warnings_flag_only_yields_above_ten_percent():
    assert len(yield_warnings(0.10)) == 1  # only "not guaranteed"
    above = yield_warnings(0.1001)
    assert len(above) == 2 and "a yield of 10.01% a year is above 10%" in above[0]


@pytest.mark.parametrize(
    ("hours", "income", "per_100"),
    [(10, 1_000, 1.0), (3, 600, 0.5), (0, 250, 0.0)],  # hours / income x 100
)
def test_hours_per_100_of_income_by_hand(hours, income, per_100):
    assert passivity(hours, income).hours_per_100 == pytest.approx(per_100)


def test_passivity_reasons_name_the_limit_and_employment_is_always_active():
    assert passivity(3, 600).reason.endswith("takes 3 hours a month (at most 5)")
    assert passivity(20, 600).reason.endswith("takes 20 hours a month (at most 40)")
    job = passivity(1, 5_000, employment=True)
    assert job.label == "active" and job.keeps_paying_without_you is False
    stops = passivity(1, 5_000, keeps_paying_without_you=False)
    assert stops.label == "active" and "stops paying" in stops.reason
    assert "more than 40" in passivity(41, 5_000).reason
    assert any("you did not say" in a for a in passivity(1, 100).assumptions)
    assert not any("you did not say" in a for a in passivity(1, 100, True).assumptions)


def test_a_whole_month_of_hours_is_the_most_accepted():
    assert passivity(744, 1_000).label == "active"  # 24 x 31
    with pytest.raises(InputError, match="at most 744"):
        passivity(744.5, 1_000)


# -- eval metrics ---------------------------------------------------------------------


def test_rouge_l_by_hand():
    # LCS of "a b c d" and "a c d e" is "a c d" (3): P = 3/4, R = 3/4, F1 = 0.75
    assert m.rouge_l("a b c d", "a c d e") == pytest.approx(0.75)
    # LCS of "a b" and "a b c d e f" is 2: P = 1, R = 1/3, F1 = 2 x (1/3) / (4/3) = 0.5
    assert m.rouge_l("a b", "a b c d e f") == pytest.approx(0.5)


def test_reciprocal_rank_and_hits_by_hand():
    assert m.reciprocal_rank(4) == 0.25
    assert m.first_hit(["x", "y", "has the quote"], ["the quote"]) == 3
    assert m.first_hit(["x"], ["  "]) is None  # a blank quote matches nothing


def test_context_recall_counts_quotes_found_anywhere():
    retrieved = ["alpha beta", "gamma delta"]
    assert m.context_recall(retrieved, ["alpha", "delta", "omega"]) == pytest.approx(2 / 3)


def test_cosine_by_hand():
    a, b = np.array([1.0, 0.0]), np.array([1.0, 1.0])
    assert m.cosine(a, b) == pytest.approx(1 / math.sqrt(2))


def test_percentile_and_median_by_hand():
    assert m.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 90) == pytest.approx(4.6)  # 1 + 0.9 x 4
    assert m.median([3.0, None, 1.0, 2.0]) == 2.0


# -- calculators: each bad argument is named, the limits are where they are said --------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: todays_money(-1, 0.02, 12), "amount must be at least 0, not -1"),
        (lambda: todays_money(1, -0.1, 12), "annual_inflation must be at least 0, not -0.1"),
        (lambda: future_value(-1, 0, 0.05, 12), "start_capital must be at least 0, not -1"),
        (lambda: future_value(0, -2, 0.05, 12), "monthly_contribution must be at least 0, not -2"),
        (lambda: future_value(0, 1, -0.5, 12), "annual_return must be at least 0, not -0.5"),
        (lambda: months_to_goal(0, 0.04, 1), "goal_monthly_income must be above 0, not 0"),
        (lambda: months_to_goal(1, 0, 1), "annual_yield must be above 0, not 0"),
        (lambda: months_to_goal(1, 0.04, -3), "monthly_contribution must be at least 0, not -3"),
        (
            lambda: months_to_goal(1, 0.04, 1, start_capital=-4),
            "start_capital must be at least 0, not -4",
        ),
        (
            lambda: months_to_goal(1, 0.04, 1, annual_growth=-0.2),
            "annual_growth must be at least 0, not -0.2",
        ),
        (
            lambda: months_to_goal(1, 0.04, 1, annual_inflation=-0.3),
            "annual_inflation must be at least 0, not -0.3",
        ),
        (
            lambda: months_to_goal(1, 0.5, 1, annual_growth=0.51),
            "annual_yield + annual_growth is 101% a year, over 100%: give each as a fraction "
            "(0.04 means 4%)",
        ),
        (lambda: months_to_goal(1, 0.04, 1, max_months=2.0), "max_months must be a whole"),
        (lambda: months_to_goal(1, 0.04, 1, max_months=True), "max_months must be a whole"),
        (lambda: passivity(-1, 100), "hours_per_month must be at least 0, not -1"),
        (lambda: passivity(1, 0), "monthly_income must be above 0, not 0"),
    ],
)
def test_each_bad_argument_is_named_in_a_one_line_error(call, message):
    with pytest.raises(InputError) as caught:
        call()
    assert str(caught.value).startswith(message)


def test_the_limits_themselves_are_accepted():
    assert months_to_goal(1, 0.5, 1, annual_growth=0.5).months is not None  # exactly 100 %
    assert len(months_to_goal(10_000, 0.01, 1, max_months=1).points) == 2  # month 0 and 1


def test_months_to_goal_defaults_start_from_nothing_for_at_most_100_years():
    never = months_to_goal(10_000, 0.01, 1)  # 1 a month never builds 12 million
    assert never.months is None and len(never.points) == 1_201  # months 0..1200
    assert never.points[0].capital == 0


def test_months_to_goal_says_its_assumptions_with_the_figures_used():
    plain = months_to_goal(100, 0.06, 10, start_capital=12_000)
    assert plain.points[0].monthly_income == pytest.approx(60.0)  # 12,000 x 6 % / 12
    said = plain.assumptions
    assert said[0] == (
        "the capital yields 6% a year, paid monthly (0.5% a month) "
        "and reinvested until the goal is reached"
    )
    assert "yield, growth and contributions stay constant; no taxes or fees" in said
    assert (
        "no inflation: amounts are in future money (add an inflation rate for today's money)"
        in said
    )
    deflated = months_to_goal(100, 0.06, 10, annual_inflation=0.02).assumptions
    assert "amounts are in today's money, deflated at 2% a year inflation" in deflated
    assert not any(a.startswith("no inflation") for a in deflated)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: capital_needed(-1, 0.04), "monthly_income must be at least 0, not -1"),
        (lambda: capital_needed(1, 0), "annual_yield must be above 0, not 0"),
        (lambda: capital_needed(1, "abc"), "annual_yield must be a number, not 'abc'"),
        (
            lambda: capital_needed(1, 1e-308),
            "monthly_income / annual_yield: 1 a month at 1e-308 a year needs more capital "
            "than can be computed; the yield is a fraction (0.04 means 4%)",
        ),
        (lambda: passivity(1, 1e-308), "monthly_income 1e-308 is too small to rate 1 hours"),
    ],
)
def test_capital_and_passivity_errors_say_what_is_wrong(call, message):
    with pytest.raises(InputError) as caught:
        call()
    assert str(caught.value).startswith(message)


def test_the_passivity_texts_in_full():
    high = yield_warnings(0.12)[0]
    assert high == (
        "a yield of 12% a year is above 10%: few investments pay that for long, "
        "and those that promise it carry high risk"
    )
    stops = passivity(2, 500, keeps_paying_without_you=False)
    assert stops.reason == "it stops paying when you stop putting in your time, so it is active"
    assert stops.hours_per_month == 2
    assert stops.assumptions[:2] == [
        "passive income keeps coming without your continuous time; employment is always "
        "active; then at most 5 hours a month is passive and at most 40 semi-passive",
        "hours per 100 of income is a secondary figure: high pay does not make work passive",
    ]


# -- eval metrics: the edges -----------------------------------------------------------


def test_the_filler_threshold_is_the_lowest_on_the_grid_with_fewest_wrong_labels():
    # filler below 0.62 and 0.3, not at 0.9: every t in (0.62, 0.9] is right; lowest 0.65
    assert m.choose_filler_threshold([(0.3, True), (0.62, True), (0.9, False)]) == 0.65
    assert m.choose_filler_threshold([(0.5, False)]) == 0.05  # the grid starts at one step
    assert m.choose_filler_threshold([(0.97, True)]) == 1.0  # and ends at 1


def test_a_sentence_exactly_at_the_filler_threshold_is_not_filler():
    question, other = np.array([1.0, 0.0]), np.array([0.6, 0.8])  # cosine 0.6 by hand

    def embed(texts: list[str]) -> np.ndarray:
        return np.array([question, question] + [other] * (len(texts) - 2))

    answer = "Tomatoes like sun."  # no word of the question: judged by its cosine
    assert m.filler_flags(answer, "What is a REIT?", "", [], embed, threshold=0.6) == [False]
    assert m.filler_flags(answer, "What is a REIT?", "", [], embed, threshold=0.61) == [True]
    assert m.filler_rate(answer, "What is a REIT?", "", [], embed, threshold=0.6) == 0.0
    assert m.filler_rate(answer, "What is a REIT?", "", [], embed) == 1.0  # 0.6 < 0.85


def test_the_quoted_part_is_the_sentences_with_markers():
    assert (
        m.quoted_part("Rent pays [1]. A table. Bonds pay [2].") == "Rent pays [1]. Bonds pay [2]."
    )


def test_each_marker_is_judged_alone_and_one_to_no_passage_is_wrong():
    rent = "A rental property pays rent each month."
    both = "A rental property pays rent each month [1][2]."
    assert m.citation_precision(both, {1: rent, 2: rent}) == 1.0
    assert m.citation_precision("A rental property pays rent [9][1].", {1: rent}) == 0.5


def test_a_quote_without_words_is_never_found_and_one_sentence_is_one_span():
    assert m.answer_fact_recall("Anything at all.", ["..."]) == 0.0
    assert m.answer_fact_recall("Something else entirely.", ["It is."]) == 0.0
    quote = "Dividend stocks pay cash from company profits."
    split = "Dividend stocks pay cash. Company profits fund them."  # 4 + 2 of 6 words
    assert m.answer_fact_recall(split, [quote]) == 0.0


def test_price_growth_adds_to_the_yield_when_the_capital_grows():
    # 3 % yield + 3 % growth: 0.5 % a month; 300 a month at 3 % needs 120,000; from
    # 50,000 the first n with 50,000 x 1.005^n >= 120,000 is 176 (ln 2.4 / ln 1.005 = 175.5)
    assert months_to_goal(300, 0.03, 0, start_capital=50_000, annual_growth=0.03).months == 176


def test_unsaid_keeping_paying_is_stated_as_an_assumption():
    assert passivity(1, 100).assumptions[-1] == (
        "you did not say whether it stops paying when you stop working on it: assumed not"
    )


def test_a_one_word_sentence_keeps_only_its_own_marker_when_judged():
    # "Rent" is backed by "Rent."; any leftover of the other marker would be a second word
    assert m.citation_precision("Rent [1][2].", {1: "Rent.", 2: "Rent."}) == 1.0


def test_a_percentile_that_is_not_finite_is_none():
    with np.errstate(invalid="ignore"):  # numpy's own interpolation of inf warns
        assert m.percentile([math.inf], 50) is None
