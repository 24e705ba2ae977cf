"""The answer-engine interface every backend implements, and the request it answers.

An engine turns a question and numbered passages into text with ``[n]`` markers,
yielding it piece by piece. Citation checking happens after, in the service.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from advisor.core.answers import Passage, Turn
from advisor.embeddings.base import Vector


@dataclass(frozen=True)
class Message:
    """One message of a prompt, as plain data: engines build prompts from these, and only
    an engine backed by LangChain turns them into LangChain messages."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass
class EngineRequest:
    question: str  # standalone question
    passages: list[Passage]  # numbered from 1 in this order
    vector: Vector  # embedding of the question
    history: list[Turn] = field(default_factory=list)
    profile: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)  # engine notices, e.g. dropped passages
    focus: str | None = None  # what a "what about X?" follow-up asks about: X
    answered_by: str | None = None  # set by a FallbackEngine whose fallback answered
    # an answer worked out by code (advisor.worked) for a model to phrase, figures kept
    facts: str = ""


@runtime_checkable
class Engine(Protocol):
    name: str

    def stream(self, request: EngineRequest) -> Iterator[str]:
        """Yield the answer text in pieces; raise EngineError when it cannot answer."""
        ...

    def condense(self, question: str, history: list[Turn]) -> str | None:
        """A standalone question, or None to use the built-in method."""
        ...
