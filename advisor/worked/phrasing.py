"""A worked answer phrased by an LLM engine: the computed answer goes to the model as
facts to phrase (never to recompute), and an answer that drops or changes a computed
figure is flagged."""

from __future__ import annotations

import re
from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING

from advisor.core.answers import Figure
from advisor.core.errors import EngineError

if TYPE_CHECKING:
    from advisor.answering.engines import Engine, EngineRequest
    from advisor.worked.base import Worked

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def numbers_in(text: str) -> list[float]:
    """Every number written in ``text`` ("360,000" → 360000.0; "4.8%" → 4.8)."""
    out: list[float] = []
    for m in _NUMBER.finditer(text):
        try:
            out.append(float(m.group(0).replace(",", "")))
        except ValueError:
            continue
    return out


def states(text: str, value: float, tolerance: float = 0.01) -> bool:
    """Whether ``text`` writes ``value`` (or, for a fraction, its percentage) within
    ``tolerance`` of it."""
    targets = [value] + ([value * 100] if 0 < abs(value) < 1 else [])
    return any(
        abs(n - t) <= tolerance * max(abs(t), 1e-9) for n in numbers_in(text) for t in targets
    )


def changed_figures(text: str, figures: Sequence[Figure]) -> list[str]:
    """A warning for each computed figure the phrased answer does not state."""
    return [
        f"the model's answer does not state the computed {f.label} ({f.text}): trust the "
        "calculator's figure"
        for f in figures
        if not states(text, f.value)
    ]


def facts_block(worked_text: str) -> str:
    """What the model is told to phrase."""
    return (
        "The advisor's calculators and catalog worked out the answer below. Phrase it for "
        "the person, keeping every figure exactly as written and the [n] citations:\n\n"
        + worked_text
    )


def phrase(
    worked: Worked, engine: Engine, request: EngineRequest
) -> Generator[str, None, tuple[str, str, list[str]]]:
    """Stream ``worked`` as it is (the grounded engine) or as ``engine`` phrases it;
    returns (text, engine name, warnings). A model that fails leaves the computed
    answer, with a one-line notice."""
    if engine.name == "grounded":
        yield worked.text
        return worked.text, worked.engine, []
    request.facts = facts_block(worked.text)
    pieces: list[str] = []
    try:
        for piece in engine.stream(request):
            pieces.append(piece)
            yield piece
    except EngineError as exc:  # the computed answer needs no model
        notice = f"{exc} — answered with the computed answer instead."
        yield ("\n\n" if pieces else "") + notice + "\n\n" + worked.text
        return worked.text, worked.engine, [notice]
    text = "".join(pieces)
    return text, engine.name, changed_figures(text, worked.figures) + request.notes
