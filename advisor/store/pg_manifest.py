"""The manifest in PostgreSQL, for many workers: ``ADVISOR_DATABASE_URL=postgresql://…``.

Same guarantees as the SQLite backend, across processes and machines:

- a document's new version replaces the old in one transaction; writers of the same
  document are serialised by a transaction-scoped advisory lock, so two workers
  ingesting one file at once leave one version and no duplicate rows;
- the lexical side is PostgreSQL full-text search (a stored ``tsvector`` with a GIN
  index, ranked by IDF-weighted ``ts_rank``), so every worker searches the same committed text;
- each journal entry of vectors written before their commit is held by its writer's
  session-level advisory lock. A killed writer's connection closes, PostgreSQL frees
  the lock, and the next sweep by any worker takes the entry; a live writer's entry
  is never swept from under it.

The schema is versioned with Alembic (``advisor/store/migrations``) and upgraded on
first use in each process, under an advisory lock so workers starting together don't
race (the pool and migrations: :mod:`advisor.store.pg_engine`; the lexical query:
:mod:`advisor.store.pg_lexical`; the profiles and the sentence-vector cache:
:mod:`advisor.store.pg_side_tables`). SQLAlchemy and psycopg are imported only when
PostgreSQL is configured.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TypeVar

from advisor.core.errors import StoreError
from advisor.store.pg_engine import (
    engine_for,
    first_line,
    is_migrated,
    mark_migrated,
    migrate,
    operational_errors,
    shown,
)
from advisor.store.pg_lexical import lexical_search
from advisor.store.pg_side_tables import SideTables
from advisor.store.rows import ChunkRow, DocRow, fts_terms

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

T = TypeVar("T")

_DOC_LOCK_CLASS = 1718
# journal entries one sweep takes at most: each is held on its own pooled connection
SWEEP_BATCH = 4


class PostgresManifest(SideTables):
    """The :class:`~advisor.store.manifest.Manifest` on a PostgreSQL database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = engine_for(url)
        self.name = shown(url)
        self._held: dict[int, Connection] = {}
        self._held_lock = threading.Lock()
        if not is_migrated(url):
            self._run("opening", lambda: migrate(url))
            mark_migrated(url)

    # -- plumbing ------------------------------------------------------------
    def _run(self, what: str, fn: Callable[[], T]) -> T:
        """Database errors as one line that says what to check."""
        from sqlalchemy.exc import DBAPIError, SQLAlchemyError

        try:
            return fn()
        except StoreError:
            raise
        except DBAPIError as exc:
            if exc.connection_invalidated or isinstance(
                exc.orig, operational_errors()
            ):  # refused, timed out, bad password, no such database
                raise StoreError(
                    f"cannot reach PostgreSQL at {self.name} while {what}: {first_line(exc)} "
                    "(start the server or fix ADVISOR_DATABASE_URL)"
                ) from exc
            raise StoreError(f"{what} failed on {self.name}: {first_line(exc)}") from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"{what} failed on {self.name}: {first_line(exc)}") from exc

    def _read(self, what: str, sql: str, **params: Any) -> list[Any]:
        from sqlalchemy import text

        def go() -> list[Any]:
            with self.engine.connect() as con:
                return list(con.execute(text(sql), params).all())

        return self._run(what, go)

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as con:
            yield con

    def _write(self, what: str, fn: Callable[[Connection], T]) -> T:
        def go() -> T:
            with self._tx() as con:
                return fn(con)

        return self._run(what, go)

    def close(self) -> None:
        """Release journal locks this object still holds (the pool is per process)."""
        with self._held_lock:
            held, self._held = self._held, {}
        for con in held.values():
            con.close()

    def forget_deleted(self) -> bool:
        """Deleted rows are gone for every reader at commit; PostgreSQL reclaims their
        pages with (auto)vacuum, which the deployment guide covers."""
        return True

    # -- reads ---------------------------------------------------------------
    def doc(self, collection: str, doc_id: str) -> DocRow | None:
        rows = self._read(
            "reading the manifest",
            "SELECT collection, doc_id, source, title, kind, origin, content_hash, n_chunks, "
            "added_at FROM docs WHERE collection=:c AND doc_id=:d",
            c=collection,
            d=doc_id,
        )
        return DocRow(*rows[0]) if rows else None

    def docs(self, collection: str) -> list[DocRow]:
        rows = self._read(
            "reading the manifest",
            "SELECT collection, doc_id, source, title, kind, origin, content_hash, n_chunks, "
            "added_at FROM docs WHERE collection=:c ORDER BY doc_id",
            c=collection,
        )
        return [DocRow(*r) for r in rows]

    def chunk_ids(self, collection: str, doc_id: str | None = None) -> set[str]:
        if doc_id is None:
            rows = self._read(
                "reading the manifest", "SELECT id FROM chunks WHERE collection=:c", c=collection
            )
        else:
            rows = self._read(
                "reading the manifest",
                "SELECT id FROM chunks WHERE collection=:c AND doc_id=:d",
                c=collection,
                d=doc_id,
            )
        return {r[0] for r in rows}

    def count(self, collection: str) -> int:
        rows = self._read(
            "reading the manifest", "SELECT COUNT(*) FROM chunks WHERE collection=:c", c=collection
        )
        return int(rows[0][0])

    def get(self, ids: Sequence[str]) -> dict[str, ChunkRow]:
        if not ids:
            return {}
        rows = self._read(
            "reading chunks",
            "SELECT c.id, c.collection, c.doc_id, c.ord, c.text, d.source, d.title, d.origin "
            "FROM chunks c JOIN docs d ON d.collection=c.collection AND d.doc_id=c.doc_id "
            "WHERE c.id = ANY(:ids)",
            ids=list(ids),
        )
        return {r[0]: ChunkRow(*r) for r in rows}

    def texts(self, collection: str) -> Iterator[str]:
        rows = self._read(
            "reading chunks", "SELECT text FROM chunks WHERE collection=:c", c=collection
        )
        return (r[0] for r in rows)

    def version(self, collection: str) -> tuple[int, str]:
        rows = self._read(
            "reading the manifest",
            "SELECT COUNT(*), COALESCE(string_agg(doc_id || ':' || content_hash, ',' "
            "ORDER BY doc_id), '') FROM docs WHERE collection=:c",
            c=collection,
        )
        count, hashes = rows[0]
        return int(count), hashlib.sha1(str(hashes).encode()).hexdigest()

    def user_collections(self) -> list[str]:
        rows = self._read(
            "listing users",
            "SELECT DISTINCT collection FROM docs WHERE collection LIKE 'user-%' ORDER BY 1",
        )
        return [r[0] for r in rows]

    def lexical(self, collections: Sequence[str], text: str, limit: int) -> list[str]:
        """Chunk ids ranked BM25-like within the given collections
        (:func:`advisor.store.pg_lexical.lexical_search`)."""
        terms = fts_terms(text)
        if not terms or not collections:
            return []
        return self._run(
            "lexical search", lambda: lexical_search(self.engine, collections, terms, limit)
        )

    # -- the journal of vectors written before their commit -----------------------
    def begin_pending(self, collection: str, ids: Iterable[str]) -> int:
        """Journal vectors about to be written, and hold the entry's lock until
        :meth:`end_pending`: while this process lives, no sweep takes it."""
        from sqlalchemy import text

        def go() -> int:
            con = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            try:
                token = int(
                    con.execute(
                        text(
                            "INSERT INTO pending(collection, ids, created) "
                            "VALUES (:c, :i, :t) RETURNING token"
                        ),
                        {"c": collection, "i": json.dumps(sorted(ids)), "t": time.time()},
                    ).scalar_one()
                )
                con.execute(text("SELECT pg_advisory_lock(:t)"), {"t": token})
            except BaseException:
                con.close()
                raise
            with self._held_lock:
                self._held[token] = con
            return token

        return self._run("journaling a write", go)

    def end_pending(self, token: int) -> None:
        from sqlalchemy import text

        with self._held_lock:
            con = self._held.pop(token, None)

        def go() -> None:
            if con is None:
                with self._tx() as tx:
                    tx.execute(text("DELETE FROM pending WHERE token=:t"), {"t": token})
                return
            try:
                con.execute(text("DELETE FROM pending WHERE token=:t"), {"t": token})
                con.execute(text("SELECT pg_advisory_unlock(:t)"), {"t": token})
            finally:
                con.close()

        self._run("closing a journal entry", go)

    def pending(self) -> list[tuple[int, str, list[str]]]:
        """Entries whose writer is gone (their lock is free), now held by this process
        until :meth:`end_pending`; at most ``SWEEP_BATCH`` a call. Ids that an entry
        not taken also names (a live writer re-ingesting the same text) are left out,
        so a sweep never deletes vectors a live writer is about to commit."""
        from sqlalchemy import text

        def take(token: int) -> Connection | None:
            """The entry's lock on a connection of its own, if its writer is gone."""
            with self._held_lock:
                if token in self._held:  # this process's own live write
                    return None
            con = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            try:
                if con.execute(text("SELECT pg_try_advisory_lock(:t)"), {"t": token}).scalar():
                    if con.execute(
                        text("SELECT 1 FROM pending WHERE token=:t"), {"t": token}
                    ).first():
                        return con
                    con.execute(text("SELECT pg_advisory_unlock(:t)"), {"t": token})
            except BaseException:
                con.close()
                raise
            con.close()
            return None

        def go() -> list[tuple[int, str, list[str]]]:
            with self.engine.connect() as con:
                rows = con.execute(
                    text("SELECT token, collection, ids FROM pending ORDER BY token")
                ).all()
            taken: list[tuple[int, str, list[str]]] = []
            live: set[str] = set()
            for token, collection, ids in rows:
                held = take(int(token)) if len(taken) < SWEEP_BATCH else None
                if held is None:
                    live.update(json.loads(ids))
                    continue
                with self._held_lock:
                    self._held[int(token)] = held
                taken.append((int(token), collection, json.loads(ids)))
            return [(t, c, [i for i in ids if i not in live]) for t, c, ids in taken]

        return self._run("reading the journal", go)

    # -- writes --------------------------------------------------------------
    def _lock_doc(self, con: Connection, collection: str, doc_id: str) -> None:
        from sqlalchemy import text

        con.execute(
            text("SELECT pg_advisory_xact_lock(:k, hashtext(:c || '/' || :d))"),
            {"k": _DOC_LOCK_CLASS, "c": collection, "d": doc_id},
        )

    def commit_doc(self, doc: DocRow, chunks: Sequence[tuple[str, int, str]]) -> set[str]:
        """Make ``chunks`` (id, ord, text) the document's content; returns ids dropped."""
        from sqlalchemy import text

        def go(con: Connection) -> set[str]:
            self._lock_doc(con, doc.collection, doc.doc_id)
            old = {
                r[0]
                for r in con.execute(
                    text("SELECT id FROM chunks WHERE collection=:c AND doc_id=:d"),
                    {"c": doc.collection, "d": doc.doc_id},
                )
            }
            gone = old - {c[0] for c in chunks}
            if gone:
                con.execute(text("DELETE FROM chunks WHERE id = ANY(:ids)"), {"ids": sorted(gone)})
            if chunks:
                con.execute(
                    text(
                        "INSERT INTO chunks(id, collection, doc_id, ord, text) "
                        "VALUES (:id, :c, :d, :o, :t) "
                        "ON CONFLICT (id) DO UPDATE SET ord=excluded.ord"
                    ),
                    [
                        # PostgreSQL text cannot hold NUL; the loaders drop it already
                        {"id": cid, "c": doc.collection, "d": doc.doc_id, "o": o, "t": t}
                        for cid, o, t in ((i, o, t.replace("\x00", "")) for i, o, t in chunks)
                    ],
                )
            con.execute(
                text(
                    "INSERT INTO docs(collection, doc_id, source, title, kind, origin, "
                    "content_hash, n_chunks, added_at) VALUES (:collection, :doc_id, :source, "
                    ":title, :kind, :origin, :content_hash, :n_chunks, :added_at) "
                    "ON CONFLICT (collection, doc_id) DO UPDATE SET source=excluded.source, "
                    "title=excluded.title, kind=excluded.kind, origin=excluded.origin, "
                    "content_hash=excluded.content_hash, n_chunks=excluded.n_chunks, "
                    "added_at=excluded.added_at"
                ),
                asdict(doc),
            )
            return gone

        return self._write("committing a document", go)

    def delete_doc(self, collection: str, doc_id: str) -> set[str]:
        from sqlalchemy import text

        def go(con: Connection) -> set[str]:
            self._lock_doc(con, collection, doc_id)
            rows = con.execute(
                text("DELETE FROM chunks WHERE collection=:c AND doc_id=:d RETURNING id"),
                {"c": collection, "d": doc_id},
            ).all()
            con.execute(
                text("DELETE FROM docs WHERE collection=:c AND doc_id=:d"),
                {"c": collection, "d": doc_id},
            )
            return {r[0] for r in rows}

        return self._write("deleting a document", go)

    def delete_collection(self, collection: str) -> set[str]:
        from sqlalchemy import text

        def go(con: Connection) -> set[str]:
            rows = con.execute(
                text("DELETE FROM chunks WHERE collection=:c RETURNING id"), {"c": collection}
            ).all()
            con.execute(text("DELETE FROM docs WHERE collection=:c"), {"c": collection})
            return {r[0] for r in rows}

        return self._write("deleting a collection", go)
