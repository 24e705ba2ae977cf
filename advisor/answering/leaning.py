"""Sentences that lean on the one before them ("This can include …", "However, …"):
quoted alone, or after another sentence, they can say the opposite of the source."""

from __future__ import annotations

import re
from functools import cache

from advisor import prompts
from advisor.core.answers import Passage
from advisor.core.sentences import split_sentences


@cache
def _openers() -> re.Pattern[str]:
    words = sorted(prompts.data("leaning_openers.yaml")["openers"], key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, str(w).split())) for w in words)
    return re.compile(rf"^\W*(?:{alternatives})(?![\w’'-])", re.IGNORECASE)


def leans(sentence: str) -> bool:
    """The sentence opens on a word that points back at the sentence before it."""
    return bool(_openers().match(sentence))


def preceding(passages: list[Passage]) -> dict[int, str]:
    """For each passage (numbered from 1) whose first sentence leans on the one before
    it: that sentence, when another passage of the same document shows it."""
    found: dict[int, str] = {}
    for n, passage in enumerate(passages, start=1):
        first = next(iter(split_sentences(passage.text)), "")
        if not first or not leans(first):
            continue
        for other in passages:
            if other is passage or other.doc_id != passage.doc_id:
                continue
            sentences = split_sentences(other.text)
            if first in sentences[1:]:
                found[n] = sentences[sentences.index(first) - 1]
                break
    return found
