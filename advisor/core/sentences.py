"""Sentence splitting and word sets shared by the grounded engine, the citation
checker and the eval metrics."""

from __future__ import annotations

import re
from functools import cache

# a sentence ends at . ! ? or …, with the closing quotes or brackets after it (up to two:
# `?”)`), which stay with it; the next one starts with a capital or a digit
_SPLIT = re.compile(
    r"(?:(?<=[.!?…])|(?<=[.!?…][\"”’)\]])|(?<=[.!?…][\"”’)\]]{2}))\s+(?=[\"“‘(\[]?[A-Z0-9])"
)
_WORD = re.compile(r"[a-z0-9]+(?:[’'][a-z]+)?")
_MARKER = re.compile(r"\s*\[(\d{1,3})\]")
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves s t don""".split()
)


@cache
def _abbreviations() -> re.Pattern[str]:
    """A piece that ends with an abbreviation's stop ("Dr.", "e.g.", "U.S."), from
    ``advisor/prompts/abbreviations.yaml``."""
    from advisor import prompts

    words = [str(w) for part in prompts.data("abbreviations.yaml").values() for w in part]
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?:^|[\s(“\"])(?:{alternatives})\.$")


def split_sentences(text: str) -> list[str]:
    """Sentences of prose; each line of a list or table stays on its own. A stop after
    an abbreviation ("Dr. Smith", "e.g. REITs") does not end one."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        pieces = [s.strip() for s in _SPLIT.split(line) if s.strip()]
        joined: list[str] = []
        for piece in pieces:
            if joined and _abbreviations().search(joined[-1]):
                joined[-1] = f"{joined[-1]} {piece}"
            else:
                joined.append(piece)
        out.extend(joined)
    return out


def stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def content_words(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS}


def markers(sentence: str) -> list[int]:
    return [int(m) for m in _MARKER.findall(sentence)]


def strip_markers(text: str) -> str:
    return _MARKER.sub("", text).strip()
