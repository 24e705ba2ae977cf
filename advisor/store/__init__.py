"""The store: Chroma for vectors; the committed-chunk manifest and the lexical index in
SQLite (the default) or PostgreSQL (``ADVISOR_DATABASE_URL``, for many workers).

Collections: ``library`` holds the corpus; ``user-<id>`` holds one user's documents.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from advisor.core.settings import Settings
from advisor.embeddings import Embedder
from advisor.ingest.corpus import Document
from advisor.ingest.splitting import Chunk
from advisor.store.chroma import VectorStore
from advisor.store.manifest import Manifest, open_manifest
from advisor.store.rows import ChunkRow, DocRow

LIBRARY = "library"

__all__ = ["LIBRARY", "ChunkRow", "DocRow", "Manifest", "PutResult", "Store"]


@dataclass(frozen=True)
class PutResult:
    doc_id: str
    added: int
    removed: int
    unchanged: bool


class Store:
    """Writes keep Chroma and the manifest consistent; reads trust the manifest."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self.manifest: Manifest = open_manifest(settings)
        self.vectors = VectorStore(embedder, path=settings.chroma_dir, url=settings.chroma_url)

    def sweep(self) -> int:
        """Finish what an interrupted write left: drop uncommitted vectors. (On
        PostgreSQL only entries whose writer is gone are taken, by any worker.)"""
        swept = 0
        for token, collection, ids in self.manifest.pending():
            committed = set(self.manifest.get(ids))
            stale = [i for i in ids if i not in committed]
            self.vectors.delete(collection, stale)
            swept += len(stale)
            self.manifest.end_pending(token)
        return swept

    def _write_vectors(
        self, collection: str, doc: Document, chunks: list[Chunk], origin: str
    ) -> None:
        metas = [
            {
                "doc_id": doc.doc_id,
                "source": doc.source,
                "title": doc.title,
                "origin": origin,
                "ord": c.ord,
            }
            for c in chunks
        ]
        self.vectors.upsert(collection, [c.id for c in chunks], [c.text for c in chunks], metas)

    def put_document(
        self, collection: str, doc: Document, chunks: list[Chunk], *, origin: str
    ) -> PutResult:
        """Make ``chunks`` the document's content, atomically as seen by readers."""
        current = self.manifest.doc(collection, doc.doc_id)
        new_ids = [c.id for c in chunks]
        committed = self.manifest.chunk_ids(collection, doc.doc_id)
        if (
            current is not None
            and current.content_hash == doc.content_hash
            and committed == set(new_ids)
        ):
            # The manifest says unchanged; make sure the vectors agree (a new Chroma
            # server behind an old data folder, a wiped collection) and repair if not.
            missing = [c for c in chunks if c.id not in self.vectors.existing(collection, new_ids)]
            if not missing:
                return PutResult(doc.doc_id, 0, 0, unchanged=True)
            self._write_vectors(collection, doc, missing, origin)
            return PutResult(doc.doc_id, len(missing), 0, unchanged=False)
        to_add = [c for c in chunks if c.id not in committed]
        gone = committed - set(new_ids)
        token = self.manifest.begin_pending(collection, [c.id for c in to_add] + sorted(gone))
        self._write_vectors(collection, doc, to_add, origin)
        row = DocRow(
            collection=collection,
            doc_id=doc.doc_id,
            source=doc.source,
            title=doc.title,
            kind=doc.kind,
            origin=origin,
            content_hash=doc.content_hash,
            n_chunks=len(chunks),
            added_at=current.added_at if current else time.time(),
        )
        dropped = self.manifest.commit_doc(row, [(c.id, c.ord, c.text) for c in chunks])
        self.vectors.delete(collection, sorted(dropped))
        self.manifest.end_pending(token)
        return PutResult(doc.doc_id, len(to_add), len(dropped), unchanged=False)

    def delete_document(self, collection: str, doc_id: str) -> int:
        ids = sorted(self.manifest.chunk_ids(collection, doc_id))
        token = self.manifest.begin_pending(collection, ids)
        self.manifest.delete_doc(collection, doc_id)
        self.vectors.delete(collection, ids)
        self.manifest.end_pending(token)
        return len(ids)

    def drop_collection(self, collection: str) -> int:
        ids = sorted(self.manifest.chunk_ids(collection))
        token = self.manifest.begin_pending(collection, ids)
        self.manifest.delete_collection(collection)
        self.vectors.drop(collection)
        self.manifest.end_pending(token)
        return len(ids)
