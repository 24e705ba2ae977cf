"""Embedding models behind one small interface, chosen by a ``provider:model`` string.

``st:all-MiniLM-L6-v2`` is the packaged sentence-transformers model (nothing is
downloaded); ``fake:DIM`` is the deterministic test embedder in ``advisor.testing``.
"""

from __future__ import annotations

import threading
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from advisor.errors import InputError

Vector = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Returns L2-normalised float32 vectors, one row per text."""

    name: str
    dimension: int

    def embed(self, texts: list[str]) -> Vector: ...


_cache: dict[str, Embedder] = {}
_lock = threading.Lock()


def get_embedder(spec: str) -> Embedder:
    """The process-wide embedder for ``spec``, loaded on first use."""
    with _lock:
        if spec not in _cache:
            _cache[spec] = _load(spec)
        return _cache[spec]


def _load(spec: str) -> Embedder:
    provider, _, model = spec.partition(":")
    if provider == "st":
        from advisor.embeddings.sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(model or "all-MiniLM-L6-v2")
    if provider == "fake":
        from advisor.testing import FakeEmbedder

        return FakeEmbedder(int(model or 64))
    raise InputError(
        f"unknown embedding model {spec!r}: set ADVISOR_EMBEDDING_MODEL to st:all-MiniLM-L6-v2"
    )


def embed_one(embedder: Embedder, text: str) -> Vector:
    return embedder.embed([text])[0]
