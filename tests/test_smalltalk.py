"""Small talk gets a short reply of its own; anything with a question in it does not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from advisor import prompts
from advisor.conversation.smalltalk import examples, small_talk_kind, small_talk_reply

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hi", "greeting"),
        ("Hello there!", "greeting"),
        ("good morning", "greeting"),
        ("Good morning :)", "greeting"),
        ("heyyy 👋", "greeting"),
        ("hey, how are you?", "greeting"),
        ("thanks, that was helpful!", "thanks"),
        ("thanks that was helpful!", "thanks"),
        ("thank you so much", "thanks"),
        ("Thanks a lot for the help", "thanks"),
        ("that helps a lot", "thanks"),
        ("ok cool", "ack"),
        ("who are you", "identity"),
        ("Who are you?", "identity"),
        ("are you a bot?", "identity"),
        ("what can you do", "capabilities"),
        ("help", "capabilities"),
        ("Help!", "capabilities"),
        ("hi, what can you do?", "capabilities"),
        ("bye", "goodbye"),
        ("see you", "goodbye"),
        ("ok cool, see you later", "goodbye"),
        ("thanks and bye", "goodbye"),
    ],
)
def test_small_talk_is_recognised(text, kind):
    assert small_talk_kind(text) == kind
    reply = small_talk_reply(text)
    assert reply is not None


@pytest.mark.parametrize(
    "text",
    [
        "hi, what is a REIT?",
        "thanks! and what about ETFs?",
        "thanks what about etfs",
        "hello, is p2p lending risky",
        "help me pick a side hustle",
        "can you help me with REITs",
        "what do you know about REITs",
        "ok so what about rental property",
        "how are you making money",
        "good stocks?",
        "Which parts of it can I hand off to someone else?",
        "how do i make money while i sleep",
        "",
        "   ",
        "hi " * 60,
    ],
)
def test_anything_with_a_question_in_it_is_not_small_talk(text):
    assert small_talk_kind(text) is None
    assert small_talk_reply(text) is None


def _rows(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_no_in_scope_or_out_of_scope_question_is_taken_for_small_talk():
    rows = _rows(ROOT / "evals" / "guard_in_scope.jsonl")
    rows += _rows(ROOT / "evals" / "guard_out_of_scope.jsonl")
    rows += [
        r for r in _rows(ROOT / "evals" / "reference_qa.jsonl") if r["category"] != "small_talk"
    ]
    caught = [r["user_input"] for r in rows if small_talk_kind(r["user_input"])]
    assert not caught


def test_the_reference_small_talk_rows_are_recognised():
    rows = _rows(ROOT / "evals" / "reference_qa.jsonl")
    missed = [
        r["user_input"]
        for r in rows
        if r["category"] == "small_talk" and small_talk_kind(r["user_input"]) is None
    ]
    assert not missed


def test_replies_are_short_friendly_and_offer_example_questions():
    data = yaml.safe_load(prompts.text("small_talk.yaml"))
    kinds = ("greeting", "thanks", "ack", "identity", "capabilities", "goodbye")
    assert set(data["replies"]) == set(kinds)
    for kind in kinds:
        reply = small_talk_reply(
            {
                "greeting": "hi",
                "thanks": "thanks",
                "ack": "ok",
                "identity": "who are you",
                "capabilities": "help",
                "goodbye": "bye",
            }[kind]
        )
        assert reply is not None
        opening, _, rest = reply.partition("\n\n")
        assert 1 <= opening.count(".") + opening.count("!") <= 3, opening
        asked = [line[2:] for line in rest.splitlines() if line.startswith("- ")]
        assert 2 <= len(asked) <= 3 and all(q.endswith("?") for q in asked)
        assert asked == examples(kind)
        # no interface-specific hints: a web or API user is never told to run a command
        for hint in ("`", "advisor ", "--", "run ", "click", "button", "http"):
            assert hint not in reply.lower(), (kind, hint)


def test_the_example_questions_are_in_scope(advisor):
    """Every example a reply offers is a question the guard accepts."""
    from advisor.conversation.spelling import speller_for

    data = yaml.safe_load(prompts.text("small_talk.yaml"))
    speller = speller_for(advisor.store.manifest)
    for question in data["examples"]:
        assert small_talk_kind(question) is None
        spelt = speller.correct(question)
        assert spelt == question  # spelt right already
        vector = advisor.embedder.embed([question])[0]
        top = max((p.score for p in advisor.search(question)), default=0.0)
        verdict = advisor.guard.check(question, vector, top)
        assert verdict.in_scope, (question, verdict)
