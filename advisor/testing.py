"""Deterministic fakes for tests, shipped in the package (no LLM, no model download)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

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
    a scripted text. Records every request it gets."""

    def __init__(self, script: str = "") -> None:
        self.name = "fake" + (f":{script}" if script else "")
        self.script = script
        self.requests: list[EngineRequest] = []

    def condense(self, question: str, history: list[Turn]) -> str | None:
        return None

    def stream(self, request: EngineRequest) -> Iterator[str]:
        from advisor.sentences import split_sentences

        self.requests.append(request)
        if self.script:
            yield self.script
            return
        if not request.passages:
            yield "The passages do not cover this question."
            return
        first = split_sentences(request.passages[0].text)[0]
        for word in f"{first} [1]".split(" "):
            yield word + " "
