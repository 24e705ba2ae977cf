"""Dense vectors in Chroma: an embedded ``PersistentClient`` by default, a ``chroma
run`` server when ``ADVISOR_CHROMA_URL`` is set. Writes go through ``langchain-chroma``;
reads (search, get, delete) call the chromadb collection itself, so a process that
only answers does not import LangChain's vector-store and tracing stack (a second of a
first question). Chroma's own embedding function is never used (it downloads a model);
vectors come from our :class:`~advisor.embeddings.Embedder`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse

from advisor.core.errors import EmbeddingMismatchError, StoreError
from advisor.embeddings import Embedder

if TYPE_CHECKING:
    from langchain_chroma import Chroma

T = TypeVar("T")


def langchain_embeddings(embedder: Embedder) -> Any:
    """Wrap an Embedder as a LangChain ``Embeddings``."""
    from langchain_core.embeddings import Embeddings

    class _Adapter(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            vectors: list[list[float]] = embedder.embed(list(texts)).tolist()
            return vectors

        def embed_query(self, text: str) -> list[float]:
            vector: list[float] = embedder.embed([text])[0].tolist()
            return vector

    return _Adapter()


class VectorStore:
    """One Chroma client and the collections opened on it."""

    def __init__(self, embedder: Embedder, *, path: Path | None, url: str | None) -> None:
        self.embedder = embedder
        self.url = url
        self._lock = threading.Lock()
        self._stores: dict[str, Chroma] = {}  # LangChain wrappers, for writes
        self._collections: dict[str, Any] = {}  # chromadb collections, for reads
        self._client = self._connect(path, url)
        self._lc_embeddings: Any = None

    def _where(self) -> str:
        return f"the Chroma server at {self.url}" if self.url else "the local Chroma store"

    def _connect(self, path: Path | None, url: str | None) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        try:
            if url:
                parsed = urlparse(url if "://" in url else f"http://{url}")
                client = chromadb.HttpClient(
                    host=parsed.hostname or "127.0.0.1",
                    port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                    ssl=parsed.scheme == "https",
                    settings=settings,
                )
                client.heartbeat()
                return client
            assert path is not None
            path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(path), settings=settings)
        except Exception as exc:  # chromadb raises many kinds; all mean "cannot use it"
            if url:
                raise StoreError(
                    f"cannot reach the Chroma server at {url}: start it with "
                    f"`chroma run --path DIR --port PORT` or unset ADVISOR_CHROMA_URL"
                ) from exc
            _forget_failed_client(str(path))
            raise StoreError(
                f"cannot open the Chroma store at {path}: {_first_line(exc)} "
                "(check ADVISOR_HOME is writable)"
            ) from exc

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"{what} failed on {self._where()}: {_first_line(exc)}") from exc

    def collection(self, name: str, *, create: bool = True) -> Any:
        """The chromadb collection (None when it does not exist and ``create`` is off),
        checking it was built with this embedding model."""
        with self._lock:
            if name in self._collections:
                return self._collections[name]
        expected = {"embedding_model": self.embedder.name, "dimension": self.embedder.dimension}

        def open_collection() -> Any:
            if create:
                return self._client.get_or_create_collection(name, metadata=expected)
            try:
                return self._client.get_collection(name)
            except Exception as exc:
                if _missing(exc):
                    return None
                raise

        collection = self._call(f"opening collection {name!r}", open_collection)
        if collection is None:
            return None
        meta = collection.metadata or {}
        got = (meta.get("embedding_model"), meta.get("dimension"))
        if got != (expected["embedding_model"], expected["dimension"]):
            raise EmbeddingMismatchError(
                f"collection {name!r} was built with {got[0]} ({got[1]}-d) but the advisor "
                f"is set to {self.embedder.name} ({self.embedder.dimension}-d): set "
                f"ADVISOR_EMBEDDING_MODEL={got[0]} or delete {self._where()} and re-ingest"
            )
        with self._lock:
            self._collections[name] = collection
        return collection

    def store(self, name: str, *, create: bool = True) -> Chroma | None:
        """The LangChain Chroma store for a collection (None when it does not exist)."""
        with self._lock:
            if name in self._stores:
                return self._stores[name]
        if self.collection(name, create=create) is None:
            return None
        from langchain_chroma import Chroma

        if self._lc_embeddings is None:
            self._lc_embeddings = langchain_embeddings(self.embedder)
        store = Chroma(
            client=self._client,
            collection_name=name,
            embedding_function=self._lc_embeddings,
            create_collection_if_not_exists=False,
        )
        with self._lock:
            self._stores[name] = store
        return store

    def _using(
        self,
        name: str,
        what: str,
        op: Callable[[Any], T],
        *,
        empty: T,
        create: bool = False,
        write: bool = False,
    ) -> T:
        """Run ``op`` on a collection (its LangChain store when ``write``; ``empty`` when
        there is no collection).

        Another process (a second worker, the CLI) may have dropped or re-created the
        collection since this one cached it; then the handle is stale: reopen once.
        """
        for attempt in (1, 2):
            handle = (
                self.store(name, create=create) if write else self.collection(name, create=create)
            )
            if handle is None:
                return empty
            try:
                return op(handle)
            except StoreError:
                raise
            except Exception as exc:
                if attempt == 1 and _missing(exc):
                    with self._lock:
                        self._stores.pop(name, None)
                        self._collections.pop(name, None)
                    continue
                raise StoreError(f"{what} failed on {self._where()}: {_first_line(exc)}") from exc
        raise AssertionError("unreachable")

    def upsert(
        self, name: str, ids: Sequence[str], texts: Sequence[str], metadatas: Sequence[dict]
    ) -> None:
        for start in range(0, len(ids), 256):
            sl = slice(start, start + 256)
            self._using(
                name,
                f"writing to {name!r}",
                lambda store, sl=sl: store.add_texts(  # type: ignore[misc]
                    list(texts[sl]), metadatas=list(metadatas[sl]), ids=list(ids[sl])
                ),
                empty=None,
                create=True,
                write=True,
            )

    def query(self, name: str, vector: Sequence[float], n: int) -> list[tuple[str, float]]:
        """(id, cosine similarity) of the nearest chunks; vectors are normalised."""
        got: dict[str, Any] = self._using(
            name,
            f"searching {name!r}",
            lambda col: col.query(
                query_embeddings=[list(vector)], n_results=n, include=["distances"]
            ),
            empty={},
        )
        ids, dists = (got.get("ids") or [[]])[0], (got.get("distances") or [[]])[0]
        return [(i, 1.0 - float(d) / 2.0) for i, d in zip(ids, dists, strict=False) if i]

    def embeddings(self, name: str, ids: Sequence[str]) -> dict[str, list[float]]:
        if not ids:
            return {}
        got: dict[str, Any] = self._using(
            name,
            f"reading {name!r}",
            lambda col: col.get(ids=list(ids), include=["embeddings"]),
            empty={},
        )
        vectors = got.get("embeddings")
        if vectors is None:
            return {}
        return {i: list(v) for i, v in zip(got["ids"], vectors, strict=False)}

    def existing(self, name: str, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        got: dict[str, Any] = self._using(
            name, f"reading {name!r}", lambda col: col.get(ids=list(ids), include=[]), empty={}
        )
        return set(got.get("ids", []))

    def all_ids(self, name: str) -> set[str]:
        got: dict[str, Any] = self._using(
            name, f"reading {name!r}", lambda col: col.get(include=[]), empty={}
        )
        return set(got.get("ids", []))

    def delete(self, name: str, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), 500):
            part = list(ids[start : start + 500])
            self._using(
                name,
                f"deleting from {name!r}",
                lambda col, part=part: col.delete(ids=part),  # type: ignore[misc]
                empty=None,
            )

    def drop(self, name: str) -> None:
        with self._lock:
            self._stores.pop(name, None)
            self._collections.pop(name, None)

        def go() -> None:
            try:
                self._client.delete_collection(name)
            except Exception as exc:
                if not _missing(exc):
                    raise

        self._call(f"deleting collection {name!r}", go)


def _forget_failed_client(path: str) -> None:
    """chromadb registers a folder's client before starting it, so after one failed start
    (a folder not writable yet) every later client for that folder in this process
    fails with a meaningless error; forget it so the next attempt really retries."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(path, None)
    except Exception:  # a private detail of chromadb: without it, nothing to undo
        pass


def _missing(exc: BaseException) -> bool:
    """Chroma's way of saying a collection is not there (its wording varies by version)."""
    text = str(exc).lower()
    return "does not exist" in text or "not found" in text


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
