"""Condensing follow-ups (``advisor.conversation.condense``): a follow-up is read with the
conversation before it, as the standalone question the advisor answers."""

from __future__ import annotations

import pytest


def test_follow_up_is_condensed_with_the_previous_question(advisor):
    from advisor.core.answers import Turn

    history = [
        Turn(role="user", content="How do dividend stocks give passive income?"),
        Turn(role="assistant", content="..."),
    ]
    answer = advisor.ask("And what about REITs?", history=history)
    assert "REITs" in answer.question and "passive income" in answer.question
    assert any("REIT" in c.text for c in answer.citations[:2])


def test_what_about_follow_up_is_answered_about_the_new_topic(advisor):
    history = [
        {"role": "user", "content": "What is a REIT?"},
        {"role": "assistant", "content": "REITs allow individuals to invest in real estate."},
    ]
    answer = advisor.ask("And what about ETFs?", history=history)
    assert not answer.declined
    assert "ETF" in answer.question and "REIT" not in answer.question
    assert "ETF" in answer.answer or "exchange-traded" in answer.answer


def test_a_pronoun_follow_up_is_read_with_the_conversation_not_declined(advisor):
    history = [
        {"role": "user", "content": "How do I find the right side hustle?"},
        {"role": "assistant", "content": "It depends on your time and skills."},
    ]
    answer = advisor.ask("Which parts of it can I hand off to someone else?", history=history)
    assert not answer.declined
    assert "side hustle" in answer.question.lower()
    assert any("hustle" in c.text.lower() for c in answer.citations[:3])


@pytest.mark.parametrize(
    ("previous", "follow_up", "read_as"),
    [
        # the new topic takes the old one's place, and the words around it agree
        ("What is a REIT?", "And what about ETFs?", "What are ETFs?"),
        ("What is a REIT?", "and an index fund?", "What is an index fund?"),
        ("What is a REIT?", "what about ETF?", "What is an ETF?"),
        ("What is a REIT?", "and Patreon?", "What is Patreon?"),
        (
            "How do dividend stocks give passive income?",
            "And what about REITs?",
            "How do REITs give passive income?",
        ),
        # no known topic: the phrase the previous question ends on is swapped
        (
            "What does Rich Dad, Poor Dad call an asset?",
            "And a liability?",
            "What does Rich Dad, Poor Dad call a liability?",
        ),
        # a question of its own after "and": nothing is swapped into the old question
        # (the service searches it beside the previous question instead)
        (
            "How popular is the Smart Passive Income podcast?",
            "and how long are the episodes?",
            "and how long are the episodes?",
        ),
    ],
)
def test_a_follow_up_reads_as_a_question_a_person_would_write(previous, follow_up, read_as):
    from advisor.conversation.condense import condense
    from advisor.core.answers import Turn

    history = [Turn(role="user", content=previous), Turn(role="assistant", content="...")]
    assert condense(follow_up, history) == read_as


def test_a_follow_up_with_a_question_of_its_own_is_answered_from_the_conversation(advisor):
    history = [
        {"role": "user", "content": "How popular is the Smart Passive Income podcast?"},
        {"role": "assistant", "content": "3,500,000 downloads a month."},
    ]
    answer = advisor.ask("and how long are the episodes?", history=history)
    assert not answer.declined
    assert "Episode Length" in answer.answer.split("[", 1)[0]
