"""Calculators agree with closed-form values to the cent and refuse bad input."""

from __future__ import annotations

import json
import math
import re

import pytest
from helpers import cli
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.core.errors import InputError
from advisor.recommender.calculators import capital_needed, future_value, months_to_goal, passivity


def closed_form_months(goal: float, y: float, g: float, c: float, start: float) -> int:
    """Smallest n with start*(1+r)^n + c*((1+r)^n - 1)/r >= goal*12/y, r = (y+g)/12."""
    target = goal * 12 / y
    r = (y + g) / 12
    if start >= target:
        return 0
    return math.ceil(math.log((target * r + c) / (start * r + c)) / math.log(1 + r))


# -- capital_needed ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("income", "rate", "expected"),
    [(1000, 0.04, 300_000.00), (2500, 0.05, 600_000.00), (333.33, 0.03, 133_332.00)],
)
def test_capital_needed_is_income_times_twelve_over_yield(income, rate, expected):
    assert capital_needed(income, rate) == pytest.approx(expected, abs=0.005)


def test_capital_needed_for_no_income_is_zero():
    assert capital_needed(0, 0.04) == 0


@pytest.mark.parametrize("rate", [-0.01, 0.0, 1.5, float("nan"), float("inf")])
def test_capital_needed_refuses_a_yield_that_is_not_a_sensible_fraction(rate):
    with pytest.raises(InputError, match="annual_yield"):
        capital_needed(1000, rate)


def test_capital_needed_refuses_negative_income():
    with pytest.raises(InputError, match="monthly_income"):
        capital_needed(-5, 0.04)


# -- future_value and months_to_goal ------------------------------------------------


def test_future_value_matches_the_annuity_formula_to_the_cent():
    r = 0.06 / 12
    expected = 10_000 * (1 + r) ** 120 + 500 * ((1 + r) ** 120 - 1) / r
    assert round(future_value(10_000, 500, 0.06, 120), 2) == round(expected, 2)
    assert round(expected, 2) == 100_133.64  # checked by hand


def test_future_value_without_a_return_just_adds_contributions():
    assert future_value(1_000, 250, 0.0, 12) == 4_000


@pytest.mark.parametrize("months", [0, -3, 1.5, True])
def test_future_value_refuses_zero_or_fractional_months(months):
    with pytest.raises(InputError, match="months"):
        future_value(1_000, 100, 0.05, months)


def test_months_to_goal_matches_the_closed_form_and_its_last_point():
    p = months_to_goal(2_000, 0.04, 500, start_capital=10_000)
    assert p.months == closed_form_months(2_000, 0.04, 0.0, 500, 10_000) == 465
    last = p.points[-1]
    assert last.month == 465
    r = 0.04 / 12
    exact = 10_000 * (1 + r) ** 465 + 500 * ((1 + r) ** 465 - 1) / r
    assert round(last.capital, 2) == round(exact, 2)
    assert round(last.monthly_income, 2) == round(exact * 0.04 / 12, 2)
    assert last.monthly_income >= 2_000 > p.points[-2].monthly_income


@settings(deadline=None)  # a shared CI machine has slow moments
@given(
    goal=st.floats(50, 20_000),
    y=st.floats(0.005, 0.12),
    g=st.floats(0.0, 0.08),
    c=st.floats(10, 5_000),
    start=st.floats(0, 500_000),
)
def test_months_to_goal_agrees_with_the_closed_form_for_any_inputs(goal, y, g, c, start):
    p = months_to_goal(goal, y, c, start_capital=start, annual_growth=g, max_months=5_000)
    expected = closed_form_months(goal, y, g, c, start)
    assert p.points[0].month == 0 and p.points[0].capital == start
    if expected > 5_000:
        assert p.months is None and len(p.points) == 5_001
        return
    assert p.months == expected
    assert p.points[-1].capital >= goal * 12 / y


def test_months_to_goal_is_zero_when_the_capital_already_pays_it():
    p = months_to_goal(1_000, 0.04, 0, start_capital=300_000)
    assert p.months == 0
    assert [pt.month for pt in p.points] == [0]


