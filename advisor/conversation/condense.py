"""Rule-based condensing of a follow-up into a standalone question (the grounded
engine's method; LLM engines condense with their model)."""

from __future__ import annotations

import re
from functools import cache

from advisor import prompts
from advisor.core.answers import Turn
from advisor.core.sentences import content_words

_WHAT_ABOUT = re.compile(
    r"^\s*(?:(?:and|but|so|also|ok|okay)[,\s]+)?(?:what|how)\s+about\s+(?P<topic>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_AND_X = re.compile(r"^\s*(?:and|also)\s+(?P<topic>[^?]{1,60}?)\s*\?\s*$", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(it|they|them|those|these|its|their|that one|this one)\b", re.IGNORECASE)
# "and how long are the episodes?" asks a question of its own: no topic to swap in
_QUESTION_WORD = re.compile(
    r"^(?:how|what|why|when|where|who|which|is|are|do|does|did|can|could|should|would|will)\b",
    re.IGNORECASE,
)
_DETERMINER = re.compile(
    r"^(?:a|an|the|my|your|our|some|any|this|that|these|those)\s", re.IGNORECASE
)
# the previous question's last noun phrase led by an article: "… call an asset?"
_LAST_PHRASE = re.compile(
    r"\b(?:an?|the)\s+[\w'’-]+(?:\s+[\w'’-]+){0,2}(?=\s*[?.!]*\s*$)", re.IGNORECASE
)


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
    match = _WHAT_ABOUT.match(question)
    if match:
        return match.group("topic").strip()
    match = _AND_X.match(question)
    if match and not _QUESTION_WORD.match(match.group("topic").strip()):
        return match.group("topic").strip()
    return None


def _plural(topic: str) -> bool:
    last = topic.split()[-1] if topic.split() else ""
    return last.endswith("s") and not last.lower().endswith(("ss", "us", "is"))


def _put(previous: str, start: int, end: int, article: str | None, new: str) -> str:
    """``previous`` with ``previous[start:end]`` (a phrase that had ``article``) replaced
    by ``new``, the article made to agree: "What is a REIT?" + "ETFs" gives "What are
    ETFs?", + "annuity" gives "What is an annuity?"."""
    phrase = new
    head = previous[:start]
    first = new.split()[0] if new.split() else new
    core = first[:-1] if first.endswith("s") else first  # "ETFs": the acronym "ETF"
    named = first[:1].isupper() and not core.isupper()  # "Patreon", "SaaS"; not "ETFs"
    if article and article.lower() in {"a", "an"} and not _DETERMINER.match(new + " "):
        if _plural(new) and not named:
            head = re.sub(r"\bis\s+$", "are ", head, flags=re.IGNORECASE)
        elif not named:
            phrase = f"{'an' if new[:1].lower() in 'aeiou' else 'a'} {new}"
    elif article and not _DETERMINER.match(new + " "):
        phrase = f"{article} {new}"
    return head + phrase + previous[end:]


def _swap(previous: str, old_topic: str | None, new: str) -> str | None:
    """The previous question about ``new`` instead of its own topic (or, when it names
    no known topic, instead of the article-led phrase it ends on); None when neither."""
    if old_topic:
        m = re.search(rf"(?:\b(?P<art>an?|the)\s+)?{re.escape(old_topic)}", previous, re.IGNORECASE)
        if m:
            article = m.group("art")
            if article is None:
                lead = re.match(r"(an?|the)\s", old_topic, re.IGNORECASE)
                article = lead.group(1) if lead else None
            return _put(previous, m.start(), m.end(), article, new)
    m = _LAST_PHRASE.search(previous)
    if m:
        return _put(previous, m.start(), m.end(), m.group().split()[0], new)
    return None


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
    new_topic = follow_up_topic(question)
    if new_topic:
        swapped = _swap(previous, find_topic(previous), new_topic)
        return swapped if swapped is not None else f"{new_topic}: {previous}"
    old_topic = find_topic(previous)
    if not old_topic or old_topic.lower() in question.lower():
        return question
    if _PRONOUN.search(question) and len(content_words(question)) <= 6:
        return _PRONOUN.sub(old_topic, question, count=1)
    # ellipsis ("what should I do with the payouts?" after a question on dividend
    # stocks): a question with no topic of its own that leans on the last one. The
    # domain itself ("passive income") is no such topic: the service then searches the
    # follow-up beside the previous question instead.
    if (
        old_topic.lower() not in GENERIC_TOPICS
        and find_topic(question) is None
        and is_follow_up(question, question)
    ):
        return f"{question.rstrip(' ?.!')} ({old_topic})?"
    return question
