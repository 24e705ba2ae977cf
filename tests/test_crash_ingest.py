"""A process killed (SIGKILL) in the middle of replacing a user's document leaves the
old version, whole; the next ingest sweeps the stray vectors and completes the new
one. Run against the embedded store and a real Chroma server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from helpers import make_settings

from advisor.answering.service import Advisor
from advisor.users.documents import add_documents
from advisor.users.ids import user_collection

pytestmark = pytest.mark.slow

# Runs the real CLI ingest in a child process. It only watches: after each batch
# LangChain hands to Chroma it bumps a counter file, so the test knows when to kill.
CHILD = """
import sys
from pathlib import Path
import langchain_chroma

marker = Path(sys.argv[1])
original = langchain_chroma.Chroma.add_texts

def counted(self, *args, **kwargs):
    out = original(self, *args, **kwargs)
    marker.write_text(str(int(marker.read_text() or 0) + 1) if marker.exists() else "1")
    return out

langchain_chroma.Chroma.add_texts = counted
from advisor.interfaces.cli.main import run
run(["ingest", "--quiet", "--user", sys.argv[2], sys.argv[3]])
"""


# Short chunks keep the embedding work (and the test) small; 600 of them still take
# three of the store's 256-chunk batches.
CHUNKING = {"chunk_size": 200, "chunk_overlap": 0}


def ledger(version: str, paragraphs: int) -> str:
    """Distinct paragraphs, each one chunk long, naming their version."""
    return (
        "\n\n".join(
            f"Ledger {version} entry {i}: the {version} account {i} received "
            f"{(i * 37) % 1000} units from stream {i % 17} in month {i % 12 + 1}."
            for i in range(paragraphs)
        )
        + "\n"
    )


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.server)])
def crash_home(request, monkeypatch):  # type: ignore[no-untyped-def]
    """(settings, env for the child) over the embedded store or the Chroma server."""
    if request.param == "embedded":
        home = request.getfixturevalue("home_copy")
        settings = make_settings(home, **CHUNKING)
    else:
        url = request.getfixturevalue("chroma_server")
        home = request.getfixturevalue("server_home")
        settings = make_settings(home, chroma_url=url, **CHUNKING)
    env = {**os.environ, "ADVISOR_HOME": str(home)}
    env.update({f"ADVISOR_{k.upper()}": str(v) for k, v in CHUNKING.items()})
    if settings.chroma_url:
        env["ADVISOR_CHROMA_URL"] = settings.chroma_url
    return settings, env


def test_a_killed_ingest_leaves_the_old_version_and_a_rerun_completes_the_new_one(
    crash_home, embedder, tmp_path
):
    settings, env = crash_home
    user = f"dave-{uuid.uuid4().hex[:8]}"
    collection = user_collection(user)
    path = tmp_path / "ledger.txt"
    path.write_text(ledger("oldversion", 3))
    before = Advisor(settings, embedder=embedder)
    assert not add_documents(before, user, [path]).errors
    old = before.store.manifest.doc(collection, "ledger.txt")
    old_ids = before.store.manifest.chunk_ids(collection, "ledger.txt")
    assert old is not None

    path.write_text(ledger("newversion", 600))  # three batches
    marker = tmp_path / "batches"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(marker), user, str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # the child loads the model, then writes its first batch: well under the 300 s
        # per-test timeout, so a stuck child fails with this message instead
        deadline = time.monotonic() + 240
        while not (marker.exists() and int(marker.read_text() or 0) >= 1):
            assert child.poll() is None, child.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the child wrote no batch within 240 s"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child_err = child.stderr.read().decode(errors="replace")[-3000:]  # type: ignore[union-attr]
        child.stderr.close()  # type: ignore[union-attr]
    assert child.returncode == -signal.SIGKILL

    after = Advisor(settings, embedder=embedder)  # what any other process now sees
    manifest = after.store.manifest
    assert manifest.doc(collection, "ledger.txt") == old
    assert manifest.chunk_ids(collection, "ledger.txt") == old_ids
    journal = manifest.pending()
    assert [p for p in journal if p[1] == collection], (marker.read_text(), journal, child_err)
    stray = after.store.vectors.all_ids(collection) - old_ids
    assert len(stray) >= 256  # new vectors were written, yet none is visible:
    for passage in after.search("Ledger newversion entry 5 account", user=user, k=20):
        assert "newversion" not in passage.text
    assert "oldversion" in after.search("Ledger oldversion entry 1", user=user, k=1)[0].text

    report = add_documents(after, user, [path])
    assert not report.errors and report.results[0].removed == len(old_ids)
    new_ids = manifest.chunk_ids(collection, "ledger.txt")
    row = manifest.doc(collection, "ledger.txt")
    assert row is not None and row.n_chunks == len(new_ids) > 512
    assert after.store.vectors.all_ids(collection) == new_ids  # stray and old vectors swept
    assert [p for p in manifest.pending() if p[1] == collection] == []
    hits = after.search("Ledger newversion entry 5 account", user=user, k=3)
    assert any("newversion entry 5:" in p.text for p in hits)
    assert all("oldversion" not in p.text for p in after.search("oldversion", user=user, k=20))
