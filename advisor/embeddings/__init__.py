"""Embedding models behind one small interface, chosen by a ``provider:model`` string.

``st:all-MiniLM-L6-v2`` is the packaged sentence-transformers model (nothing is
downloaded); ``fake:DIM`` is the deterministic test embedder. The interface is in
``base.py``, each backend in a module beside it, registered by its provider prefix
with :func:`register_embedder` (the built-in ones below too); a backend's module is
imported only when its model is loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from advisor.core.registry import Registry
from advisor.embeddings.base import Embedder, Vector

__all__ = ["Embedder", "EmbedderFactory", "Vector", "get_embedder", "register_embedder"]

# the model, the part of the spec after "provider:" -> an embedder
EmbedderFactory = Callable[[str], Embedder]

_embedders: Registry[EmbedderFactory] = Registry("embedding model", "ADVISOR_EMBEDDING_MODEL")
_cache: dict[str, Embedder] = {}
_lock = threading.Lock()


def register_embedder(prefix: str, factory: EmbedderFactory, *, usage: str | None = None) -> None:
    """Make ``prefix:MODEL`` name an embedding model that ``factory`` loads."""
    _embedders.register(prefix, factory, usage)


def get_embedder(spec: str) -> Embedder:
    """The process-wide embedder for ``spec``, loaded on first use."""
    with _lock:
        if spec not in _cache:
            factory, model = _embedders.find(spec)
            _cache[spec] = factory(model)
        return _cache[spec]


def _sentence_transformers(model: str) -> Embedder:
    from advisor.embeddings.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model or "all-MiniLM-L6-v2")


def _fake(model: str) -> Embedder:
    from advisor.embeddings.fake import FakeEmbedder

    return FakeEmbedder(int(model or 64))


register_embedder("st", _sentence_transformers, usage="st:all-MiniLM-L6-v2")
register_embedder("fake", _fake, usage="fake:DIM")
