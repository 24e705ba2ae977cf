"""Embeddings of library sentences kept beside the manifest, so a new process (a first
``advisor ask``) does not re-embed the sentences the rerank and the grounded engine
score. Only library text is kept: users' sentences stay in memory, so deleting a
user's document leaves no embedding of it behind."""

from __future__ import annotations

import hashlib

import numpy as np

from advisor.embeddings import Embedder, Vector
from advisor.store.manifest import Manifest


class SentenceVectors:
    def __init__(self, manifest: Manifest, embedder: Embedder) -> None:
        self.manifest = manifest
        self.embedder = embedder

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.embedder.name}\x00{text}".encode()).hexdigest()

    def embed(self, texts: list[str], persist: list[bool]) -> Vector:
        """Rows for ``texts``; those marked ``persist`` are read from and kept on disk."""
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        keys = [self._key(t) if p else "" for t, p in zip(texts, persist, strict=True)]
        stored = self.manifest.sentence_vectors([k for k in keys if k])
        dim = self.embedder.dimension
        out = np.zeros((len(texts), dim), dtype=np.float32)
        todo: list[int] = []
        hits: list[int] = []
        for i, key in enumerate(keys):
            blob = stored.get(key) if key else None
            if blob is not None and len(blob) == 4 * dim:
                out[i] = np.frombuffer(blob, dtype=np.float32)
                hits.append(i)
            else:
                todo.append(i)
        if hits:
            self.embedder.remember([texts[i] for i in hits], out[hits])
        if todo:
            fresh = self.embedder.embed([texts[i] for i in todo])
            out[todo] = fresh
            new = [(keys[i], fresh[j].astype(np.float32).tobytes()) for j, i in enumerate(todo)]
            self.manifest.put_sentence_vectors([(k, v) for k, v in new if k])
        return out

    def warm(self, chunk_texts: list[str]) -> None:
        """Embed and keep the sentences of new library chunks (at ingest time)."""
        from advisor.core.sentences import split_sentences

        flat = list(dict.fromkeys(s for t in chunk_texts for s in split_sentences(t) or [t]))
        for start in range(0, len(flat), 256):
            part = flat[start : start + 256]
            self.embed(part, [True] * len(part))
