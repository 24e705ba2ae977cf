"""Fakes only tests use. The fake embedder and answer engine are backends a test can
name in settings, so they ship in the package (``advisor/embeddings/fake.py``,
``advisor/answering/engines/fake.py``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

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
