"""What a worked answer is, and the small helpers its handlers share: money and rates
(formatted as everywhere else, by :mod:`advisor.core.formats`), and the stored library
chunk that holds a catalog quote (to cite it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from advisor.core.answers import Comparison, Figure, Passage
from advisor.core.formats import money as money
from advisor.core.formats import percent as percent

if TYPE_CHECKING:
    from advisor.recommender import SourceQuote, Stream

TOO_LARGE = 1e12  # more money than any person's savings or income: a typo or a test


@dataclass
class Worked:
    """A worked answer: its text (citing ``passages`` as [1], [2], ...), the figures it
    states, and for an LLM the lines it must phrase without changing a number."""

    route: str
    text: str
    engine: str
    passages: list[Passage] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    comparison: Comparison | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # profile facts to offer to save


class Citer:
    """Numbers the passages an answer cites, 1..n in the order it cites them; ``pool``
    holds the retrieved passages a handler may quote from."""

    def __init__(self, pool: Sequence[Passage] = ()) -> None:
        self.pool = list(pool)
        self.passages: list[Passage] = []

    def cite(self, passage: Passage) -> int:
        for n, known in enumerate(self.passages, start=1):
            if known.id == passage.id:
                return n
        self.passages.append(passage)
        return len(self.passages)


def quoted(text: str, n: int) -> str:
    """A quote with its citation inside the sentence (“…” [n].), so the marker is never
    a sentence of its own."""
    return f"“{text.strip().rstrip('.')}” [{n}]."


def plural(count: float, unit: str) -> str:
    return f"{count:g} {unit}{'' if count == 1 else 's'}"


def duration(months: int) -> str:
    """ "2 years and 3 months", "1 year", "5 months"; "no time" for 0."""
    years, rest = divmod(months, 12)
    parts = [f"{years} year{'s' * (years != 1)}"] * bool(years)
    parts += [f"{rest} month{'s' * (rest != 1)}"] * bool(rest)
    return " and ".join(parts) or "no time"


def figure(label: str, value: float, text: str) -> Figure:
    return Figure(label=label, value=round(value, 6), text=text)


def best_quote(stream: Stream) -> SourceQuote:
    """The stream's quote that names it (by a phrase of stream_names.yaml), else its
    first: "REITs allow …" rather than a sentence on combining many streams."""
    from advisor.worked.names import mentions

    for quote in stream.quotes:
        if any(m.stream == stream.id for m in mentions(quote.text)):
            return quote
    return stream.quotes[0]
