"""Savings that grow, asked as people ask it, through ``Advisor.ask`` (guard, router,
worked answer): what a sum and a saving a month come to after some years, how long until
they reach a sum or double, and what to save a month to reach a sum by a date. The
phrasings were written for this file, not taken from the reference set, and each
expected figure is worked out here from the closed form, never by calling the
calculator. Also: amounts named by what they pay for ("my $1,800 rent", "a $70k salary",
"$1,000 a quarter"), a sum set against the capital needed, and a source described in the
third person ("is a blog earning $2,000/month ... passive?")."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from advisor.answering.service import Advisor
from advisor.recommender import calculators
from advisor.worked.phrasing import states

IN_TEN_YEARS = dt.date.today().year + 10  # "by 2036", read against today's year


def fv(start: float, add: float, rate: float, months: int) -> float:
    if rate == 0:
        return start + add * months
    g = (1 + rate / 12) ** months
    return start * g + add * (g - 1) / (rate / 12)


def months_to(target: float, rate: float, add: float, start: float = 0.0) -> int:
    if rate == 0:
        return math.ceil((target - start) / add)
    i = rate / 12
    return math.ceil(math.log((target * i + add) / (start * i + add)) / math.log(1 + i))


def saving(target: float, rate: float, months: int, start: float = 0.0) -> float:
    if rate == 0:
        return (target - start) / months
    g = (1 + rate / 12) ** months
    return (target - start * g) * (rate / 12) / (g - 1)


def said(*turns: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for content in turns:
        out += [{"role": "user", "content": content}, {"role": "assistant", "content": "Noted."}]
    return out


GROWTH = [
    # what it comes to
    ("How much will I have after 10 years if I invest $500 a month at 7%?", fv(0, 500, 0.07, 120)),
    ("If I put away 200 a month for 20 years at 6%, what will it be worth?", fv(0, 200, 0.06, 240)),
    ("What will $25,000 grow to in 15 years at 5%?", fv(25_000, 0, 0.05, 180)),
    (
        "I have 10k and add 300 monthly at 8%. What would I end up with after 5 years?",
        fv(10_000, 300, 0.08, 60),
    ),
    (
        "how much would i have in 18 months saving 1,000 a month with no interest",
        fv(0, 1000, 0.0, 18),
    ),
    # how long until a sum
    (
        "Starting from $10,000 and adding $500 each month at 7%, when do I reach $100,000?",
        months_to(100_000, 0.07, 500, 10_000),
    ),
    (
        "How many years to hit $1M if I invest $2,000 per month at 8% annual return?",
        months_to(1_000_000, 0.08, 2000),
    ),
    (
        "I have 40k and save 800 a month. At 7% how many years until I'm at 250k?",
        months_to(250_000, 0.07, 800, 40_000),
    ),
    (
        "how long to reach 200000 with 25000 now, 1000 a month, 6% return",
        months_to(200_000, 0.06, 1000, 25_000),
    ),
    (
        "At 10% a year, how long does it take $20,000 to grow to $80,000 with no additions?",
        months_to(80_000, 0.10, 0, 20_000),
    ),
    ("If I add $1,000 a quarter at 6%, how long to $50,000?", months_to(50_000, 0.06, 1000 / 3)),
    (
        "How long to save $30,000 putting away $750 a month with no interest?",
        months_to(30_000, 0.0, 750),
    ),
    ("How many months until I have 10k if I save 400 monthly?", months_to(10_000, 0.0, 400)),
    ("At a 7% return, how long until $50k becomes $100k?", months_to(100_000, 0.07, 0, 50_000)),
    (
        "I can save 1,200/month. How long to build a $60,000 emergency cushion at 4%?",
        months_to(60_000, 0.04, 1200),
    ),
    (
        "How many years until I'm a millionaire if I invest 3,000 a month at 9%?",
        months_to(1_000_000, 0.09, 3000),
    ),
    ("What does $800 a month invested for 30 years at 7% turn into?", fv(0, 800, 0.07, 360)),
    ("I am 40, how much will I have by 65 saving 500 a month at 6%?", fv(0, 500, 0.06, 300)),
    (
        "Suppose I deposit $250 monthly at 3% interest. How much after 5 years?",
        fv(0, 250, 0.03, 60),
    ),
    ("What will my $50k be in 20 years at 8%?", fv(50_000, 0, 0.08, 240)),
    (
        "savings of 35,000 and I add 600 every month. 5% growth. how many yrs until 100,000?",
        months_to(100_000, 0.05, 600, 35_000),
    ),
    ("When will 500/month at 6% get me to 75,000?", months_to(75_000, 0.06, 500)),
    (
        "if i stick 50 quid a week in an ISA at 4% how much will i have in 10 years",
        fv(0, 50 * 52 / 12, 0.04, 120),
    ),
    (
        "₹10,000 per month SIP for 20 years at 12%, what's the final amount?",
        fv(0, 10_000, 0.12, 240),
    ),
    (
        "i have fifty thousand euros, no more contributions, 4% a year — what's it worth after 25 "
        "years?",
        fv(50_000, 0, 0.04, 300),
    ),
    # doubling
    (
        "How long does it take to double my money at 8%?",
        math.ceil(math.log(2) / math.log(1 + 0.08 / 12)),
    ),
    (
        "how many years for an investment to triple at 6 percent",
        math.ceil(math.log(3) / math.log(1 + 0.06 / 12)),
    ),
    # the saving a month a sum needs
    (
        "how much do i need to save each month to have $500,000 in 25 years at 7%?",
        saving(500_000, 0.07, 300),
    ),
    (
        "I have $20,000. How much should I invest per month to reach $150,000 in 12 years at 6%?",
        saving(150_000, 0.06, 144, 20_000),
    ),
]


@pytest.mark.parametrize(("text", "expected"), GROWTH, ids=[t[:60] for t, _ in GROWTH])
def test_a_growth_question_gets_the_closed_form_figure_with_its_assumptions(
    advisor: Advisor, text: str, expected: float
):
    answer = advisor.ask(text)
    assert answer.route == "calculation", answer.answer
    assert [f.value for f in answer.figures] == [pytest.approx(expected, rel=1e-4)], answer.answer
    assert states(answer.answer, expected, 0.005), answer.answer
    assert "Formula:" in answer.answer and "Assumptions:" in answer.answer


def test_with_no_return_given_the_answer_says_it_assumed_none_and_how_to_give_one(
    advisor: Advisor,
):
    answer = advisor.ask("How many months until I have 10k if I save 400 monthly?")
    assert "with no return (none was given" in answer.answer and "“at 5%”" in answer.answer


@pytest.mark.parametrize(
    ("history", "text", "expected"),
    [
        (
            said("How much will I have after 10 years if I invest $500 a month at 7%?"),
            "and at 9%?",
            fv(0, 500, 0.09, 120),
        ),
        (
            said("How much will I have after 10 years if I invest $500 a month at 7%?"),
            "what if I added $700 a month instead?",
            fv(0, 700, 0.07, 120),
        ),
        (
            said("I'm putting away 750 a month at 5.5%."),
            "how much will I have after 12 years?",
            fv(0, 750, 0.055, 144),
        ),
        (
            said(
                "how many months until 2000 a month passive income if I save 1500 a month "
                "from 30k at 5%?"
            ),
            "and if I saved 2500 a month?",
            months_to(2000 * 12 / 0.05, 0.05, 2500, 30_000),
        ),
        (
            said("I'm 40 and have $100k."),
            "How much will it be at 60 if it grows 6% a year?",
            fv(100_000, 0, 0.06, 240),
        ),
        (
            said("how long until I have $100,000 if I save $1,000 a month at 5%?"),
            "and at 8 percent?",
            months_to(100_000, 0.08, 1000),
        ),
    ],
)
def test_a_follow_up_to_a_growth_question_changes_one_figure_and_keeps_the_rest(
    advisor: Advisor, history: list[dict[str, str]], text: str, expected: float
):
    answer = advisor.ask(text, history=history)
    assert answer.route == "calculation", answer.answer
    got = [f.value for f in answer.figures if f.label != "capital at the goal"]
    assert got == [pytest.approx(expected, rel=1e-4)], answer.answer


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("How much will I have if I invest $500 a month at 7%?", "Over how many years?"),
        ("how many years until my savings triple?", "Which yearly return should I use?"),
        ("how long to double my money at 0%?", "never doubles"),
        ("what yield do i need to make 2000 a month from 0 capital", "must be above 0"),
        ("how long until I have $50,000 if I save $200 a month at 250%?", "check the rate"),
        ("when do I reach $1,000,000,000,000 saving $100 a month at 5%?", "a trillion or more"),
        ("how long to reach $40,000? I have $50,000 now", "You already have it"),
    ],
)
def test_a_growth_question_missing_or_impossible_input_gets_one_line_saying_what(
    advisor: Advisor, text: str, says: str
):
    answer = advisor.ask(text)
    assert answer.route == "calculation", answer.answer
    assert says in answer.answer


def test_an_income_goal_is_still_a_capital_question_not_savings_growth(advisor: Advisor):
    answer = advisor.ask(
        "How much should I have invested to get 1000 bucks per month from a 5% bond ladder?"
    )
    assert [f.value for f in answer.figures] == [pytest.approx(1000 * 12 / 0.05)]


@pytest.mark.parametrize(
    ("text", "expected", "shows"),
    [
        # a rent is a month's, a salary a year's, a quarter a third of it a month
        (
            "I want my dividends to cover my $1,800 rent. Yield is 3%. How much stock do I need?",
            1800 * 12 / 0.03,
            "$1,800 a month",
        ),
        (
            "What do I need saved to replace a $70k salary at a 4% yield?",
            70_000 / 0.04,
            "$70,000 a year ($5,833 a month)",
        ),
    ],
)
def test_an_amount_named_by_what_it_pays_for_takes_that_period(
    advisor: Advisor, text: str, expected: float, shows: str
):
    answer = advisor.ask(text)
    assert answer.route == "calculation", answer.answer
    assert [f.value for f in answer.figures] == [pytest.approx(expected)], answer.answer
    assert shows in answer.answer


def test_a_sum_asked_against_an_income_is_set_against_the_capital_needed(advisor: Advisor):
    answer = advisor.ask("Can $150k at 5% give me $1,000 a month?")
    assert "You need $240,000 invested" in answer.answer
    assert "Your $150,000 pays about $625 a month, $90,000 short of that" in answer.answer
    assert "it would need a yield of 8%." in answer.answer
    enough = advisor.ask("Can $300k at 5% give me $1,000 a month?")
    assert "Your $300,000 is enough: it pays about $1,250 a month." in enough.answer


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Is a blog earning $2,000/month that takes 40 hours a month passive?", "Semi-passive"),
        # a dash before "passive?", "how would you classify that", hours in words
        (
            "I earn 600 a month from a rental flat and spend about 3 hours a month on it — "
            "passive?",
            "Passive",
        ),
        (
            "dividend portfolio paying 300 a month, I check it maybe 1 hour a month. how would "
            "you classify that",
            "Passive",
        ),
        (
            "I get royalties from an ebook, about €90 a month, zero hours of work now. is that "
            "passive?",
            "Passive",
        ),
        (
            "Would $12,000 a year from a dividend portfolio I check 1 hour a month count as "
            "passive?",
            "Passive",
        ),
    ],
)
def test_a_source_described_with_thousands_commas_gets_a_passivity_verdict(
    advisor: Advisor, text: str, label: str
):
    answer = advisor.ask(text)
    assert answer.route == "passivity", answer.answer
    assert answer.answer.startswith(f"**{label}**")


def test_hours_in_a_passivity_reason_are_rounded_to_two_decimals():
    rated = calculators.passivity(2 * 52 / 12, 1300)
    assert "8.67 hours a month" in rated.reason
    assert "1 hour a month" in calculators.passivity(1, 1000).reason


def test_months_to_a_sum_matches_the_month_by_month_future_value():
    for start, add, rate, target in [(0, 500, 0.07, 100_000), (25_000, 0, 0.05, 60_000)]:
        n = calculators.months_to_sum(target, rate, add, start)
        assert n is not None
        assert calculators.future_value(start, add, rate, n) >= target
        assert n == 1 or calculators.future_value(start, add, rate, n - 1) < target
    assert calculators.months_to_sum(100, 0.05, 0, 0) is None
    assert calculators.months_to_sum(100, 0.0, 0, 50) is None
    assert calculators.months_to_sum(100, 0.05, 10, 100) == 0


def test_the_saving_needed_reaches_the_sum_exactly():
    need = calculators.contribution_needed(500_000, 0.07, 300, 10_000)
    assert calculators.future_value(10_000, need, 0.07, 300) == pytest.approx(500_000)
    assert calculators.contribution_needed(1000, 0.05, 12, 5000) == 0.0
    assert calculators.contribution_needed(1200, 0.0, 12) == pytest.approx(100)
    with pytest.raises(Exception, match="months must be a whole number"):
        calculators.contribution_needed(1000, 0.05, 0)


def test_is_it_enough_sets_what_the_saving_comes_to_against_the_sum_wanted(advisor: Advisor):
    answer = advisor.ask(
        "I want to have $200k in 10 years. I can invest $1,000 a month. Is 6% enough?"
    )
    have, need = fv(0, 1000, 0.06, 120), saving(200_000, 0.06, 120)
    assert answer.route == "calculation", answer.answer
    assert [f.value for f in answer.figures] == [
        pytest.approx(have, rel=1e-4),
        pytest.approx(need, rel=1e-4),
    ]
    assert answer.answer.startswith("**Not quite")
    assert states(answer.answer, 200_000 - have, 0.005), answer.answer
    yes = advisor.ask("I want $100k in 10 years saving $1,000 a month. Is 6% enough?")
    assert yes.answer.startswith("**Yes")


def test_a_rate_of_inflation_is_not_taken_as_the_yield(advisor: Advisor):
    answer = advisor.ask("With 3% inflation ignored, what does $2M pay at 3.5% per year?")
    assert [f.value for f in answer.figures] == [pytest.approx(2_000_000 * 0.035 / 12)]


def test_a_yearly_question_leads_with_the_yearly_figure(advisor: Advisor):
    answer = advisor.ask("how much would 40 grand give me a year at 5%?")
    assert answer.answer.startswith("**40,000 pays about 2,000 a year** (167 a month)")


@pytest.mark.parametrize(
    ("history", "text", "expected", "says"),
    [
        (
            [],
            "With a 25% tax on dividends, how much at 4% to net $1,000 a month?",
            1000 / 0.75 * 12 / 0.04,
            "before 25% tax, to keep $1,000 a month after it",
        ),
        (
            said("I'm taxed at 20%."),
            "what yield do I need on $400k to net $1,500 a month?",
            1500 / 0.8 * 12 / 400_000,
            "before 20% tax",
        ),
        ([], "$300k at 5%, taxed at 30%: monthly income?", 300_000 * 0.05 / 12, "$875 a month"),
        (
            [],
            "What does $300k pay at 5% after tax?",
            300_000 * 0.05 / 12,
            "These figures are before tax",
        ),
    ],
)
def test_a_tax_rate_is_applied_and_said_and_no_rate_says_the_figures_are_before_tax(
    advisor: Advisor, history: list[dict[str, str]], text: str, expected: float, says: str
):
    answer = advisor.ask(text, history=history)
    assert answer.route == "calculation", answer.answer
    assert [f.value for f in answer.figures] == [pytest.approx(expected, rel=1e-4)]
    assert says in answer.answer


def test_a_tax_of_100_percent_or_more_is_refused_in_one_line(advisor: Advisor):
    answer = advisor.ask("how much at 4% to net $1,000 a month with a 100% tax?")
    assert answer.route == "calculation" and not answer.figures
    assert "leaves no income at all" in answer.answer


def _range(stream: str, fn) -> list[float]:  # type: ignore[no-untyped-def]
    from advisor.recommender import load_catalog

    r = load_catalog().get(stream).returns
    return [fn(r.low), fn(r.high)]


def _total(stream: str, fn) -> list[float]:  # type: ignore[no-untyped-def]
    from advisor.recommender import load_catalog

    t = load_catalog().get(stream).returns.total_return
    assert t is not None
    return [fn(t.low), fn(t.high)]


# A second blind round (a helper's, 72 questions, 47 read right before these fixes): the
# failures, kept as tests. Each expected figure is worked out here.
CONVERSATIONS = [
    ([], "hw much do i need invsted to get 2,5k montly at 5%", lambda: [2500 * 12 / 0.05]),
    (
        ["I want 40k a year in passive income", "assume a 5% yield"],
        "so how much do i need",
        lambda: [40_000 / 0.05],
    ),
    ([], "I have 1.5L in an FD at 7%, monthly interest?", lambda: [150_000 * 0.07 / 12]),
    (
        ["How much income would £300k produce at 4 percent?"],
        "ok and with 20k more",
        lambda: [320_000 * 0.04 / 12],
    ),
    (
        ["I've got $100,000 in cash"],
        "how much a month would a high-yield savings account give me?",
        lambda: _range("money_market_funds", lambda r: 100_000 * r / 12),
    ),
    (
        [],
        "half a million in bonds whats the income per month",
        lambda: _range("bonds_tbills_cds", lambda r: 500_000 * r / 12),
    ),
    (
        ["I have 60k to invest"],
        "what would p2p lending pay me monthly?",
        lambda: _range("p2p_lending", lambda r: 60_000 * r / 12),
    ),
    (
        ["Suppose I put 300k into REITs"],
        "whats the monthly income",
        lambda: _range("reits", lambda r: 300_000 * r / 12),
    ),
    (
        [],
        "If I invest four hundred thousand pounds at 3.75 per cent, what's my income each month?",
        lambda: [400_000 * 0.0375 / 12],
    ),
    (["I have $500,000 and want $2,500 a month"], "is 5% enough?", lambda: [600_000, 0.06]),
    (
        ["I have 10k and save 700 a month, want 1k a month at 5%, how long?"],
        "what if i save 1000 a month instead?",
        lambda: [months_to(1000 * 12 / 0.05, 0.05, 1000, 10_000)],
    ),
    (
        ["how much will I have in 10 years if I invest $400 a month at 8%?"],
        "and in 20 years?",
        lambda: [fv(0, 400, 0.08, 240)],
    ),
    (
        [],
        "if I put $500 a month into dividend ETFs for 10 years how much will I have",
        lambda: _total("dividend_etfs", lambda r: fv(0, 500, r, 120)),
    ),
    # a third blind round (70 questions; 58 read right before these fixes)
    ([], "how much a week would $300,000 earn me at 5%?", lambda: [300_000 * 0.05 / 52]),
    (["What does $300k pay at 5%?"], "and after a 20% tax?", lambda: [300_000 * 0.05 / 12 * 0.8]),
    (
        ["I have 8 lakh rupees", "I'd put it in an FD at 7.1%"],
        "monthly interest?",
        lambda: [800_000 * 0.071 / 12],
    ),
    (
        [],
        f"I've got £15k and add £250 a month at 5% — what'll it be worth by {IN_TEN_YEARS}?",
        lambda: [fv(15_000, 250, 0.05, 120)],
    ),
    (
        [],
        "What monthly saving gets me to £1m by 60? I'm 35, have £50k, expect 6%.",
        lambda: [saving(1_000_000, 0.06, 300, 50_000)],
    ),
    (
        ["My goal: $100,000.", "I have $12,000 now and add $900 a month."],
        "How many months at 5%?",
        lambda: [months_to(100_000, 0.05, 900, 12_000)],
    ),
    (
        ["im putting 2k a month into index funds at 8%"],
        "when do i hit half a mil",
        lambda: [months_to(500_000, 0.08, 2000)],
    ),
    # a fourth blind round (70 questions; 64 read right before these fixes)
    (
        ["G'day, I've got A$20,000 sitting in a side account."],
        "If I add A$500 a month at 6.5%, what'll it be in 12 years?",
        lambda: [fv(20_000, 500, 0.065, 144)],
    ),
    (
        ["I want $3,000 a month of passive income."],
        "How much if I use dividend stocks?",
        lambda: _range("dividend_stocks", lambda r: 3000 * 12 / r),
    ),
    (
        [],
        "How much will $300 a month in dividend ETFs grow to in 20 years?",
        lambda: _total("dividend_etfs", lambda r: fv(0, 300, r, 240)),
    ),
    ([], "save 250 a wk at 7 pct for 10 yrs how much", lambda: [fv(0, 250 * 52 / 12, 0.07, 120)]),
    (
        [],
        "need 1 mil by age 50 im 30 rn got 50k how much a month at 7%",
        lambda: [saving(1_000_000, 0.07, 240, 50_000)],
    ),
    # a fifth blind round (70 questions; 65 read right before these fixes)
    (
        ["I'm planning my retirement in Pune.", "I want ₹50,000 per month to cover expenses."],
        "What corpus would I need for that at 7% returns?",
        lambda: [50_000 * 12 / 0.07],
    ),
    (
        [],
        "how much do i need to make two thousand five hundred dollars a month at four percent",
        lambda: [2500 * 12 / 0.04],
    ),
    ([], "if i have 1.2 mil at 5% wat do i get monthly", lambda: [1_200_000 * 0.05 / 12]),
    (
        ["I have 1.5L now and can put 10k per month"],
        "at 12% what will it become in 10 yrs",
        lambda: [fv(150_000, 10_000, 0.12, 120)],
    ),
]


@pytest.mark.parametrize(
    ("before", "text", "expected"), CONVERSATIONS, ids=[c[1][:50] for c in CONVERSATIONS]
)
def test_a_calculation_in_a_conversation_states_the_closed_form_figures(
    advisor: Advisor, before: list[str], text: str, expected
):  # type: ignore[no-untyped-def]
    history: list[dict[str, str]] = []
    for turn in before:
        reply = advisor.ask(turn, history=history)
        history += [
            {"role": "user", "content": turn},
            {"role": "assistant", "content": reply.answer},
        ]
    answer = advisor.ask(text, history=history)
    assert answer.route == "calculation", answer.answer
    for value in expected():
        assert states(answer.answer, value, 0.005), (value, answer.answer)


@pytest.mark.parametrize(
    ("before", "text", "label"),
    [
        (
            ["I have a dividend portfolio paying $400 a month"],
            "I check it about 1 hour a month. is that passive?",
            "Passive",
        ),
        (
            ["I run an etsy shop selling printables, it brings in about 250 dollars a month."],
            "i spend like 10 hours a week on it, does it count as passive?",
            "Active",
        ),
        (
            ["my blog earns €200 monthly"],
            "i work on it 20 hours per month, so passive or active?",
            "Semi-passive",
        ),
        (
            ["I have a vending machine route that pays me $900 a month."],
            "it takes me about 12 hours a month. how passive is that?",
            "Semi-passive",
        ),
        ([], "side hustle doing deliveries 6h a month for 200 is it passive", "Active"),
    ],
)
def test_the_pay_in_the_turn_before_and_the_hours_in_this_one_get_a_verdict(
    advisor: Advisor, before: list[str], text: str, label: str
):
    history = said(*before)
    answer = advisor.ask(text, history=history)
    assert answer.route == "passivity", answer.answer
    assert answer.answer.startswith(f"**{label}**"), answer.answer


@pytest.mark.parametrize(
    ("before", "text", "says"),
    [
        ([], "how much capital do I need to earn a monthly income?", "the monthly income you want"),
        (["I want 3000 a month"], "what yield do i need?", "I need the sum you have"),
    ],
)
def test_a_calculation_missing_its_one_figure_asks_for_it(
    advisor: Advisor, before: list[str], text: str, says: str
):
    history = said(*before)
    answer = advisor.ask(text, history=history)
    assert answer.route == "calculation" and not answer.figures, answer.answer
    assert says in answer.answer


@pytest.mark.parametrize(
    ("before", "text", "label"),
    [
        (
            [],
            "vending machines: $700/mo, about 2 hours a week restocking. passive, semi or active?",
            "Semi-passive",
        ),
        (
            ["I earn 900 a month from a p2p lending platform"],
            "i spend 30 min a month on it. passive?",
            "Passive",
        ),
    ],
)
def test_hours_a_week_minutes_and_three_way_questions_get_a_verdict(
    advisor: Advisor, before: list[str], text: str, label: str
):
    history = said(*before)
    answer = advisor.ask(text, history=history)
    assert answer.route == "passivity" and answer.answer.startswith(f"**{label}**"), answer.answer


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("What yield do I need?", "I need the income you want and the sum you have"),
        ("how long until I can live off my investments", "the monthly income you want to live on"),
    ],
)
def test_a_calculation_with_no_figure_at_all_says_which_figures_it_needs(
    advisor: Advisor, text: str, says: str
):
    answer = advisor.ask(text)
    assert answer.route == "calculation" and not answer.figures and says in answer.answer


@pytest.mark.parametrize(
    "text", ["What is a good yield for REITs?", "How long does it take to build a blog?"]
)
def test_questions_for_the_articles_are_not_taken_as_calculations(advisor: Advisor, text: str):
    assert advisor.ask(text).route != "calculation"


def test_a_yield_above_ten_percent_is_said_to_be_rare_and_risky(advisor: Advisor):
    answer = advisor.ask("what yield turns 100k into 1500 a month")
    assert "That is above 10% a year: few investments pay that for long" in answer.answer


def test_catalog_yields_used_for_another_currency_are_said_to_be_us_figures(advisor: Advisor):
    answer = advisor.ask("how much do I need in a money market fund for £1,000 a month?")
    assert "these are US figures, and yields in GBP may differ" in answer.answer


def test_australian_and_canadian_dollars_keep_their_currency(advisor: Advisor):
    answer = advisor.ask("I want C$3,000 a month. At 4% how much do I need?")
    assert "900,000 CAD" in answer.answer
    assert "AUD" in advisor.ask("what does A$200,000 pay at 5%?").answer


def test_driving_for_a_ride_app_is_paid_time_and_active(advisor: Advisor):
    answer = advisor.ask("i drive uber 20hrs a week makes 1600 a month is that passive")
    assert answer.answer.startswith("**Active**: it stops paying when you stop")


def test_phone_typing_is_read_as_the_words_meant(advisor: Advisor):
    answer = advisor.ask("how mch do i need for 3k a mnth at 0 percent")
    assert answer.route == "calculation" and "never pays an income" in answer.answer
    etsy = advisor.ask("is my etsy shop passive i make 400 a month and put in like 15 hrs a week")
    assert etsy.route == "passivity" and etsy.answer.startswith("**Active**")
    # "U.S." is not the word "u"
    from advisor.answering.router import phone_words

    assert phone_words("The U.S. Treasury pays u 4%") == "The U.S. Treasury pays you 4%"
