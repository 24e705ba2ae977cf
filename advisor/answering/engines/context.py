"""Quotable units of text and their context: where each stands in the passages, and
the rule that a unit leaning on the sentence before it (:mod:`advisor.answering.leaning`) is
quoted only right after that sentence."""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor.answering.leaning import leans

MAX_WORDS = 70  # supporting sentences are added only while the answer stays this short
CONTEXT_WORDS = 40  # more words allowed for the sentences a quoted one leans on


def _words(text: str) -> int:
    return len(text.split())


@dataclass
class Unit:
    text: str
    n: int  # passage number (1-based)
    pos: int  # position in the passage
    kind: str = "sentence"  # sentence | list | row
    # every (passage, position) the text has, (n, pos) first: overlapping chunks repeat
    # sentences, so a sentence kept from one passage may follow the lead in another
    places: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.places:
            self.places = [(self.n, self.pos)]


def _distance(unit: Unit, lead: Unit) -> int:
    """How many units after ``lead`` ``unit`` comes in the passage where it is nearest
    (0 when it never comes after it)."""
    gaps = [q - p for n, p in lead.places for m, q in unit.places if m == n and q > p]
    return min(gaps, default=0)


def _follows(unit: Unit, lead: Unit, reach: int = 3) -> bool:
    """``unit`` comes at most ``reach`` units after ``lead`` in some passage."""
    return 0 < _distance(unit, lead) <= reach


def _before(unit: Unit, by_place: dict[tuple[int, int], Unit]) -> Unit | None:
    """The unit right before ``unit`` in some passage that has one."""
    return next((by_place[(n, p - 1)] for n, p in unit.places if (n, p - 1) in by_place), None)


def _needs(unit: Unit, out: list[Unit], by_place: dict[tuple[int, int], Unit]) -> list[Unit]:
    """``unit`` with the sentences before it that it leans on and ``out`` does not end
    with, oldest first (at most two); empty when one it leans on is not there."""
    chain = [unit]
    while leans(chain[0].text) and not (out and _distance(chain[0], out[-1]) == 1):
        prev = _before(chain[0], by_place)
        if prev is None or prev in chain or prev in out or len(chain) > 2:
            return []
        chain.insert(0, prev)
    return chain


def in_context(chosen: list[Unit], units: list[Unit], order: list[int] | None = None) -> list[Unit]:
    """The chosen units with each one that leans on the sentence before it ("This can
    include …") quoted right after that sentence: moved after it when it is quoted,
    preceded by it when it is not (within :data:`CONTEXT_WORDS` more than the answer
    would have), or left out. When every unit is left out, the best-ranked one that
    stands alone leads."""
    by_place = {place: u for u in units for place in u.places}
    out: list[Unit] = []
    budget = max(MAX_WORDS, sum(_words(u.text) for u in chosen)) + CONTEXT_WORDS
    for unit in chosen:
        if unit in out:
            continue
        prev = _before(unit, by_place)
        if leans(unit.text) and prev in out and _distance(unit, out[-1]) != 1:
            out.insert(out.index(prev) + 1, unit)  # right after the sentence it leans on
            continue
        chain = _needs(unit, out, by_place)
        if chain and sum(_words(u.text) for u in out + chain) <= budget:
            out.extend(chain)
    if not out and order:
        alone = next((units[i] for i in order if not leans(units[i].text)), None)
        out = [alone] if alone else []
    return out
