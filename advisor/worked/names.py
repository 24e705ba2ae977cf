"""The catalog streams a message names, in the order it names them, read with the
phrases of ``advisor/prompts/stream_names.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from advisor import prompts

NOT_IN_CATALOG = "not_in_catalog"


@dataclass(frozen=True)
class Mention:
    phrase: str  # as the message wrote it
    stream: str | None  # catalog id; None: a thing the catalog does not hold
    start: int


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, str | None]]:
    table = prompts.data("stream_names.yaml")
    owner: dict[str, str | None] = {}
    for key, phrases in table.items():
        for phrase in phrases:
            owner.setdefault(phrase.lower(), None if key == NOT_IN_CATALOG else key)
    alternatives = sorted(owner, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in alternatives)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE), owner


def mentions(text: str) -> list[Mention]:
    """Each stream or uncatalogued thing named, first mention only, in order."""
    pattern, owner = _pattern()
    found: list[Mention] = []
    seen: set[str] = set()
    for m in pattern.finditer(text):
        phrase = re.sub(r"[\s-]+", " ", m.group(0).lower())
        key = owner.get(phrase) or owner.get(m.group(0).lower())
        ident = key or phrase
        if ident in seen:
            continue
        seen.add(ident)
        found.append(Mention(m.group(0), key, m.start()))
    return found


def streams(text: str) -> list[str]:
    """The catalog ids named, in order, without repeats."""
    return [m.stream for m in mentions(text) if m.stream]
