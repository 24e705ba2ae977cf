"""Condensing follow-ups (``advisor.condense``): a follow-up is read with the
conversation before it, as the standalone question the advisor answers."""

from __future__ import annotations


def test_follow_up_is_condensed_with_the_previous_question(advisor):
    from advisor.answers import Turn

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
