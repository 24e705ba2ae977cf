"""Answer engines behind one small interface, chosen by a string:
``grounded`` (default, offline), ``openai:MODEL``, ``ollama:MODEL``, ``fake``.

An engine turns a question and numbered passages into text with ``[n]`` markers,
yielding it piece by piece. Citation checking happens after, in the service.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from advisor.embeddings import Embedder, Vector
from advisor.errors import InputError
from advisor.models import Passage, Turn

if TYPE_CHECKING:
    from advisor.settings import Settings


@dataclass
class EngineRequest:
    question: str  # standalone question
    passages: list[Passage]  # numbered from 1 in this order
    vector: Vector  # embedding of the question
    history: list[Turn] = field(default_factory=list)
    profile: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)  # engine notices, e.g. dropped passages
    focus: str | None = None  # what a "what about X?" follow-up asks about: X


@runtime_checkable
class Engine(Protocol):
    name: str

    def stream(self, request: EngineRequest) -> Iterator[str]:
        """Yield the answer text in pieces; raise EngineError when it cannot answer."""
        ...

    def condense(self, question: str, history: list[Turn]) -> str | None:
        """A standalone question, or None to use the built-in method."""
        ...


def get_engine(spec: str, settings: Settings, embedder: Embedder) -> Engine:
    provider, _, model = spec.partition(":")
    if provider == "grounded":
        from advisor.engines.grounded import GroundedEngine

        return GroundedEngine(embedder)
    if provider == "fake":
        from advisor.testing import FakeEngine

        return FakeEngine(model)
    if provider == "openai":
        from advisor.engines.openai import OpenAIEngine

        return OpenAIEngine(model, settings)
    if provider == "ollama":
        from advisor.engines.ollama import OllamaEngine

        return OllamaEngine(model, settings)
    raise InputError(
        f"unknown engine {spec!r}: use grounded, openai:MODEL or ollama:MODEL "
        "(ADVISOR_ENGINE or --engine)"
    )
