"""``fake`` / ``fake:TEXT``: a deterministic answer engine for tests (no LLM)."""

from __future__ import annotations

from collections.abc import Iterator

from advisor.answering.engines.base import EngineRequest
from advisor.core.answers import Turn
from advisor.core.sentences import split_sentences


class FakeEngine:
    """An answer engine for tests: cites the first sentence of passage 1, or says
    a scripted text, or raises ``error`` (to test how interfaces report a crash).
    Records every request it gets."""

    def __init__(self, script: str = "", error: Exception | None = None) -> None:
        self.name = "fake" + (f":{script}" if script else "")
        self.script = script
        self.error = error
        self.requests: list[EngineRequest] = []

    def condense(self, question: str, history: list[Turn]) -> str | None:
        return None

    def stream(self, request: EngineRequest) -> Iterator[str]:
        self.requests.append(request)
        if self.error is not None:
            raise self.error
        if self.script:
            yield self.script
            return
        if not request.passages:
            yield "The passages do not cover this question."
            return
        first = split_sentences(request.passages[0].text)[0]
        for word in f"{first} [1]".split(" "):
            yield word + " "
