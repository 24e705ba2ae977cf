"""Footnote markers in running text ("…returns steadily 3 is a real…", "…the business
owner5, in which…", "…holdings¹.", "…assets [4].") are removed; real figures stay.

A bare number after a word is a marker only as part of the document's footnote
sequence: the candidates, in reading order, count up from 1 or 2 in small steps, and
none is a figure by its neighbours ("3 months", "the 2 options", "$500", "4%", "2023").
"""

from __future__ import annotations

import re
from functools import cache

from advisor import prompts

_SUPERSCRIPT = re.compile(r"(?:(?<=[A-Za-z][A-Za-z])|(?<=[.,;:!?’”\"')]))[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
_BRACKETED = re.compile(r"(?<=[A-Za-z.,;:!?’”\"')])\s?\[\^?\d{1,3}\]")
# a word (or a closing quote) then a bare 1-3 digit number, glued or after one space,
# then punctuation, a space or the end of the line
_BARE = re.compile(
    r"(?P<word>[A-Za-z][A-Za-z’'-]*[A-Za-z]|[A-Za-z]|[’”\"')])(?P<gap> ?)(?P<num>\d{1,3})"
    r"(?=[.,;:!?)]?(?:\s|$)|[.,;:!?)]\S)(?!\S*%)"
)
_NEXT_WORD = re.compile(r"[.,;:!?)]?\s*([A-Za-z]+)?")
MAX_STEP = 3


@cache
def _words(kind: str) -> frozenset[str]:
    listed = prompts.data("footnotes.yaml")[kind]
    return frozenset(str(listed).lower().split())


def _candidate(text: str, m: re.Match[str]) -> bool:
    word, glued = m.group("word"), not m.group("gap")
    if glued and (len(word) < 3 or word[-1].isupper() or not word.isalpha()):
        return False  # "Web3", "B2B", "COVID19": names, not markers
    if word.lower() in _words("before"):
        return False
    start = m.start()
    if start > 0 and (text[start - 1].isdigit() or text[start - 1] in "$€£#"):
        return False
    after = _NEXT_WORD.match(text, m.end())
    nxt = after.group(1) if after else None
    return not (nxt and text[m.end() : m.end() + 1] == " " and nxt.lower() in _words("after"))


def _sequence(values: list[int]) -> bool:
    """The numbers count up as footnotes do: from 1 or 2, in steps of at most MAX_STEP."""
    if len(values) < 2 or values[0] > 2:
        return False
    return all(0 < b - a <= MAX_STEP for a, b in zip(values, values[1:], strict=False))


def strip_footnotes(text: str) -> str:
    """``text`` without its footnote markers; nothing else changes."""
    text = _SUPERSCRIPT.sub("", text)
    text = _BRACKETED.sub("", text)
    found = [m for m in _BARE.finditer(text) if _candidate(text, m)]
    if not _sequence([int(m.group("num")) for m in found]):
        return text
    out: list[str] = []
    last = 0
    for m in found:
        out.append(text[last : m.start("gap")])
        last = m.end("num")
    out.append(text[last:])
    return "".join(out)