def test_months_to_goal_says_none_when_not_reached_and_states_its_assumptions():
    p = months_to_goal(10_000, 0.03, 10, max_months=24)
    assert p.months is None
    assert len(p.points) == 25  # month 0 and 24 months
    text = " ".join(p.assumptions)
    for word in ("reinvested", "end of every month", "no taxes", "grows"):
        assert word in text


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"annual_yield": -0.02}, "annual_yield"),
        ({"annual_yield": 0.0}, "annual_yield"),
        ({"goal_monthly_income": 0}, "goal_monthly_income"),
        ({"monthly_contribution": -1}, "monthly_contribution"),
        ({"max_months": 0}, "max_months"),
        ({"annual_growth": -0.5}, "annual_growth"),
    ],
)
def test_months_to_goal_names_the_bad_argument(kwargs, field):
    args = {"goal_monthly_income": 1000, "annual_yield": 0.04, "monthly_contribution": 100}
    with pytest.raises(InputError, match=field):
        months_to_goal(**{**args, **kwargs})


# -- passivity ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "income", "kwargs", "per_100", "label"),
    [
        (160, 4_000, {"employment": True}, 4.0, "active"),  # a job
        (160, 20_000, {}, 0.8, "active"),  # full-time hours stay a job however well paid
        (160, 64_000, {"employment": True}, 0.25, "active"),  # the review's finding
        (8, 1_500, {}, 0.53, "semi-passive"),  # a self-managed rental
        (1, 500, {}, 0.2, "passive"),  # a fund portfolio
        (0, 100, {}, 0.0, "passive"),
        (5, 10, {}, 50.0, "passive"),  # little pay does not make a fund active
        (2, 5_000, {"keeps_paying_without_you": False}, 0.04, "active"),  # paid consulting
        (40, 1_000, {}, 4.0, "semi-passive"),  # the boundary belongs to the gentler label
    ],
)
def test_passivity_is_whether_it_keeps_paying_then_the_hours(hours, income, kwargs, per_100, label):
    rated = passivity(hours, income, **kwargs)
    assert rated.hours_per_100 == pytest.approx(per_100, abs=0.005)
    assert rated.label == label
    assert rated.reason and rated.assumptions


def test_passivity_refuses_no_income_and_impossible_hours():
    with pytest.raises(InputError, match="monthly_income"):
        passivity(10, 0)
    with pytest.raises(InputError, match="hours_per_month"):
        passivity(800, 1000)


# -- the command line ----------------------------------------------------------------


def test_calc_capital_prints_the_amount_and_json(capsys):
    code, out, _ = cli(capsys, "calc", "capital", "--income", "$2k", "--yield", "4%")
    assert code == 0 and "600,000.00" in out
    code, out, _ = cli(capsys, "calc", "capital", "--income", "2000", "--yield", "4", "--json")
    data = json.loads(out)
    assert data.pop("assumptions")
    assert data == {"monthly_income": 2000.0, "annual_yield": 0.04, "capital": 600000.0}


MONTHS = ["calc", "months", "--goal", "2000", "--yield", "4", "--contribution", "500",
          "--start", "10,000", "--json"]  # fmt: skip


def _cents(value: float) -> bool:
    return round(value, 2) == value


def test_calc_months_json_is_the_tools_plan_with_yearly_points_to_the_cent(capsys):
    from advisor.interfaces.toolkit import Toolkit

    code, out, _ = cli(capsys, *MONTHS)
    assert code == 0
    data = json.loads(out)
    tool = Toolkit().months_to_goal(2000, 0.04, 500, start_capital=10000).model_dump()
    assert set(data) == set(tool), "the shape the MCP / LangChain tool returns"
    assert data["months"] == tool["months"] == 465 and data["reached"] is True
    assert data["years"] == 38.8 and data["assumptions"] == tool["assumptions"]
    assert [p["month"] for p in data["yearly"]] == [*range(0, 465, 12), 465]
    for ours, theirs in zip(data["yearly"], tool["yearly"], strict=True):
        assert set(ours) == {"month", "capital", "monthly_income"}
        assert _cents(ours["capital"]) and _cents(ours["monthly_income"])
        assert ours == theirs, "the MCP / LangChain tool gives the same cents"
    assert len(out) < 5000, "a yearly table, not hundreds of unrounded months"


