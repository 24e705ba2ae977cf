"""The chat answers from the person's stored statements (#26): through Advisor.ask and
the OpenAI-compatible API, with every figure computed from the stored rows (or by the
calculators), the statements cited as the person's own document, and a hint on how to
import one when none is stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from advisor_servers import serve

FIXTURES = Path(__file__).parent / "fixtures" / "statements"
SHARE = "How much of my income is passive?"
RENT = "What did my rentals bring in last quarter?"
PROJECTION = (
    "If I moved my surplus into dividend ETFs, when would passive income pass $500 a month?"
)


def _import(advisor: Any, user: str, name: str) -> dict[str, Any]:
    from advisor.users.statements.saved import import_statements

    return import_statements(advisor.settings, user, [FIXTURES / name])


def _statement_citation(answer: Any) -> Any:
    found = [c for c in answer.citations if c.doc_id == "statements"]
    assert len(found) == 1, answer.citations
    assert found[0].origin == "user" and found[0].cited and found[0].supported
    return found[0]


def test_the_passive_share_is_answered_from_the_stored_statement(writable_advisor: Any) -> None:
    report = _import(writable_advisor, "ann", "us_chase.csv")
    answer = writable_advisor.ask(SHARE, user="ann")
    assert answer.route == "statement"
    share = report["currencies"][0]["passive_share"]
    assert f"{share * 100:.1f}% of your income in USD is passive" in answer.answer
    assert "us_chase.csv" in _statement_citation(answer).title
    assert [f.label for f in answer.figures] == ["passive share"]
    assert answer.figures[0].value == pytest.approx(share, abs=1e-4)


def test_a_stream_over_the_last_quarter_is_summed_from_its_rows(writable_advisor: Any) -> None:
    from advisor.users.statements.classify import classify
    from advisor.users.statements.reader import read_statement

    _import(writable_advisor, "ann", "uk_nationwide.csv")
    rows = read_statement(FIXTURES / "uk_nationwide.csv")
    last = max(r.date for r in rows)
    start = dt.date(last.year, (last.month - 1) // 3 * 3 + 1, 1)
    rent = [r for r in rows if start <= r.date and classify(r).stream == "rent_received"]
    assert rent  # the fixture has rent in its last quarter
    total = sum((r.amount for r in rent), Decimal(0))
    answer = writable_advisor.ask(RENT, user="ann")
    assert answer.route == "statement"
    assert (
        f"Your rent received brought in {total:,.2f} GBP from {start.isoformat()} to "
        f"{last.isoformat()} (the last quarter your statements reach), in {len(rent)} payments"
    ) in answer.answer
    _statement_citation(answer)


def test_the_projection_uses_the_persons_own_surplus_and_the_calculators(
    writable_advisor: Any,
) -> None:
    from advisor.recommender import calculators, load_catalog

    report = _import(writable_advisor, "ann", "us_chase.csv")
    usd = report["currencies"][0]
    surplus = usd["monthly_surplus"]
    totals = [s["total"] for s in usd["income_per_month"].values() if s["passivity"] == "passive"]
    passive = round(sum(totals) / usd["months_covered"], 2)
    assert surplus > 0 and passive < 500
    etfs = load_catalog().get("dividend_etfs").returns
    plan = calculators.months_to_goal(
        500 - passive, etfs.mid, surplus, 0.0, annual_growth=max(0.0, etfs.total_mid - etfs.mid)
    )
    answer = writable_advisor.ask(PROJECTION, user="ann")
    assert answer.route == "statement"
    assert plan.months is not None and f"after {plan.months} months" in answer.answer
    assert f"a surplus of {surplus:,.2f} USD a month" in answer.answer
    assert {f.label: f.value for f in answer.figures}["months to the goal"] == plan.months
    _statement_citation(answer)


def test_without_a_statement_the_answer_says_how_to_import_one(writable_advisor: Any) -> None:
    for question in (SHARE, PROJECTION):
        answer = writable_advisor.ask(question, user="nobody-yet")
        assert answer.route == "statement"
        assert "No bank statement of yours is stored yet" in answer.answer
        assert "/v1/statements" in answer.answer and answer.citations == []
    # one stream without statements: the person's notes and the library may answer it
    assert writable_advisor.ask(RENT, user="nobody-yet").route != "statement"
    anonymous = writable_advisor.ask(SHARE)
    assert anonymous.route == "statement" and "no user to keep them for" in anonymous.answer


def test_deleting_the_statement_leaves_the_chat_nothing_to_answer_from(
    writable_advisor: Any,
) -> None:
    from advisor.users.statements.saved import delete_statement

    _import(writable_advisor, "ann", "us_chase.csv")
    assert writable_advisor.ask(SHARE, user="ann").citations
    delete_statement(writable_advisor.settings, "ann", "us_chase.csv")
    assert "No bank statement of yours" in writable_advisor.ask(SHARE, user="ann").answer


@pytest.fixture
def chat_url(writable_advisor: Any) -> Iterator[str]:
    from advisor.interfaces.api.app import create_api

    keys = {"ann-key-0123456789": "ann", "bob-key-0123456789": "bob"}
    with serve(create_api(writable_advisor, api_keys=keys)) as url:
        yield url


def test_the_api_answers_from_the_callers_own_statement_only(
    writable_advisor: Any, chat_url: str
) -> None:
    import openai

    report = _import(writable_advisor, "ann", "us_chase.csv")
    share = report["currencies"][0]["passive_share"]

    def ask(key: str) -> dict[str, Any]:
        client = openai.OpenAI(base_url=f"{chat_url}/v1", api_key=key, max_retries=0)
        reply = client.chat.completions.create(
            model="passive-income-advisor", messages=[{"role": "user", "content": SHARE}]
        )
        return reply.model_dump()

    ann = ask("ann-key-0123456789")
    text = ann["choices"][0]["message"]["content"]
    assert f"{share * 100:.1f}% of your income in USD is passive" in text
    assert ann["advisor"]["route"] == "statement"
    cited = [c for c in ann["citations"] if c["doc_id"] == "statements"]
    assert cited and cited[0]["origin"] == "user" and "us_chase.csv" in cited[0]["title"]
    bob = ask("bob-key-0123456789")
    assert "No bank statement of yours is stored yet" in bob["choices"][0]["message"]["content"]
    assert f"{share * 100:.1f}%" not in bob["choices"][0]["message"]["content"]


def test_a_question_on_something_no_statement_stream_names_is_left_to_the_notes() -> None:
    from advisor.answering.router import plan

    assert plan("What does my vending machine route earn?").route != "statement"
    assert plan(RENT).route == "statement"
