"""``fake:DIM``: a deterministic embedder for tests (no model, no download)."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from advisor.embeddings.base import Embedder, Vector

_WORD = re.compile(r"[a-z0-9]+")


class FakeEmbedder(Embedder):
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
