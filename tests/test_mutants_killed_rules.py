"""Mutants the mutation run (make mutate, docs/testing.md) found alive in the router,
the statement classifier and the pick rules, each killed by a test that states the
behaviour: what the router read, which rows are income, which words name a pick.
Expected values are worked out by hand, never with the function under test."""

from __future__ import annotations

import pytest

from advisor.core.answers import Passage
from advisor.recommender import load_catalog

STREAMS = {s.id: s for s in load_catalog().streams}


# -- the router: what the plan read, and the routes at their edges -------------------


def test_the_plan_keeps_what_it_read_from_the_message_and_the_users_earlier_turns():
    from advisor.answering.router import plan
    from advisor.core.answers import Turn

    turns = [
        Turn(role="user", content="I have $10,000 and 5 hours a week"),
        Turn(role="assistant", content="Noted: $3,000 at 4%"),  # not the person's numbers
    ]
    read = plan("REIT vs a rental at 5%?", turns)
    assert read.route == "comparison"
    assert [m.stream for m in read.found] == ["reits", "rental_property"]
    assert read.numbers.rates == [0.05]
    assert [[a.value for a in n.amounts] for n in read.earlier] == [[10_000.0]]
    assert read.known == {"capital": 10_000.0, "hours_per_week": 5.0, "currency": "USD"}
    assert plan("I have $20,000 now.", turns).facts == {"capital": 20_000.0, "currency": "USD"}


def test_a_calculation_needs_an_amount_or_a_rate_not_both():
    from advisor.answering.router import plan

    assert plan("How much do I need to earn $2,000 a month?").route == "calculation"
    assert plan("How much capital do I need at 4%?").route == "calculation"


def test_passivity_from_figures_needs_both_the_hours_and_an_amount_a_period():
    from advisor.answering.router import plan

    both = "How passive is a side business paying $800 a month for 20 hours a month?"
    assert plan(both).route == "passivity"
    assert plan("How passive is a side business that takes 20 hours a month?").route is None
    assert plan("How passive is a side business paying $800 a month?").route is None


def test_a_fact_asked_as_a_question_in_a_conversation_is_not_a_preference_update():
    from advisor.answering.router import plan
    from advisor.core.answers import Turn

    turns = [Turn(role="user", content="I have $10,000")]
    assert plan("I have $20,000 now.", turns).route == "preference"
    assert plan("I have $20,000 now, what should I do?", turns).route is None


# -- the statement classifier ---------------------------------------------------------


@pytest.fixture
def fresh_rules() -> None:
    """The classifier's rules read afresh from prompts/statements.yaml (they are cached
    for the process; a test that builds them checks the reading too)."""
    from advisor.users.statements import classify

    classify._rules.cache_clear()


def _row(text: str, amount: str):  # type: ignore[no-untyped-def]
    from datetime import date
    from decimal import Decimal

    from advisor.users.statements.model import Transaction

    return Transaction("f.csv", 1, date(2024, 1, 1), text, Decimal(amount), "USD")


def test_income_rows_carry_their_stream_and_its_passivity(fresh_rules):
    from advisor.users.statements.classify import Label, classify

    assert classify(_row("ACME PAYROLL", "2500")) == Label("income", "salary", "active")
    assert classify(_row("UPWORK ESCROW", "300")) == Label("income", "freelance", "active")
    etf = STREAMS["dividend_stocks"].passivity
    assert classify(_row("VANGUARD DIVIDEND", "40")) == Label("income", "dividends", etf)
    rent = STREAMS["rental_property"].passivity
    assert classify(_row("TENANT J SMITH", "900")) == Label("income", "rent_received", rent)
    assert classify(_row("J DOE", "40")) == Label("income", "unclassified", None)


def test_money_out_is_a_transfer_a_card_bill_or_spending_never_income(fresh_rules):
    from advisor.users.statements.classify import Label, classify

    assert classify(_row("TRANSFER TO SAVINGS", "-500")) == Label("own_transfer")
    assert classify(_row("CREDIT CARD PAYMENT", "-300")) == Label("card_payment")
    assert classify(_row("ACME PAYROLL", "-20")) == Label("spending")  # a salary word, out
    assert classify(_row("AMAZON REFUND", "-12")) == Label("spending")  # a refund word, out


def test_money_in_that_is_not_income_wins_over_a_stream_word(fresh_rules):
    from advisor.users.statements.classify import Label, classify

    assert classify(_row("DIVIDEND REVERSAL", "40")) == Label("refund")
    assert classify(_row("TRANSFER FROM SAVINGS", "500")) == Label("own_transfer")


def test_stream_passivity_lists_every_stream_of_the_rules(fresh_rules):
    from advisor.users.statements.classify import stream_passivity

    table = stream_passivity()
    assert table["salary"] == table["freelance"] == "active"  # stops when the work stops
    assert table["dividends"] == STREAMS["dividend_stocks"].passivity
    assert table["royalties"] == STREAMS["ebooks_royalties"].passivity


def test_the_persons_labels_come_first_longest_payer_text_first(fresh_rules):
    from advisor.users.statements.classify import Label, classify

    labels = {"acme": "freelance", "acme payroll": "salary", "mum": "own_transfer"}
    assert classify(_row("ACME   Payroll 04", "2500"), labels) == Label(
        "income", "salary", "active"
    )
    assert classify(_row("ACME consulting", "500"), labels) == Label(
        "income", "freelance", "active"
    )
    assert classify(_row("FROM MUM", "50"), labels) == Label("own_transfer")
    assert classify(_row("TO MUM", "-50"), labels) == Label("own_transfer")
    # an income label says nothing of money going out: the rules decide
    assert classify(_row("ACME consulting", "-500"), labels) == Label("spending")
    # a label that names no stream is ignored
    assert classify(_row("J DOE", "40"), {"j doe": "lottery"}) == Label(
        "income", "unclassified", None
    )
    assert classify(_row("J DOE", "40"), {}) == Label("income", "unclassified", None)


