"""What kind of answer a question wants: a definition, yes or no, a list or count, a
figure, a comparison, how-to advice, or a reason. The grounded engine uses it to pick
the unit of text that answers first; cheap rules, no model."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["definition", "yes_no", "list", "number", "comparison", "how", "why", "other"]

_COUNT_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_PLURAL_NOUNS = (
    r"types|kinds|ways|forms|problems|difficulties|steps|examples|options|ideas|sources|"
    r"benefits|risks|advantages|disadvantages|pros|cons|reasons|categories|methods|"
    r"strategies|streams|tips|mistakes|factors|things|elements|parts|components|stages|"
    r"challenges|downsides|drawbacks|features|characteristics|models|platforms|assets|"
    r"investments|hustles|businesses|rules|questions|signs"
)
_LIST = re.compile(
    rf"\b(?:what|which|name|list|give me)\b[^?]*?\b(?:{_PLURAL_NOUNS})\b"
    r"|\bhow many\b|\bwhat are (?:some|the)\b|\blist\b|\bname (?:some|a few|the)\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\b(?:difference|differences|differ|compare|comparison|versus|vs\.?|better than|"
    r"worse than)\b|\bbetween\b.+\band\b|^[^,]{3,60}\bor\b[^,?]{2,40}\?\s*$",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\bhow (?:much|many|long|often)\b|\bwhat (?:percentage|percent|share|rate|yield|return|"
    r"amount|price|fee|cost)\b|\b(?:per ?cent|%|figure|numbers?)\b",
    re.IGNORECASE,
)
_DEFINITION = re.compile(
    r"^\W*(?:so\s+)?(?:what(?:'s| is| are|s)|whats|define|definition of|meaning of|"
    r"what does .+ mean|explain what)\b",
    re.IGNORECASE,
)
_YES_NO = re.compile(
    r"^\W*(?:is|are|can|could|does|do|did|should|would|will|was|were|has|have|am)\b",
    re.IGNORECASE,
)
_HOW = re.compile(r"\bhow (?:do|does|can|could|should|would|to|did)\b|\bwhat should\b", re.I)
_WHY = re.compile(r"^\W*why\b|\bwhy (?:do|does|is|are|should|would|can)\b", re.IGNORECASE)
_SIDES = re.compile(
    r"(?:difference between|compare|comparing)\s+(?P<a>.+?)\s+(?:and|with|to|vs\.?|versus)\s+"
    r"(?P<b>.+?)\s*[?.!]*$"
    r"|^(?:is\s+|are\s+)?(?P<c>.+?)\s+(?:vs\.?|versus|or)\s+(?P<d>.+?)\s*[?.!]*$",
    re.IGNORECASE,
)


@dataclass
class QuestionType:
    kind: Kind
    count: int | None = None  # "what are the two …": how many items are asked for
    sides: list[str] = field(default_factory=list)  # the two things compared


def question_type(question: str) -> QuestionType:
    """The kind of answer ``question`` wants (first matching rule wins)."""
    q = " ".join(question.split())
    count = next(
        (n for word, n in _COUNT_WORDS.items() if re.search(rf"\b{word}\b", q, re.I)), None
    )
    if _COMPARE.search(q):
        m = _SIDES.search(q)
        sides = [s for s in (m.groupdict().values() if m else []) if s]
        if len(sides) >= 2 or re.search(r"\bdifferen", q, re.I):
            return QuestionType("comparison", sides=[s.strip() for s in sides[:2]])
    if _LIST.search(q):
        return QuestionType("list", count=count)
    if _WHY.search(q):
        return QuestionType("why")
    if _NUMBER.search(q):
        return QuestionType("number")
    if _DEFINITION.search(q) and len(q.split()) <= 10:
        return QuestionType("definition")
    if _HOW.search(q):
        return QuestionType("how")
    if _YES_NO.search(q):
        return QuestionType("yes_no")
    return QuestionType("other")