def test_calc_months_json_monthly_adds_every_month_to_the_cent(capsys):
    code, out, _ = cli(capsys, *MONTHS, "--monthly")
    assert code == 0
    data = json.loads(out)
    assert [p["month"] for p in data["monthly"]] == list(range(466))
    assert all(_cents(p["capital"]) and _cents(p["monthly_income"]) for p in data["monthly"])
    assert data["monthly"][-1] == data["yearly"][-1]


def test_calc_passivity_labels_the_source(capsys):
    code, out, _ = cli(capsys, "calc", "passivity", "--hours", "10", "--income", "500")
    assert code == 0 and out.startswith("semi-passive: ") and "2.00 hours a month per 100" in out


@pytest.mark.parametrize("income", ["20000", "64000"])
def test_calc_passivity_full_time_hours_are_active_whatever_the_pay(capsys, income):
    code, out, _ = cli(capsys, "calc", "passivity", "--hours", "160", "--income", income)
    assert code == 0 and out.startswith("active: ")
    code, out, _ = cli(capsys, "calc", "passivity", "--hours", "1", "--income", income, "--job")
    assert code == 0 and out.startswith("active: employment")


def test_calc_passivity_json_carries_the_definition(capsys):
    code, out, _ = cli(capsys, "calc", "passivity", "--hours", "2", "--income", "900", "--json")
    data = json.loads(out)
    assert data["label"] == "passive" and data["keeps_paying_without_you"] is None
    assert any("continuous time" in line for line in data["assumptions"])
    code, out, _ = cli(
        capsys, "calc", "passivity", "--hours", "2", "--income", "900", "--stops", "--json"
    )
    assert json.loads(out)["label"] == "active"


@pytest.mark.parametrize(
    "argv",
    [
        ["calc", "capital", "--income", "2000", "--yield", "4", "--json"],
        [*MONTHS],
        ["calc", "passivity", "--hours", "2", "--income", "900", "--json"],
    ],
)
def test_every_calc_json_has_assumptions_saying_yields_are_not_guaranteed(capsys, argv):
    code, out, _ = cli(capsys, *argv)
    assumptions = json.loads(out)["assumptions"]
    assert code == 0 and assumptions
    if "--yield" in argv:
        assert any("not guaranteed" in line for line in assumptions)


def test_calc_capital_warns_about_implausible_yields(capsys):
    code, out, _ = cli(capsys, "calc", "capital", "--income", "100", "--yield", "100")
    assert code == 0 and "above 10%" in out and "not guaranteed" in out
    code, out, _ = cli(capsys, "calc", "capital", "--income", "100", "--yield", "4")
    assert code == 0 and "above 10%" not in out and "not guaranteed" in out


