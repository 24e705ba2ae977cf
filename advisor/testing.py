"""Deterministic fakes for tests, shipped in the package (no LLM, no model download)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from advisor.embeddings import Vector

if TYPE_CHECKING:
    from advisor.engines import EngineRequest
    from advisor.models import Turn

_WORD = re.compile(r"[a-z0-9]+")


class FakeEmbedder:
    """Hashed bag of words: texts sharing words are close. Records its calls."""

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension
        self.name = f"fake:{dimension}"
        self.calls: list[list[str]] = []

    def embed(self, texts: list[str]) -> Vector:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "big")
                out[row, h % self.dimension] += 1.0
            norm = float(np.linalg.norm(out[row]))
            if norm == 0:
                out[row, 0] = 1.0
            else:
                out[row] /= norm
        return out


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
        from advisor.sentences import split_sentences

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


ChatScript = str | BaseException | Callable[[list[BaseMessage]], str]


class FakeChatModel(BaseChatModel):
    """A LangChain chat model for tests of the LLM engines: no server, no weights.

    Each call takes the next item of ``script`` (the last one repeats): a text to
    reply, a function of the messages that returns the text, or an exception to
    raise. Streams word by word and records the messages of every call in ``calls``.
    """

    script: list[Any] = Field(default_factory=lambda: ["The passages do not cover this."])
    calls: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "advisor-fake-chat"

    def _reply(self, messages: Sequence[BaseMessage]) -> str:
        self.calls.append(list(messages))
        item: ChatScript = self.script[min(len(self.calls), len(self.script)) - 1]
        if isinstance(item, BaseException):
            raise item
        return item(list(messages)) if callable(item) else str(item)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = AIMessage(content=self._reply(messages))
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for piece in re.findall(r"\s*\S+", self._reply(messages)):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
