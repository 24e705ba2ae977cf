""" "Which streams suit me?" in chat goes to the recommender with the user's saved
profile; other questions reach the answer engine with the profile attached."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make_settings

from advisor.answering.engines.fake import FakeEngine
from advisor.answering.service import Advisor
from advisor.ingest.corpus import load_article
from advisor.users.profile import Profile
from advisor.users.profile_store import save_profile

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture
def chat(home_copy: Path, embedder) -> tuple[Advisor, FakeEngine]:  # type: ignore[no-untyped-def]
    engine = FakeEngine()
    advisor = Advisor(make_settings(home_copy), embedder=embedder, engine=engine)
    save_profile(
        advisor.settings,
        "writer",
        Profile(capital=800, skills=["writing"], hours_per_week=12),
    )
    return advisor, engine


@pytest.mark.parametrize(
    "question",
    [
        "Which streams suit me?",
        "I have about $800 and my evenings free. What passive income would you suggest for me?",
    ],
)
def test_a_suggestion_request_is_answered_from_the_saved_profile(chat, question):
    advisor, engine = chat
    answer = advisor.ask(question, user="writer")
    assert answer.engine == "recommender"
    assert engine.requests == []  # the answer engine was not asked
    facts_said = "Understood: savings of $800.\n\n" if "$800" in question else ""
    assert answer.answer.startswith(facts_said + "Streams that suit your profile")
    cited = [c for c in answer.citations if c.cited]
    assert len(cited) == 3
    for c in cited:
        assert c.supported is True
        assert f"[{c.n}]" in answer.answer
        assert c.text in load_article(CORPUS / c.source).text  # a real stored chunk
        assert c.title != c.source
    assert not answer.warnings


def test_streaming_yields_the_text_then_the_answer(chat):
    advisor, _ = chat
    events = advisor.stream("Which streams suit me?", user="writer")
    pieces = list(events)
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert events.answer().answer == "".join(pieces).strip()


def test_without_a_saved_profile_it_answers_then_says_which_facts_to_set(chat):
    advisor, engine = chat
    answer = advisor.ask("What passive income streams would suit me?", user="newbie")
    assert answer.engine == "fake" and len(engine.requests) == 1
    body, hint = answer.answer.split("\n\n", 1)
    assert "[1]" in body
    assert "I have $5,000 saved" in hint and "advisor profile" not in hint
    assert not answer.warnings


def test_a_request_the_library_does_not_cover_gets_only_the_facts_it_needs(chat):
    """ "Which streams suit me?" finds no passage near it: "the sources do not cover
    this" before the list of facts would contradict it, so the list is the answer."""
    advisor, engine = chat
    answer = advisor.ask("Which streams suit me?", user="newbie")
    assert engine.requests == []  # no engine asked to answer from passages that miss
    assert answer.route == "suggestions" and answer.engine == "recommender"
    assert answer.answer.startswith("To say which streams suit you I need a few facts")
    assert "do not cover" not in answer.answer and "[1]" not in answer.answer
    assert "savings you could invest" in answer.answer  # fields as a person names them


def test_an_anonymous_request_explains_how_to_get_suggestions(chat):
    advisor, _ = chat
    answer = advisor.ask("Which passive income streams suit me?")
    assert "Tell me in a sentence" in answer.answer
    assert "`" not in answer.answer and "--user" not in answer.answer


def test_a_profile_passed_by_the_caller_wins_over_the_saved_one(chat):
    advisor, _ = chat
    answer = advisor.ask(
        "Which streams suit me?",
        user="writer",
        profile={"capital": 500_000, "hours_per_week": 1, "risk_tolerance": "medium"},
    )
    top = answer.answer.split("\n\n")[1]
    assert "Blog" not in answer.answer
    assert top.startswith("1. ")


def test_general_questions_reach_the_engine_with_the_saved_profile(chat):
    advisor, engine = chat
    answer = advisor.ask("What are the risks of peer-to-peer lending?", user="writer")
    assert answer.engine != "recommender"
    request = engine.requests[-1]
    assert request.profile is not None
    assert request.profile["capital"] == 800 and request.profile["skills"] == ["writing"]


def test_a_user_without_a_profile_sends_no_profile(chat):
    advisor, engine = chat
    advisor.ask("What is passive income?", user="newbie")
    assert engine.requests[-1].profile is None


@pytest.mark.parametrize(
    ("question", "routed"),
    [
        ("Which streams suit me?", True),
        ("Given everything in my profile, what would you suggest I start?", True),
        ("Which streams suit a retiree?", False),  # not about the asker
        ("What are the risks of peer-to-peer lending for me?", False),
        ("How do I reinvest the dividends my fund pays me?", False),
        ("Is my rental income passive or active?", False),
    ],
)
def test_only_personal_suggestion_requests_are_routed(embedder, question, routed):
    from advisor.conversation.suggest_intent import wants_suggestions

    vector = embedder.embed([question])[0]
    assert wants_suggestions(question, vector, embedder) is routed


@pytest.mark.parametrize("question", ["What streams would suit me?", "what streams suit me"])
def test_a_suggestion_request_the_guard_finds_off_topic_is_not_declined(chat, question):
    """The guard's examples miss "What streams would suit me?" (off topic, 0.39 against
    0.33 in scope), but the suggestion check knows it: the person gets the facts to give,
    not "I can only help with passive and active income"."""
    advisor, _ = chat
    answer = advisor.ask(question, user="newbie")
    assert not answer.declined and answer.route == "suggestions"
    assert "To say which streams suit you I need a few facts" in answer.answer


def test_an_off_topic_question_in_the_first_person_is_still_declined(chat):
    advisor, _ = chat
    answer = advisor.ask("What car would suit me?", user="newbie")
    assert answer.declined and answer.reason == "off_topic"
