"""A fallback is an engine too (after pydantic-ai's ``FallbackModel``): the primary
engine answers, and when it fails with :class:`EngineError` the fallback answers the
same request, after a notice. The service never asks which one answered."""

from __future__ import annotations

from collections.abc import Iterator

from advisor.answering.engines.base import Engine, EngineRequest
from advisor.core.answers import Turn
from advisor.core.errors import EngineError


class Handover(str):
    """The notice streamed when the fallback takes over: the text before it is void."""


class FallbackEngine:
    def __init__(self, primary: Engine, fallback: Engine) -> None:
        self.primary, self.fallback = primary, fallback
        self.name = primary.name

    def stream(self, request: EngineRequest) -> Iterator[str]:
        started = False
        try:
            for piece in self.primary.stream(request):
                started = True
                yield piece
        except EngineError as exc:
            notice = f"{exc} — answered by the {self.fallback.name} engine instead."
            request.notes.insert(0, notice)  # the first thing the answer warns of
            request.answered_by = self.fallback.name
            yield Handover(("\n\n" if started else "") + notice + "\n\n")
            yield from self.fallback.stream(request)

    def condense(self, question: str, history: list[Turn]) -> str | None:
        return self.primary.condense(question, history)
