"""Rule-based condensing of a follow-up into a standalone question (the grounded
engine's method; LLM engines condense with their model)."""

from __future__ import annotations

import re
from functools import cache

from advisor import prompts
from advisor.answers import Turn
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
    # a specific topic ("a blog") beats the domain itself ("passive income"), however long
    ranked = sorted(topics(), key=lambda t: t.lower() in GENERIC_TOPICS)
    for topic in ranked:
        if re.search(rf"\b{re.escape(topic.lower())}\b", lowered):
            start = lowered.index(topic.lower()) if topic.lower() in lowered else -1
            return text[start : start + len(topic)] if start >= 0 else topic
    return None


GENERIC_TOPICS = frozenset({"passive income", "active income"})


def last_user_question(history: list[Turn]) -> str | None:
    for turn in reversed(history):
        if turn.role == "user" and turn.content.strip():
            return turn.content.strip()
    return None


_FOLLOW_UP_START = re.compile(
    r"^\s*(?:and|but|so|also|ok|okay|then|what about|how about|which (?:parts?|ones?|of them)|"
    r"what (?:else|if)|why(?: not)?\??$|how so|same for|is that|are those|does that|do they)\b",
    re.IGNORECASE,
)


def follow_up_topic(question: str) -> str | None:
    """The new topic of a "what about X?" / "and X?" follow-up, else None."""
    match = _WHAT_ABOUT.match(question) or _AND_X.match(question)
    return match.group("topic").strip() if match else None


def is_follow_up(question: str, standalone: str) -> bool:
    """Whether a question leans on the conversation: the condenser rewrote it, or it
    starts like a follow-up, points back with a pronoun, or is too short to stand alone."""
    if standalone.strip() != question.strip():
        return True
    return bool(
        _FOLLOW_UP_START.search(question)
        or _PRONOUN.search(question)
        or len(content_words(question)) <= 3
    )


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
    old_topic = find_topic(previous)
    if not old_topic or old_topic.lower() in question.lower():
        return question
    if _PRONOUN.search(question) and len(content_words(question)) <= 6:
        return _PRONOUN.sub(old_topic, question, count=1)
    # ellipsis ("what should I do with the payouts?" after a question on dividend
    # stocks): a question with no topic of its own that leans on the last one
    if find_topic(question) is None and is_follow_up(question, question):
        return f"{question.rstrip(' ?.!')} ({old_topic})?"
    return question
