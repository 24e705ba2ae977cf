"""Every answer that gives money guidance ends with the not-financial-advice line, in
every interface; a question the sources cannot answer is said to be not covered,
instead of being answered with unrelated quotes."""

from __future__ import annotations

import json

import pytest
from helpers import ROOT, cli

from advisor.answering.answer_text import not_advice, strip_label, strip_sources
from advisor.answering.coverage import asks_figure_of_the_moment, covers, not_covered


def test_an_answer_ends_with_the_label_once_and_the_stream_shows_it(advisor):
    events = advisor.stream("How do REITs pay their investors?")
    streamed = "".join(events)
    answer = events.answer()
    assert answer.answer.endswith(not_advice())
    assert answer.answer.count("not financial advice") == 1
    assert streamed.strip() == answer.answer.strip()
    assert strip_sources(answer.answer) == strip_label(answer.answer)
    assert not strip_label(answer.answer).endswith(not_advice())


def test_the_chat_ui_shows_the_label_under_the_answer(advisor):
    from advisor.interfaces.ui import render

    messages = render.answer_messages(advisor.ask("How do REITs pay their investors?"))
    assert not_advice() in messages[0]["content"]


def test_a_pick_decline_says_it_once(advisor):
    answer = advisor.ask("Should I buy Nvidia shares?")
    assert answer.answer.lower().count("not financial advice") == 1


def test_the_terminal_shows_the_label_streamed_and_in_json(capsys, home_copy):
    code, out, _ = cli(capsys, "ask", "How do REITs pay their investors?")
    assert code == 0 and not_advice() in out
    code, out, _ = cli(capsys, "ask", "--json", "How do REITs pay their investors?")
    assert code == 0 and json.loads(out)["answer"].endswith(not_advice())


@pytest.mark.parametrize(
    "question",
    [
        "What is the current money-market yield?",
        "Does the 4% rule still hold?",
        "What's the interest rate on a 1-year CD today?",
    ],
)
def test_a_question_the_sources_do_not_cover_says_so_instead_of_quoting(advisor, question):
    answer = advisor.ask(question)
    assert answer.answer == not_covered()
    assert not answer.declined
    assert not any(c.cited for c in answer.citations)


def test_a_figure_of_the_moment_needs_a_moment_and_a_figure():
    assert asks_figure_of_the_moment("what are money market yields right now")
    assert not asks_figure_of_the_moment("what yield do money market funds pay")
    assert not asks_figure_of_the_moment("what should I do right now with my savings")


def test_no_in_scope_dev_row_is_said_to_be_not_covered(advisor):
    rows = [json.loads(line) for line in (ROOT / "evals" / "reference_qa.jsonl").open()]
    asked = [
        r
        for r in rows
        if r.get("split") == "dev"
        and r["category"] not in {"out_of_scope", "small_talk"}
        and not r.get("history")
        and not r.get("expected_route")  # worked rows are answered by code, picks declined
    ]
    assert len(asked) > 40
    missed = [
        r["id"] for r in asked if not covers(r["user_input"], advisor.search(r["user_input"]))
    ]
    assert missed == []
