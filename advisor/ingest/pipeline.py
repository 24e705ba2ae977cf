"""Ingest: load → clean → split → embed → store, idempotently (content-hash ids)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from advisor.core.errors import AdvisorError, InputError, StoreError
from advisor.ingest.loaders import load_file, slug
from advisor.ingest.splitting import split_text
from advisor.retrieval.sentence_vectors import SentenceVectors
from advisor.store import LIBRARY, PutResult, Store

Progress = Callable[[str, int], None]  # (file name, chunks) after each file


@dataclass
class IngestReport:
    results: list[PutResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(r.added for r in self.results)

    @property
    def removed(self) -> int:
        return sum(r.removed for r in self.results)

    def summary(self) -> str:
        unchanged = sum(r.unchanged for r in self.results)
        text = (
            f"{len(self.results)} document(s): {self.added} chunk(s) added, "
            f"{self.removed} removed, {unchanged} document(s) unchanged"
        )
        if self.pruned:
            text += f", {len(self.pruned)} pruned"
        if self.errors:
            text += f"; {len(self.errors)} file(s) skipped"
        return text


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, and the files inside named folders (sorted)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            )
        else:
            out.append(p)
    return out


def ingest_files(
    store: Store,
    files: list[Path],
    *,
    collection: str = LIBRARY,
    origin: str = "library",
    as_article: bool = True,
    prune: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest each file; a bad file is reported and skipped, the rest go in."""
    settings = store.settings
    report = IngestReport()
    store.sweep()
    seen: set[str] = set()
    warm_guard = False
    for path in files:
        try:
            doc = load_file(path, max_bytes=settings.max_file_bytes, as_article=as_article)
            # Chunk ids are unique across the whole manifest, so a user's ids are
            # seeded with their collection: two users (or a user and the library) holding
            # the same file must not share, and so steal or orphan, each other's chunks.
            seed = doc.doc_id if collection == LIBRARY else f"{collection}/{doc.doc_id}"
            chunks = split_text(
                seed,
                doc.text,
                chunk_size=settings.chunk_size,
                chunk_overlap=settings.chunk_overlap,
            )
            if not chunks:
                raise InputError(f"{path.name}: no text to index")
            seen.add(doc.doc_id)
            result = store.put_document(collection, doc, chunks, origin=origin)
            report.results.append(result)
            if collection == LIBRARY and not result.unchanged:
                SentenceVectors(store.manifest, store.embedder).warm([c.text for c in chunks])
                warm_guard = True
            if progress:
                progress(path.name, len(chunks))
        except StoreError:
            raise  # the store, not this file, is the problem: the next file would fail too
        except AdvisorError as exc:
            report.errors.append(str(exc))
            seen.update({path.name, slug(path.name)})  # never prune what failed to load
            if progress:
                progress(path.name, 0)
    if warm_guard:  # the guard's examples too, so a first question embeds only itself
        from advisor.guard.scope import anchor_texts

        texts = anchor_texts()
        SentenceVectors(store.manifest, store.embedder).embed(texts, [True] * len(texts))
    if prune:
        for row in store.manifest.docs(collection):
            if row.doc_id not in seen:
                store.delete_document(collection, row.doc_id)
                report.pruned.append(row.doc_id)
    return report
