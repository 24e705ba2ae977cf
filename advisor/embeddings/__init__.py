"""Embedding models behind one small interface, chosen by a ``provider:model`` string.

``st:all-MiniLM-L6-v2`` is the packaged sentence-transformers model (nothing is
downloaded); ``fake:DIM`` is the deterministic test embedder. The interface is in
``base.py``, each backend in a module beside it.
"""

from __future__ import annotations

import threading

from advisor.embeddings.base import Embedder, Vector
from advisor.errors import InputError

__all__ = ["Embedder", "Vector", "get_embedder"]

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
        from advisor.embeddings.fake import FakeEmbedder

        return FakeEmbedder(int(model or 64))
    raise InputError(
        f"unknown embedding model {spec!r}: set ADVISOR_EMBEDDING_MODEL to st:all-MiniLM-L6-v2"
    )