def test_each_of_the_persons_not_income_labels_is_kept_and_longer_text_wins(fresh_rules):
    from advisor.users.statements.classify import Label, classify

    for label in ("refund", "card_payment", "own_transfer"):
        assert classify(_row("FROM MUM", "50"), {"mum": label}) == Label(label)
    # "acme payroll" is longer than "payroll" though it sorts before it
    labels = {"payroll": "freelance", "acme payroll": "salary"}
    assert classify(_row("ACME PAYROLL", "2500"), labels).stream == "salary"


def test_a_few_cents_in_are_income_like_any_other_amount(fresh_rules):
    from advisor.users.statements.classify import Label, classify

    assert classify(_row("SAVINGS INTEREST", "0.42")) == Label(
        "income", "interest", STREAMS["money_market_funds"].passivity
    )
    assert classify(_row("ACME", "0.50"), {"acme": "dividends"}).stream == "dividends"


# -- picks: which words name a pick, and the principle it is answered with ---------


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("should i buy bitcoin", "coin"),
        ("what about ethereum", "coin"),
        ("buy Vanguard", "fund"),
        ("should I buy the Vanguard S&P 500 ETF", "fund"),
        ("Should I buy Vanguard ETF shares", "fund"),
        ("should I buy Fidelity funds", "fund"),
        ("Should I buy NVDA?", "company"),  # a ticker
        ("load up on $TSLA", "company"),
        ("buy palantir", "company"),  # unknown to every vocabulary, right after the verb
        ("Should I buy Palantir or bonds", "company"),
        ("is Zorblax a good investment", "company"),  # capitalised, no word of English
        ("my opinion on Zorblax", "company"),
        ("I am getting into Zorblax", "company"),
        ("should I buy the big Zorblax", "company"),
        ("should I buy Tesla.", "company"),
        ("should I buy Airbnb rentals", None),  # a kind of investment
        ("buy it now", None),
        ("should i buy a house", None),
        ("should I buy the big old green Zorblax", None),  # past the four words of a name
        ("should i buy Ab", None),  # too short to be a name
        ("buy zorblax", "company"),  # right after the verb an unknown word is a name
        ("is zorblax a good investment", None),  # elsewhere it must be capitalised
        ("my zorblax shares", None),
        ("I like Zorblax shares", "company"),
        ("is Zor a good investment", "company"),
        ("is Zo a good investment", None),  # two letters: a ticker only in capitals
        ("is AB a good investment", "company"),
        ("is ZORB a good investment", "company"),
        ("IS ZORB A GOOD INVESTMENT", None),  # shouting: capitals say nothing
        ("is SHINE a good investment", "company"),  # five capitals: a ticker though a word
        ("is BRIGHT a good investment", None),  # six: not a ticker, and a word
        ("is $zorb a good investment", "company"),
        ("is REIT a good investment", None),  # an acronym of a kind of investment
        ("my Zorblax ETF is down", "fund"),
        ("buy Zorblax ETF", "fund"),
        ("buy Zorblax ETFs", "fund"),
        ("buy Zorblax fund", "fund"),
        ("buy Zorblax funds", "fund"),
        ("should I buy Zorblax rentals", None),  # a name before a kind of investment
        ("are ZORB shares worth it?", None),  # no name left once "are" ends the slot
    ],
)
def test_the_words_that_name_a_pick(question, kind):
    from advisor.guard.picks import named_pick

    assert named_pick(question) == kind


def test_a_pick_is_answered_with_its_principle_and_the_library_sentences_that_state_it():
    from advisor import prompts
    from advisor.guard.picks import principle, principle_answer

    table = prompts.data("pick_principles.yaml")
    says, quotes = principle("company")
    assert says == " ".join(table["company"]["says"].split()) and "\n" not in says
    assert quotes == table["company"]["quotes"] and len(quotes) == 2
    assert principle(None) == principle("other") == principle("no such kind")
    first, second = quotes
    library = [
        Passage(id="p1", text=f"Intro. {first} {second}", source="a.md", title="A", doc_id="a"),
        Passage(id="p2", text="Nothing to quote.", source="b.md", title="B", doc_id="b"),
    ]
    text, cited = principle_answer("company", lambda q: library)
    assert [p.id for p in cited] == ["p1"]  # both quotes come from one passage: one source
    note = prompts.text("specific_pick.txt").strip()
    assert text.startswith(note + "\n\n" + says + "\n\n")
    assert text.count("[1]") == 2 and "[2]" not in text
    missing, none = principle_answer("coin", lambda q: library[1:])
    assert none == [] and missing == note + "\n\n" + principle("coin")[0]
    # each quote is searched for; one the library lacks is skipped, the next still cited
    apart = [
        Passage(id="p2", text=f"More. {second}", source="b.md", title="B", doc_id="b"),
        Passage(id="p3", text=f"Also. {first}", source="c.md", title="C", doc_id="c"),
    ]
    text, cited = principle_answer("company", lambda q: [p for p in apart if q in p.text])
    assert [p.id for p in cited] == ["p3", "p2"]
    assert text.endswith(f"{first[:-1]} [1]. {second[:-1]} [2].")  # a marker before the stop
    only_second, cited = principle_answer(
        "company", lambda q: [p for p in apart[:1] if q in p.text]
    )
    assert [p.id for p in cited] == ["p2"] and "[1]" in only_second