def test_calc_months_inflation_gives_todays_money_and_a_later_goal(capsys):
    args = ["calc", "months", "--goal", "1000", "--yield", "4", "--start", "10000",
            "--contribution", "500", "--json"]  # fmt: skip
    _, plain, _ = cli(capsys, *args)
    _, real, _ = cli(capsys, *args, "--inflation", "3")
    plain_data, real_data = json.loads(plain), json.loads(real)
    assert real_data["months"] > plain_data["months"]
    assert any("today's money" in line and "3%" in line for line in real_data["assumptions"])
    # a year in, 3% inflation leaves the same nominal capital worth 1/1.03 of it
    nominal = future_value(10_000, 500, 0.04, 12)
    year_one = next(p for p in real_data["yearly"] if p["month"] == 12)
    assert year_one["capital"] == pytest.approx(nominal / 1.03, abs=0.01)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["calc", "capital", "--income", "100", "--yield", "-1"], "--yield must be above 0"),
        (["calc", "capital", "--income", "100", "--yield", "0"], "--yield must be above 0"),
        (["calc", "capital", "--income", "lots", "--yield", "4"], "is not a number"),
        (["calc", "passivity", "--hours", "5", "--income", "0"], "--income must be above 0"),
        (
            ["calc", "months", "--goal", "100", "--yield", "60", "--growth", "50"],
            "--yield + --growth",
        ),
        (["calc", "months", "--goal", "0", "--yield", "4"], "--goal must be above 0"),
    ],
)
def test_calc_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = cli(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", err), "no argument names in an error"
    assert "fraction" not in err


# -- months to a sum and the saving a sum needs (savings that grow) ---------------------


def test_months_to_a_sum_is_the_first_month_the_future_value_reaches_it():
    from advisor.recommender.calculators import future_value, months_to_sum

    for start, add, rate, target in [
        (0, 500, 0.07, 100_000),
        (10_000, 500, 0.07, 100_000),
        (25_000, 0, 0.05, 60_000),
        (0, 2_000, 0.08, 1_000_000),
    ]:
        n = months_to_sum(target, rate, add, start)
        assert n is not None and n >= 1
        assert future_value(start, add, rate, n) >= target
        assert n == 1 or future_value(start, add, rate, n - 1) < target


def test_months_to_a_sum_at_no_return_is_the_gap_over_the_saving_rounded_up():
    from advisor.recommender.calculators import months_to_sum

    assert months_to_sum(10_000, 0.0, 400) == 25  # exactly 25: not 26
    assert months_to_sum(10_000, 0.0, 300) == 34  # 33.3 -> 34
    assert months_to_sum(10_000, 0.0, 300, 1_000) == 30
    assert months_to_sum(10_000, 0.0, 0, 1_000) is None  # never, with nothing added


def test_months_to_a_sum_already_held_is_zero_and_one_never_reached_is_none():
    from advisor.recommender.calculators import months_to_sum

    assert months_to_sum(100, 0.05, 10, 100) == 0
    assert months_to_sum(100, 0.05, 10, 150) == 0
    assert months_to_sum(100, 0.05, 0, 0) is None
    assert months_to_sum(100, 0.05, 1_000_000) == 1  # reached in the first month


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 0.05, 100), "target must be above 0"),
        ((-5, 0.05, 100), "target must be above 0"),
        ((1000, 0.05, -1), "monthly_contribution must be at least 0"),
        ((1000, 0.05, 100, -1), "start_capital must be at least 0"),
        ((1000, 1.5, 100), "annual_return is a fraction"),
        ((1000, -0.01, 100), "annual_return must be at least 0"),
    ],
)
def test_months_to_a_sum_refuses_bad_input_naming_it(args, message):
    from advisor.recommender.calculators import months_to_sum

    with pytest.raises(InputError, match=message):
        months_to_sum(*args)


def test_the_saving_needed_reaches_the_sum_exactly_at_the_last_month():
    from advisor.recommender.calculators import contribution_needed, future_value

    need = contribution_needed(500_000, 0.07, 300, 10_000)
    assert future_value(10_000, need, 0.07, 300) == pytest.approx(500_000)
    assert need == pytest.approx(
        (500_000 - 10_000 * (1 + 0.07 / 12) ** 300) * (0.07 / 12) / ((1 + 0.07 / 12) ** 300 - 1)
    )
    assert contribution_needed(1_200, 0.0, 12) == pytest.approx(100)
    assert contribution_needed(1_200, 0.0, 12, 600) == pytest.approx(50)
    assert contribution_needed(1_000, 0.05, 12, 5_000) == 0.0  # the start alone gets there
    assert contribution_needed(1_000, 0.0, 12, 5_000) == 0.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1000, 0.05, 0), "months must be a whole number"),
        ((1000, 0.05, True), "months must be a whole number"),
        ((1000, 0.05, 1.5), "months must be a whole number"),
        ((0, 0.05, 12), "target must be above 0"),
        ((1000, 2.0, 12), "annual_return is a fraction"),
        ((1000, 0.05, 12, -1), "start_capital must be at least 0"),
    ],
)
def test_the_saving_needed_refuses_bad_input_naming_it(args, message):
    from advisor.recommender.calculators import contribution_needed

    with pytest.raises(InputError, match=message):
        contribution_needed(*args)


def test_passivity_reasons_show_hours_to_two_decimals_and_one_hour_in_the_singular():
    assert passivity(0.5 * 52 / 12, 200).reason.endswith("takes 2.17 hours a month (at most 5)")
    assert passivity(1, 200).reason.endswith("takes 1 hour a month (at most 5)")
    assert passivity(26, 1200).reason.endswith("takes 26 hours a month (at most 40)")
    busy = passivity(43.333, 2000).reason
    assert busy == "43.33 hours a month is more than 40, as much time as a part-time job"
    assert passivity(1, 100).assumptions[-1] == (
        "you did not say whether it stops paying when you stop working on it: assumed not"
    )
