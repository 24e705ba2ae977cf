"""Faults: the Chroma server going away under a running ``advisor api``, an LLM server
that answers garbage, a data folder that is not writable and a full disk. Each gets a
clear one-line error, leaves what was stored whole, and a later run completes.

Root ignores file modes, so the read-only test drops the capabilities that let root
write anyway (CAP_DAC_OVERRIDE and friends, from the child's bounding set) instead of
changing user; a full disk is a file-size limit (RLIMIT_FSIZE) on the child: writes
past it fail with EFBIG exactly where a full disk fails with ENOSPC."""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import stat
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from advisor_servers import ADVISOR_BIN, ALICE_NOTE, child_env, free_port, with_user_notes
from helpers import make_settings, start_chroma, stop_chroma
from live_files import copy_manifest, copy_tree

from advisor.answering.service import Advisor
from advisor.store import LIBRARY
from advisor.users.documents import add_documents
from advisor.users.profile import Profile
from advisor.users.profile_store import save_profile

KEY = "faults-key-0123456789"
QUESTION = "How much does my vending machine route earn?"

# Runs CLI commands in one child (the model loads once) and reports each one's exit
# code and output as JSON: [[ADVISOR_HOME, argv], ...] -> [{"code", "out", "err"}, ...].
DRIVER = """
import contextlib, io, json, os, sys, traceback
from advisor.interfaces.cli.main import run
from advisor.core.settings import get_settings
results = []
for home, argv in json.loads(sys.argv[1]):
    os.environ["ADVISOR_HOME"] = home
    get_settings.cache_clear()
    out, err, code = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            run(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
        except BaseException:
            traceback.print_exc(file=err)
            code = -1
    results.append({"code": code, "out": out.getvalue(), "err": err.getvalue()})
print(json.dumps(results))
"""


def run_children(
    commands: list[tuple[Path, list[str]]], preexec: Callable[[], None], **env: str
) -> list[dict[str, Any]]:
    """Run CLI commands in one restricted child process; their results in order."""
    payload = json.dumps([[str(home), argv] for home, argv in commands])
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, payload],
        env=child_env(Path("unused"), **env),
        preexec_fn=preexec,
        capture_output=True,
        text=True,
        timeout=240,  # under the 300 s per-test timeout: a hung child fails here, with a message
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    results: list[dict[str, Any]] = json.loads(proc.stdout)
    return results


def one_error_line(result: dict[str, Any]) -> str:
    """The command failed with exit 2 and one line on stderr; that line."""
    lines = [line for line in result["err"].splitlines() if line.strip()]
    assert result["code"] == 2, result
    assert len(lines) == 1 and lines[0].startswith("error: "), result["err"]
    return lines[0]


def visible(advisor: Advisor, collections: tuple[str, ...]) -> dict[str, Any]:
    """What readers see: documents, committed chunks and their texts."""
    manifest = advisor.store.manifest
    out: dict[str, Any] = {}
    for collection in collections:
        ids = sorted(manifest.chunk_ids(collection))
        out[collection] = {
            "docs": [(d.doc_id, d.content_hash, d.n_chunks) for d in manifest.docs(collection)],
            "chunks": {i: r.text for i, r in manifest.get(ids).items()},
        }
    return out


def vectors_match_manifest(advisor: Advisor, collection: str) -> bool:
    return advisor.store.vectors.all_ids(collection) == advisor.store.manifest.chunk_ids(collection)


def ledger(paragraphs: int, tag: str) -> str:
    """A document of distinct paragraphs (enough to need several pages of storage)."""
    return "\n\n".join(
        f"Ledger {tag} entry {i}: the {tag} account {i} received {(i * 37) % 1000} units "
        f"from stream {i % 17} in month {i % 12 + 1}, noted on page {i // 9}."
        for i in range(paragraphs)
    )


# ---- the Chroma server stops and starts again under a running `advisor api` ---------------


