"""Rule-based condensing of a follow-up into a standalone question (the grounded
engine's method; LLM engines condense with their model)."""

from __future__ import annotations

import re
from functools import cache

from advisor import prompts
from advisor.models import Turn
from advisor.sentences import content_words

_WHAT_ABOUT = re.compile(
    r"^\s*(?:(?:and|but|so|also|ok|okay)[,\s]+)?(?:what|how)\s+about\s+(?P<topic>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_AND_X = re.compile(r"^\s*(?:and|also)\s+(?P<topic>[^?]{1,60}?)\s*\?\s*$", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(it|they|them|those|these|its|their|that one|this one)\b", re.IGNORECASE)


@cache
def topics() -> list[str]:
    lines = prompts.text("topics.txt").splitlines()
    found = [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]
    return sorted(found, key=len, reverse=True)


def find_topic(text: str) -> str | None:
    lowered = text.lower()
    for topic in topics():
        if re.search(rf"\b{re.escape(topic.lower())}\b", lowered):
            start = lowered.index(topic.lower()) if topic.lower() in lowered else -1
            return text[start : start + len(topic)] if start >= 0 else topic
    return None


def last_user_question(history: list[Turn]) -> str | None:
    for turn in reversed(history):
        if turn.role == "user" and turn.content.strip():
            return turn.content.strip()
    return None


def condense(question: str, history: list[Turn]) -> str:
    """``And what about REITs?`` after a question on dividend stocks becomes that
    question about REITs; a question that stands alone is returned unchanged."""
    previous = last_user_question(history)
    if not previous:
        return question
    match = _WHAT_ABOUT.match(question) or _AND_X.match(question)
    if match:
        new_topic = match.group("topic").strip()
        old_topic = find_topic(previous)
        if old_topic:
            return re.sub(re.escape(old_topic), new_topic, previous, count=1, flags=re.IGNORECASE)
        return f"{new_topic}: {previous}"
    if _PRONOUN.search(question) and len(content_words(question)) <= 6:
        old_topic = find_topic(previous)
        if old_topic and old_topic.lower() not in question.lower():
            return _PRONOUN.sub(old_topic, question, count=1)
    return question
