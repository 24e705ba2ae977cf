"""The committed-chunk manifest and the lexical BM25 index, in one SQLite file: the
default backend of :class:`~advisor.store.manifest.Manifest`.

SQLite is the source of truth for *which* chunks exist: a document's new version
becomes visible in a single transaction (manifest + FTS5 rows), so a process
killed mid-ingest leaves either the old version or the new one. Dense hits from
Chroma are kept only when their id is committed here; Chroma rows written by an
interrupted ingest are listed in ``pending`` and swept on the next write.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from advisor.core.errors import StoreError
from advisor.store.rows import COMMON_DF, ChunkRow, DocRow, fts_terms
from advisor.store.sqlite_manifest_schema import NAMED_TOKEN, SCHEMA
from advisor.store.sqlite_pool import ConnectionPool


def _connect(path: Path) -> sqlite3.Connection:
    # lent to one thread at a time by the pool, which may close it from another
    con = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    try:
        con.execute("PRAGMA busy_timeout=30000")
        con.execute("PRAGMA synchronous=NORMAL")
        # Deleted users' text is zeroed on disk, not left in free pages (the default of
        # some SQLite builds only).
        con.execute("PRAGMA secure_delete=ON")
    except BaseException:
        con.close()
        raise
    return con


# A fresh connection that opens the FTS5 table while another process's VACUUM changes
# the schema gets this (SQLITE_SCHEMA); asking again reads the new schema.
_VTAB_OPEN_FAILED = "vtable constructor failed"
_RETRIES = 4


class SqliteManifest:
    """Thread-safe wrapper over a bounded pool of SQLite connections, each lent for one
    operation (:mod:`advisor.store.sqlite_pool`), so a server's open files do not follow
    its threads. No file of the database is opened, copied or removed
    here other than through SQLite (see :meth:`forget_deleted`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)
        # not a bound method: the connections must not keep this object alive
        self._pool = ConnectionPool(partial(_connect, path), name=f"the index at {path}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self.connection() as con:
                con.executescript(SCHEMA)
                self._name_pending_token()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"cannot open the index at {path}: {exc} (check ADVISOR_HOME is writable)"
            ) from exc

    def connection(self) -> AbstractContextManager[sqlite3.Connection]:
        """A connection of the pool for this thread until the block ends."""
        return self._pool.connection()

    def _rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with self.connection() as con:
            return con.execute(sql, params).fetchall()

    def open_connections(self) -> int:
        """How many connections this object holds open (lent and idle)."""
        return self._pool.count()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self.connection() as con:
            try:
                con.execute("BEGIN IMMEDIATE")
                yield con
                con.execute("COMMIT")
            except BaseException as exc:
                if con.in_transaction:
                    try:
                        con.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # SQLite rolls back itself when the connection goes
                if isinstance(exc, sqlite3.Error):  # a full disk, a folder made read-only
                    raise StoreError(
                        f"cannot write the index at {self.path}: {exc} "
                        "(check ADVISOR_HOME is writable and the disk has room)"
                    ) from exc
                raise

    def close(self) -> None:
        """Close the pool's idle connections (it opens new ones when next asked)."""
        self._pool.close()

    def _name_pending_token(self) -> None:
        columns = [r[1] for r in self._rows("PRAGMA table_info(pending)")]
        if columns and columns[0] != "token":
            with self._tx() as con:  # another process may have done it meanwhile
                if [r[1] for r in con.execute("PRAGMA table_info(pending)")][0] != "token":
                    for statement in NAMED_TOKEN.split(";"):
                        if statement.strip():
                            con.execute(statement)

    def forget_deleted(self) -> bool:
        """Leave no trace of deleted text in the manifest's files; call after deletions.

        Only SQLite touches the files, so every other connection, in this process or
        another, stays valid. Deleting from an FTS5 table only appends a delete marker:
        the words stay in the old index segments until :meth:`purge_deleted_words`
        rebuilds the full-text index from the rows that are left. ``secure_delete``
        zeroes what a deletion frees, but not the stale copy a page keeps of a cell
        that a page split or merge moved elsewhere (seen under concurrent ingests and
        deletions): ``VACUUM`` rebuilds every page, as a write transaction other
        connections wait for or read around. The write-ahead log, which then holds the
        whole new database, is folded into the database file and truncated, so no old
        frame keeps the words either. False when a reader held that checkpoint back."""
        try:
            self.purge_deleted_words()
            with self.connection() as con:
                con.execute("VACUUM")
                for _ in range(20):  # a reader in another process may hold it back a moment
                    busy = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                    if not busy:
                        break
                    time.sleep(0.1)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot checkpoint the index at {self.path}: {exc}") from exc
        return not busy

    def purge_deleted_words(self) -> None:
        """Rebuild the full-text index from the chunks that are left, so no segment
        keeps a deleted word. Not ``optimize``: with this SQLite (3.40) a loop of
        inserts, deletions and optimizes corrupts the FTS5 index after about a thousand
        rounds ("database disk image is malformed"), and fresh connections of other
        processes fail to open the table while it runs; ``rebuild`` does neither
        (tests/test_manifest_stress.py)."""
        with self._tx() as con:
            con.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')")

    # -- reads ---------------------------------------------------------------
    def doc(self, collection: str, doc_id: str) -> DocRow | None:
        rows = self._rows("SELECT * FROM docs WHERE collection=? AND doc_id=?", collection, doc_id)
        return DocRow(*rows[0]) if rows else None

    def docs(self, collection: str) -> list[DocRow]:
        rows = self._rows("SELECT * FROM docs WHERE collection=? ORDER BY doc_id", collection)
        return [DocRow(*r) for r in rows]

    def chunk_ids(self, collection: str, doc_id: str | None = None) -> set[str]:
        if doc_id is None:
            rows = self._rows("SELECT id FROM chunks WHERE collection=?", collection)
        else:
            rows = self._rows(
                "SELECT id FROM chunks WHERE collection=? AND doc_id=?", collection, doc_id
            )
        return {r[0] for r in rows}

    def texts(self, collection: str) -> Iterator[str]:
        # read at once, as PostgreSQL does: a lazy cursor would keep its connection lent
        rows = self._rows("SELECT text FROM chunks WHERE collection=?", collection)
        return (r[0] for r in rows)

    def version(self, collection: str) -> tuple[int, str]:
        """Changes whenever the collection's committed text does (for caches built on it)."""
        [(count, top)] = self._rows(
            "SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM chunks WHERE collection=?", collection
        )
        # a replaced document keeps its row count and may reuse rowids: its hash changes
        [(hashes,)] = self._rows(
            "SELECT GROUP_CONCAT(content_hash) FROM (SELECT content_hash FROM docs "
            "WHERE collection=? ORDER BY doc_id)",
            collection,
        )
        return int(count), hashlib.sha1(f"{top}:{hashes or ''}".encode()).hexdigest()

    def user_collections(self) -> list[str]:
        rows = self._rows(
            "SELECT DISTINCT collection FROM docs WHERE collection LIKE 'user-%' ORDER BY 1"
        )
        return [r[0] for r in rows]

    def sentence_vectors(self, keys: Sequence[str]) -> dict[str, bytes]:
        """Cached embeddings of library sentences, by key (model + text hash)."""
        out: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):
            part = list(keys[start : start + 500])
            marks = ",".join("?" * len(part))
            sql = f"SELECT key, vec FROM sentence_vectors WHERE key IN ({marks})"
            out.update(self._rows(sql, *part))
        return out

    def put_sentence_vectors(self, items: Sequence[tuple[str, bytes]]) -> None:
        try:
            with self._tx() as con:
                con.executemany(
                    "INSERT OR IGNORE INTO sentence_vectors(key, vec) VALUES (?, ?)", items
                )
        except sqlite3.Error:
            pass  # a cache: failing to write it only costs time next run

    def count(self, collection: str) -> int:
        [(count,)] = self._rows("SELECT COUNT(*) FROM chunks WHERE collection=?", collection)
        return int(count)

    def get(self, ids: Sequence[str]) -> dict[str, ChunkRow]:
        """Committed chunks by id (ids that are not committed are left out)."""
        out: dict[str, ChunkRow] = {}
        for start in range(0, len(ids), 500):
            part = list(ids[start : start + 500])
            marks = ",".join("?" * len(part))
            rows = self._rows(
                "SELECT c.id, c.collection, c.doc_id, c.ord, c.text, d.source, d.title, d.origin "
                "FROM chunks c JOIN docs d ON d.collection=c.collection AND d.doc_id=c.doc_id "
                f"WHERE c.id IN ({marks})",
                *part,
            )
            for r in rows:
                out[r[0]] = ChunkRow(*r)
        return out

    def _count(self, term: str, cap: int) -> int:
        """How many chunks hold ``term``, counting no further than ``cap``."""
        [(count,)] = self._rows(
            "SELECT COUNT(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)",
            f'"{term}"',
            cap,
        )
        return int(count)

    def _queries(self, terms: list[str]) -> list[str]:
        """The FTS queries to try, in order, until one matches. BM25 over every match is
        linear in the matches, so terms found in ``COMMON_DF`` chunks or more are left
        out while a rarer term is there (their IDF is low anyway). When every term is
        that common, all of them must match; failing that, fewer of them — the most
        common dropped first — down to the rarest one alone, so a question made of
        common words still finds the chunks that hold them together."""
        counts = {term: self._count(term, COMMON_DF) for term in terms}
        rare = [t for t in terms if 0 < counts[t] < COMMON_DF]
        if rare:
            return [" OR ".join(f'"{t}"' for t in rare)]
        common = [t for t in terms if counts[t] >= COMMON_DF]
        if not common:
            return []
        deeper = {t: self._count(t, COMMON_DF * 50) for t in common}
        common.sort(key=lambda t: deeper[t])  # rarest first
        return [" AND ".join(f'"{t}"' for t in common[:k]) for k in range(len(common), 0, -1)]

    def lexical(self, collections: Sequence[str], text: str, limit: int) -> list[str]:
        """Chunk ids ranked by BM25 within the given collections. A search that meets
        another process's VACUUM (a schema change) while the full-text table opens is
        asked again: the second attempt reads the new schema (tests/test_manifest_stress)."""
        for attempt in range(_RETRIES):
            try:
                with self.connection():  # one connection for the whole search
                    return self._lexical(collections, text, limit)
            except sqlite3.Error as exc:
                if attempt + 1 < _RETRIES and _VTAB_OPEN_FAILED in str(exc):
                    time.sleep(0.01 * (attempt + 1))
                    continue
                raise StoreError(f"lexical search failed: {exc}") from exc
        raise AssertionError("unreachable")

    def _lexical(self, collections: Sequence[str], text: str, limit: int) -> list[str]:
        terms = fts_terms(text)
        if not terms or not collections:
            return []
        marks = ",".join("?" * len(collections))
        for query in self._queries(terms):
            rows = self._rows(
                "SELECT c.id FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid "
                f"WHERE chunks_fts MATCH ? AND c.collection IN ({marks}) "
                "ORDER BY bm25(chunks_fts) LIMIT ?",
                query,
                *collections,
                limit,
            )
            if rows:
                return [r[0] for r in rows]
        return []

    # -- writes --------------------------------------------------------------
    def begin_pending(self, collection: str, ids: Iterable[str]) -> int:
        """Journal Chroma rows about to be written, so a crash leaves a sweep list."""
        with self._tx() as con:
            cur = con.execute(
                "INSERT INTO pending(collection, ids, created) VALUES (?,?,?)",
                (collection, json.dumps(sorted(ids)), time.time()),
            )
            return int(cur.lastrowid or 0)

    def end_pending(self, token: int) -> None:
        with self._tx() as con:
            con.execute("DELETE FROM pending WHERE rowid=?", (token,))

    def pending(self) -> list[tuple[int, str, list[str]]]:
        rows = self._rows("SELECT rowid, collection, ids FROM pending")
        return [(int(r[0]), r[1], json.loads(r[2])) for r in rows]

    def commit_doc(
        self,
        doc: DocRow,
        chunks: Sequence[tuple[str, int, str]],
    ) -> set[str]:
        """Make ``chunks`` (id, ord, text) the document's content; returns ids dropped."""
        with self._tx() as con:
            old = {
                r[0]
                for r in con.execute(
                    "SELECT id FROM chunks WHERE collection=? AND doc_id=?",
                    (doc.collection, doc.doc_id),
                )
            }
            new = {c[0] for c in chunks}
            gone = old - new
            for start in range(0, len(gone), 500):
                part = sorted(gone)[start : start + 500]
                con.execute(f"DELETE FROM chunks WHERE id IN ({','.join('?' * len(part))})", part)
            con.executemany(
                "INSERT INTO chunks(id, collection, doc_id, ord, text) VALUES (?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET ord=excluded.ord",
                [(cid, doc.collection, doc.doc_id, o, t) for cid, o, t in chunks],
            )
            con.execute(
                "INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    doc.collection,
                    doc.doc_id,
                    doc.source,
                    doc.title,
                    doc.kind,
                    doc.origin,
                    doc.content_hash,
                    doc.n_chunks,
                    doc.added_at,
                ),
            )
            return gone

    def delete_doc(self, collection: str, doc_id: str) -> set[str]:
        with self._tx() as con:
            ids = {
                r[0]
                for r in con.execute(
                    "SELECT id FROM chunks WHERE collection=? AND doc_id=?", (collection, doc_id)
                )
            }
            con.execute("DELETE FROM chunks WHERE collection=? AND doc_id=?", (collection, doc_id))
            con.execute("DELETE FROM docs WHERE collection=? AND doc_id=?", (collection, doc_id))
            return ids

    def delete_collection(self, collection: str) -> set[str]:
        with self._tx() as con:
            ids = {
                r[0] for r in con.execute("SELECT id FROM chunks WHERE collection=?", (collection,))
            }
            con.execute("DELETE FROM chunks WHERE collection=?", (collection,))
            con.execute("DELETE FROM docs WHERE collection=?", (collection,))
            return ids