@contextmanager
def api_process(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """``advisor api`` on ``port`` with its output in ``log``; yields the base URL."""
    with log.open("w") as handle:
        proc = subprocess.Popen(
            [ADVISOR_BIN, "api", "--port", str(port)], env=env, stdout=handle, stderr=handle
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # well under the 300 s per-test timeout
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                httpx.get(f"{url}/v1/models", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"advisor api did not answer within 120 s: {log.read_text()[-2000:]}"
                    ) from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def chat(url: str, question: str, *, stream: bool = False) -> httpx.Response:
    body = {"stream": stream, "messages": [{"role": "user", "content": question}]}
    return httpx.post(
        f"{url}/v1/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.server
def test_api_fails_clearly_while_chroma_is_down_and_answers_again_after_a_restart(
    library_home: Path, embedder: Any, tmp_path: Path
) -> None:
    # An embedded store's folder is what `chroma run --path` serves, so the server
    # starts with the ingested library without embedding the corpus again.
    data = tmp_path / "chroma-data"
    copy_tree(library_home / "chroma", data)
    home = tmp_path / "home"
    home.mkdir()
    copy_manifest(library_home / "index.sqlite3", home / "index.sqlite3")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "vending.txt").write_text(ALICE_NOTE + "\n")
    port = free_port()
    server, url = start_chroma(data, port)
    try:
        writer = Advisor(make_settings(home, chroma_url=url), embedder=embedder)
        assert not add_documents(writer, "alice", [notes / "vending.txt"]).errors
        env = child_env(home, ADVISOR_CHROMA_URL=url, ADVISOR_API_KEYS=json.dumps({KEY: "alice"}))
        log = tmp_path / "api.log"
        with api_process(env, free_port(), log) as api:
            before = chat(api, QUESTION)
            assert before.status_code == 200, before.text
            assert any(c["origin"] == "user" for c in before.json()["citations"])

            stop_chroma(server)
            for stream in (False, True):
                down = chat(api, QUESTION, stream=stream)
                assert down.status_code == 503, down.text
                error = down.json()["error"]
                assert error["type"] == "server_error" and error["code"] == "store_unavailable"
                assert f"on the Chroma server at {url}" in error["message"]
                assert "\n" not in error["message"] and "Traceback" not in down.text
            models = httpx.get(f"{api}/v1/models", headers={"Authorization": f"Bearer {KEY}"})
            assert models.status_code == 200, "what needs no store still works"

            server, _ = start_chroma(data, port)  # the same folder on the same port
            after = chat(api, QUESTION)
            assert after.status_code == 200, after.text
            mine = [c for c in after.json()["citations"] if c["origin"] == "user"]
            assert mine and mine[0]["text"] == ALICE_NOTE
            assert (
                after.json()["choices"][0]["message"]["content"]
                == (before.json()["choices"][0]["message"]["content"])
            )
            (notes / "boat.txt").write_text("I rent my sailboat Albatross for 400 a week.\n")
            assert not add_documents(writer, "alice", [notes / "boat.txt"]).errors
            boat = chat(api, "How much do I rent my sailboat Albatross for?")
            assert any("Albatross" in c["text"] for c in boat.json()["citations"])

        for collection in (LIBRARY, "user-alice"):
            assert vectors_match_manifest(writer, collection), collection
        assert [d.doc_id for d in writer.store.manifest.docs("user-alice")] == [
            "boat.txt",
            "vending.txt",
        ]
        logged = log.read_text()
        assert KEY not in logged and "vending machine route" not in logged, logged
    finally:
        stop_chroma(server)


# ---- an LLM server that answers garbage ----------------------------------------------------

GARBAGE = {
    "html-error-page": ("text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
    "not-json": ("application/json", b"this is not json {{{"),
    "binary": ("application/octet-stream", bytes(range(256)) * 16),
    "broken-stream": ("text/event-stream", b"data: {not json\n\ndata: \xff\xfe\x00\n\n"),
    "stream-of-another-shape": ("text/event-stream", b'data: {"foo": 1}\n\ndata: [DONE]\n\n'),
    "ndjson-of-another-shape": ("application/x-ndjson", b'{"foo": 1}\n{"done": true}\n'),
}


@pytest.fixture(scope="module")
def garbage_server() -> Iterator[tuple[str, dict[str, str]]]:
    """An HTTP server on loopback that answers every POST with the garbage in ``mode``."""
    mode: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            content_type, body = GARBAGE[mode["now"]]
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", mode
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("protocol", ["openai", "ollama"])
@pytest.mark.parametrize("garbage", sorted(GARBAGE))
def test_an_llm_answering_garbage_gets_the_grounded_answer_with_a_notice(
    garbage_server: tuple[str, dict[str, str]],
    library_home: Path,
    embedder: Any,
    advisor: Advisor,
    protocol: str,
    garbage: str,
) -> None:
    base, mode = garbage_server
    mode["now"] = garbage
    settings = make_settings(
        library_home,
        engine=f"{protocol}:some-model",
        openai_base_url=f"{base}/v1",
        openai_api_key="sk-not-needed",
        ollama_url=base,
        llm_timeout=20.0,
    )
    question = "How do real estate investment trusts pay their investors?"
    answer = Advisor(settings, embedder=embedder).ask(question)
    assert answer.engine == "grounded" and not answer.declined
    where = f"{base}/v1" if protocol == "openai" else base
    notices = [w for w in answer.warnings if w.startswith(f"the model at {where} ")]
    assert len(notices) == 1 and notices[0].endswith("answered by the grounded engine instead.")
    assert "\n" not in notices[0]
    assert answer.answer == advisor.ask(question).answer


# ---- a data folder that is not writable ------------------------------------------------------

_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER = 1, 2, 3
_PR_CAPBSET_DROP = 24


def without_root_file_powers() -> None:
    """In the child before exec: as root, give up the capabilities that ignore file
    modes, so a read-only folder is read-only to it too (not needed for other users)."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop root's file capabilities (prctl)")


def stored_files(home: Path) -> list[Path]:
    """The data folder's files, without SQLite's side files (they come and go)."""
    return sorted(p for p in home.rglob("*") if not p.name.endswith(("-wal", "-shm", "-journal")))


def set_writable(root: Path, writable: bool) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        write = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~write)


@pytest.fixture
def users_home(library_home: Path, tmp_path: Path, embedder: Any) -> Path:
    """A private copy of the library with alice's and bob's notes and alice's profile."""
    home = with_user_notes(library_home, tmp_path / "data", embedder)
    save_profile(make_settings(home), "alice", Profile(capital=5000, risk_tolerance="low"))
    return home


@pytest.mark.slow
def test_a_data_folder_that_is_not_writable_gives_one_line_and_keeps_everything(
    users_home: Path, embedder: Any, tmp_path: Path
) -> None:
    collections = (LIBRARY, "user-alice", "user-bob")
    settings = make_settings(users_home)
    before = visible(Advisor(settings, embedder=embedder), collections)
    profile = (settings.users_dir / "alice" / "profile.json").read_bytes()
    files = stored_files(users_home)
    note = tmp_path / "garage.txt"
    note.write_text("I rent my garage to a neighbour for 80 a month.\n")
    # Only the vector store read-only: the manifest opens, the vector store does not.
    partial = tmp_path / "partial"
    copy_tree(users_home, partial)
    set_writable(partial / "chroma", False)
    set_writable(users_home, False)
    try:
        results = run_children(
            [
                (users_home, ["ingest", "--user", "alice", str(note)]),
                (users_home, ["ingest", "--prune", "--yes"]),
                (users_home, ["profile", "--user", "alice", "set", "capital", "9000"]),
                (users_home, ["users", "delete", "bob", "--yes"]),
                (users_home, ["docs", "--user", "alice", "delete", "alice-notes.txt", "--yes"]),
                (partial, ["ingest", "--user", "alice", str(note)]),
            ],
            without_root_file_powers,
        )
    finally:
        set_writable(users_home, True)
        set_writable(partial, True)
    manifest_file, chroma = users_home / "index.sqlite3", users_home / "chroma"
    for result in results[:2] + results[3:5]:
        line = one_error_line(result)  # SQLite opens the manifest read-only when its WAL
        assert line.startswith(  # files exist; the vector store then cannot be opened
            (
                f"error: cannot open the index at {manifest_file}: ",
                f"error: cannot open the Chroma store at {chroma}: ",
            )
        ), line
        assert line.endswith(
            "attempt to write a readonly database (check ADVISOR_HOME is writable)"
        )
    saving = one_error_line(results[2])
    assert saving.startswith("error: cannot save the profile of 'alice': [Errno 13] Permission")
    vectors = one_error_line(results[5])
    assert vectors.startswith(f"error: cannot open the Chroma store at {partial / 'chroma'}: ")
    assert vectors.endswith("(check ADVISOR_HOME is writable)")

    assert stored_files(users_home) == files
    assert (settings.users_dir / "alice" / "profile.json").read_bytes() == profile
    for home in (users_home, partial):
        again = Advisor(make_settings(home), embedder=embedder)
        assert visible(again, collections) == before
        assert again.store.manifest.pending() == []
        report = add_documents(again, "alice", [note])  # writable again: it just works
        assert not report.errors and report.added == 1
        assert again.search("garage neighbour rent", user="alice", k=1)[0].doc_id == "garage.txt"


# ---- a full disk ------------------------------------------------------------------------------


def file_size_limit(limit: int) -> Callable[[], None]:
    """In the child before exec: files cannot grow past ``limit`` bytes, and writing
    past it fails with EFBIG instead of killing the process (SIGXFSZ ignored)."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def largest_file(home: Path) -> int:
    return max(p.stat().st_size for p in home.rglob("*") if p.is_file())


def where_is(advisor: Advisor, collection: str, start: str) -> dict[str, bool]:
    """Where the committed chunk whose paragraph begins with ``start`` can be found:
    the manifest, the lexical index, the vectors, a nearest-neighbour query by its own
    text, and a search naming it exactly (its whole paragraph)."""
    manifest, vectors = advisor.store.manifest, advisor.store.vectors
    rows = manifest.get(sorted(manifest.chunk_ids(collection)))
    found = [r for r in rows.values() if start in r.text]
    if len(found) != 1:
        return {"manifest": False}
    chunk = found[0]
    paragraph = chunk.text[chunk.text.index(start) :].split("\n")[0]
    own = advisor.embedder.embed([chunk.text])[0].tolist()
    user = collection.removeprefix("user-")
    return {
        "manifest": True,
        "lexical": chunk.id in manifest.lexical([collection], paragraph, 5),
        "vectors": chunk.id in vectors.all_ids(collection)
        and bool(vectors.embeddings(collection, [chunk.id])),
        "nearest": [i for i, _ in vectors.query(collection, own, 1)] == [chunk.id],
        "search": chunk.id in [p.id for p in advisor.search(paragraph, user=user, k=5)],
    }


def check_full_disk_left_the_old_state(
    advisor: Advisor, user: str, before: dict[str, Any], note: Path
) -> None:
    """Readers see exactly the old state; a rerun with room completes the document."""
    collection = f"user-{user}"
    assert visible(advisor, tuple(before)) == before
    journaled = {
        i for _, c, ids in advisor.store.manifest.pending() if c == collection for i in ids
    }
    stray = advisor.store.vectors.all_ids(collection) - advisor.store.manifest.chunk_ids(collection)
    assert stray <= journaled, "a written vector is either committed or journaled for sweeping"
    query = "Ledger full entry 7 account"
    assert all("Ledger full" not in p.text for p in advisor.search(query, user=user, k=20))
    report = add_documents(advisor, user, [note])
    assert not report.errors and report.added > 0
    assert vectors_match_manifest(advisor, collection)
    assert [p for p in advisor.store.manifest.pending() if p[1] == collection] == []
    where = where_is(advisor, collection, "Ledger full entry 7:")
    assert all(where.values()), f"the re-added chunk is missing from an index: {where}"


@pytest.mark.slow
def test_a_full_disk_while_ingesting_gives_one_line_and_leaves_the_old_state(
    users_home: Path, embedder: Any, tmp_path: Path
) -> None:
    collections = (LIBRARY, "user-alice", "user-bob")
    before = visible(Advisor(make_settings(users_home), embedder=embedder), collections)
    note = tmp_path / "ledger.txt"
    note.write_text(ledger(250, "full"))
    limit = largest_file(users_home) + 4096  # room for a few pages, not for a document
    [result] = run_children(
        [(users_home, ["ingest", "--user", "alice", str(note)])], file_size_limit(limit)
    )
    line = one_error_line(result)
    assert line.startswith("error: writing to 'user-alice' failed on the local Chroma store: ")
    check_full_disk_left_the_old_state(
        Advisor(make_settings(users_home), embedder=embedder), "alice", before, note
    )


@pytest.mark.slow
@pytest.mark.server
def test_a_full_disk_under_the_index_gives_one_line_and_leaves_the_old_state(
    chroma_server: str, server_home: Path, embedder: Any, tmp_path: Path
) -> None:
    # With vectors on the server, the SQLite manifest is the only file the child writes.
    home = tmp_path / "home"
    home.mkdir()
    copy_manifest(server_home / "index.sqlite3", home / "index.sqlite3")
    user = f"erin-{uuid.uuid4().hex[:8]}"
    settings = make_settings(home, chroma_url=chroma_server)
    first = tmp_path / "first.txt"
    first.write_text("I keep three beehives that give 40 jars of honey a season.\n")
    assert not add_documents(Advisor(settings, embedder=embedder), user, [first]).errors
    before = visible(Advisor(settings, embedder=embedder), (LIBRARY, f"user-{user}"))
    note = tmp_path / "ledger.txt"
    note.write_text(ledger(250, "full"))
    # A limit under what the ingest appends to the manifest's write-ahead log: the log
    # may be reset to offset 0 or continue after the parent's pages, and either way a
    # write past 48 KiB fails (the checkpoint into the main file, too).
    [result] = run_children(
        [(home, ["ingest", "--user", user, str(note)])],
        file_size_limit(48 * 1024),
        ADVISOR_CHROMA_URL=chroma_server,
    )
    line = one_error_line(result)
    assert line.startswith(f"error: cannot write the index at {home / 'index.sqlite3'}: ")
    assert line.endswith("(check ADVISOR_HOME is writable and the disk has room)")
    after = Advisor(settings, embedder=embedder)
    assert after.search("beehives honey jars", user=user, k=1)[0].doc_id == "first.txt"
    check_full_disk_left_the_old_state(after, user, before, note)
