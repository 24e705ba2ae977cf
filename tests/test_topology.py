"""Two stateless workers: two ``advisor api`` processes with separate, empty
``ADVISOR_HOME`` folders, one ``chroma run`` server and one PostgreSQL, driven with the
real ``openai`` SDK. What one worker's node writes (documents, profiles, deletions) is
what the other serves, and a write killed half-way shows nothing half-done on either.

The API has no upload route: documents are added and users deleted as an operator
would on a worker's machine, through the library with that worker's settings."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
import pytest
from advisor_servers import advisor_process, child_env, free_port
from helpers import CORPUS, create_database, make_settings, start_chroma, stop_chroma
from test_crash_ingest import CHILD, ledger

from advisor.answering.service import Advisor
from advisor.core.settings import Settings
from advisor.users.documents import add_documents, delete_user
from advisor.users.ids import user_collection

pytestmark = [pytest.mark.server, pytest.mark.postgres, pytest.mark.slow]

MODEL = "passive-income-advisor"
FRONT = "frontend-key-0123456789"  # a front end's key: it names the user per request
CHUNKING = {"chunk_size": 200, "chunk_overlap": 0}
SEEN_WITHIN = 1.0  # seconds: a committed write is served by the other worker by then


@dataclass
class Worker:
    url: str
    settings: Settings  # what an operator on this worker's machine uses


@dataclass
class Cluster:
    a: Worker
    b: Worker
    env_a: dict[str, str]  # the environment of worker A's processes
    env_b: dict[str, str]


@pytest.fixture(scope="module")
def cluster(  # type: ignore[no-untyped-def]
    tmp_path_factory: pytest.TempPathFactory, postgres_server: str, embedder
) -> Iterator[Cluster]:
    """The library ingested once into the shared engines, then workers A and B."""
    from advisor.ingest.corpus import corpus_files
    from advisor.ingest.pipeline import ingest_files
    from advisor.store import Store

    root = tmp_path_factory.mktemp("topology")
    chroma, chroma_url = start_chroma(root / "chroma")
    shared = {"chroma_url": chroma_url, "database_url": create_database(postgres_server)}
    with ExitStack() as stack:
        stack.callback(stop_chroma, chroma)
        seed = Store(make_settings(root / "seed", **shared), embedder)
        assert not ingest_files(seed, corpus_files(CORPUS)).errors
        workers = []
        envs = []
        for name in ("a", "b"):
            home = root / f"home-{name}"
            port = free_port()
            env = child_env(
                home,
                ADVISOR_CHROMA_URL=chroma_url,
                ADVISOR_DATABASE_URL=shared["database_url"],
                ADVISOR_API_KEYS=json.dumps({FRONT: "*"}),
            )
            envs.append(env)
            stack.enter_context(advisor_process(["api", "--port", str(port)], env, port))
            settings = make_settings(home, **shared, **CHUNKING)
            workers.append(Worker(f"http://127.0.0.1:{port}", settings))
        yield Cluster(workers[0], workers[1], envs[0], envs[1])


def ask(worker: Worker, question: str, user: str, **kwargs: Any) -> Any:
    client = openai.OpenAI(base_url=f"{worker.url}/v1", api_key=FRONT, max_retries=0, timeout=120)
    return client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], user=user, **kwargs
    )


def citations(reply: Any) -> list[dict[str, Any]]:
    return list((reply.model_extra or {})["citations"])


def poll(check: Callable[[], Any]) -> Any:
    """``check()`` until it is truthy: at least once, and again for ``SEEN_WITHIN``."""
    deadline = time.monotonic() + SEEN_WITHIN
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


def note(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_workers_start_with_empty_data_folders_and_serve_the_shared_library(
    cluster: Cluster,
) -> None:
    for worker in (cluster.a, cluster.b):
        reply = ask(worker, "What is passive income?", user="nobody-yet")
        assert citations(reply) and all(c["origin"] == "library" for c in citations(reply))
        home = worker.settings.home
        assert not (home / "index.sqlite3").exists() and not (home / "chroma").exists()
        assert not (home / "users").exists()


def test_a_document_added_through_worker_a_is_cited_through_worker_b(
    cluster: Cluster, embedder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    text = "My vending machine route earns 340 pounds a month in net profit."
    node_a = Advisor(cluster.a.settings, embedder=embedder)
    assert not add_documents(node_a, "alice", [note(tmp_path, "route.txt", text)]).errors

    def cited() -> Any:
        reply = ask(cluster.b, "How much does my vending machine route earn?", user="alice")
        return [c for c in citations(reply) if c["origin"] == "user" and "340 pounds" in c["text"]]

    assert poll(cited), "worker B did not cite the document added through worker A"
    reply = ask(cluster.b, "How much does my vending machine route earn?", user="someone-else")
    assert all("340 pounds" not in c["text"] for c in citations(reply)), "only alice's"


def test_a_profile_saved_through_worker_b_is_used_by_worker_a(cluster: Cluster) -> None:
    question = "Which passive income streams suit me?"
    before = ask(cluster.a, question, user="cara")
    assert (before.model_extra or {})["advisor"]["engine"] != "recommender", "no profile yet"
    saved = ask(
        cluster.b,
        "I have $20,000 and 5 hours a week. What should I try?",
        user="cara",
        extra_body={"save_profile_facts": True},
    )
    assert (saved.model_extra or {})["advisor"]["profile_saved"] is True

    def used() -> Any:
        reply = ask(cluster.a, question, user="cara")
        return reply if (reply.model_extra or {})["advisor"]["engine"] == "recommender" else None

    reply = poll(used)
    assert reply is not None, "worker A did not use the profile saved through worker B"
    assert reply.choices[0].message.content.startswith("Streams that suit your profile")
    assert citations(reply), "each suggested stream cites its source"


def test_a_user_deleted_through_worker_b_is_gone_from_worker_a(
    cluster: Cluster, embedder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from advisor.users.profile import Profile
    from advisor.users.profile_store import load_profile, save_profile

    text = "My self-storage units bring in 900 euros a month in rent."
    node_a = Advisor(cluster.a.settings, embedder=embedder)
    assert not add_documents(node_a, "dana", [note(tmp_path, "units.txt", text)]).errors
    save_profile(cluster.a.settings, "dana", Profile(capital=900))
    question = "How much do my self-storage units bring in?"
    assert any("900 euros" in c["text"] for c in citations(ask(cluster.a, question, user="dana")))

    node_b = Advisor(cluster.b.settings, embedder=embedder)
    delete_user(node_b, "dana")

    def gone() -> bool:
        reply = ask(cluster.a, question, user="dana")
        return all("900 euros" not in c["text"] for c in citations(reply)) and (
            "900 euros" not in reply.choices[0].message.content
        )

    assert poll(gone), "worker A still serves text of a user deleted through worker B"
    collection = user_collection("dana")
    manifest = node_a.store.manifest
    assert manifest.docs(collection) == [] and manifest.chunk_ids(collection) == set()
    assert manifest.lexical([collection], "self-storage units euros rent", 5) == []
    assert node_a.store.vectors.all_ids(collection) == set()
    assert load_profile(cluster.a.settings, "dana") == Profile()


def test_feedback_posted_to_worker_a_is_read_through_worker_b_and_deleted_with_the_user(
    cluster: Cluster, embedder
) -> None:  # type: ignore[no-untyped-def]
    import httpx

    from advisor.eval.from_feedback import import_feedback
    from advisor.users.feedback import load_feedback

    reply = ask(cluster.a, "What is a REIT?", user="eve")
    posted = httpx.post(
        f"{cluster.a.url}/v1/feedback",
        headers={"Authorization": f"Bearer {FRONT}"},
        json={
            "messages": [{"role": "user", "content": "What is a REIT?"}],
            "answer": reply.choices[0].message.content,
            "citations": citations(reply),
            "rating": "down",
            "comment": "too short",
            "user": "eve",
        },
        timeout=60,
    )
    assert posted.status_code == 200, posted.text
    rows, skipped = import_feedback(cluster.b.settings, ["eve"])
    assert skipped == [] and [r["id"] for r in rows] == [posted.json()["id"]]
    assert rows[0]["category"] == "feedback_down" and rows[0]["reviewed"] is False
    assert not (cluster.a.settings.users_dir / "eve").exists(), "nothing on worker A's disk"
    delete_user(Advisor(cluster.b.settings, embedder=embedder), "eve")
    assert load_feedback(cluster.a.settings, "eve") == []


def test_an_ingest_killed_on_worker_a_loses_nothing_on_worker_b(
    cluster: Cluster, embedder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    user = "erin"
    collection = user_collection(user)
    path = note(tmp_path, "ledger.txt", ledger("oldversion", 3))
    node_a = Advisor(cluster.a.settings, embedder=embedder)
    assert not add_documents(node_a, user, [path]).errors
    old_ids = node_a.store.manifest.chunk_ids(collection, "ledger.txt")

    path.write_text(ledger("newversion", 300))  # two of the store's 256-chunk batches
    marker = tmp_path / "batches"
    env = {**cluster.env_a, **{f"ADVISOR_{k.upper()}": str(v) for k, v in CHUNKING.items()}}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(marker), user, str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 240  # loading the model, then the first batch
        while not (marker.exists() and int(marker.read_text() or 0) >= 1):
            assert child.poll() is None, child.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the ingest wrote no batch within 240 s"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child.stderr.close()  # type: ignore[union-attr]
    assert child.returncode == -signal.SIGKILL

    node_b = Advisor(cluster.b.settings, embedder=embedder)
    manifest = node_b.store.manifest
    assert manifest.chunk_ids(collection, "ledger.txt") == old_ids, "the old version, whole"
    assert len(node_b.store.vectors.all_ids(collection) - old_ids) >= 256, "stray vectors"
    reply = ask(cluster.b, "Ledger oldversion entry 1 account", user=user)
    assert any("oldversion" in c["text"] for c in citations(reply))
    reply = ask(cluster.b, "Ledger newversion entry 5 account", user=user)
    assert all("newversion" not in c["text"] for c in citations(reply)), "nothing half-visible"

    # any worker's next write sweeps what the dead writer left (once PostgreSQL has seen
    # its connection close and freed its journal entry), then completes the new version
    deadline = time.monotonic() + 30
    while not node_b.store.sweep():
        assert time.monotonic() < deadline, "the dead writer's journal entry was never swept"
        time.sleep(0.05)
    report = add_documents(node_b, user, [path])
    assert not report.errors and report.results[0].removed == len(old_ids)
    new_ids = manifest.chunk_ids(collection, "ledger.txt")
    row = manifest.doc(collection, "ledger.txt")
    assert row is not None and row.n_chunks == len(new_ids) > 256
    assert node_b.store.vectors.all_ids(collection) == new_ids, "stray and old vectors swept"
    reply = ask(cluster.a, "Ledger newversion entry 5 account", user=user)
    cited = [c["text"] for c in citations(reply) if c["origin"] == "user"]
    assert cited and all("newversion" in t and "oldversion" not in t for t in cited), cited


def test_two_workers_ingesting_the_same_file_at_once_leave_one_version(
    cluster: Cluster, embedder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    user = "finn"
    collection = user_collection(user)
    path = note(tmp_path, "ledger.txt", ledger("oldversion", 3))
    node_a = Advisor(cluster.a.settings, embedder=embedder)
    assert not add_documents(node_a, user, [path]).errors
    old_ids = node_a.store.manifest.chunk_ids(collection)

    path.write_text(ledger("newversion", 40))
    chunking = {f"ADVISOR_{k.upper()}": str(v) for k, v in CHUNKING.items()}
    ingests = [
        subprocess.Popen(
            [
                str(Path(sys.executable).with_name("advisor")),
                "ingest",
                "--quiet",
                "--user",
                user,
                str(path),
            ],
            env={**env, **chunking},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for env in (cluster.env_a, cluster.env_b)
    ]
    for proc in ingests:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err

    manifest = node_a.store.manifest
    ids = manifest.chunk_ids(collection)
    row = manifest.doc(collection, "ledger.txt")
    assert row is not None and row.n_chunks == len(ids) and not ids & old_ids
    assert [d.doc_id for d in manifest.docs(collection)] == ["ledger.txt"], "one document"
    texts = [c.text for c in manifest.get(sorted(ids)).values()]
    assert len(texts) == len(set(texts)) and all("newversion" in t for t in texts), "no duplicates"
    assert node_a.store.vectors.all_ids(collection) == ids, "Chroma holds that version only"
