"""The core commands end to end: ingest idempotence, replacement, pruning, the
--json schema, and bad input that gets one line and changes nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import cli

ROOT = Path(__file__).resolve().parent.parent


def snapshot(home: Path) -> dict[str, set[str]]:
    from advisor.store.sqlite_manifest import SqliteManifest

    manifest = SqliteManifest(home / "index.sqlite3")
    try:
        return {
            d.doc_id: manifest.chunk_ids(d.collection, d.doc_id) for d in manifest.docs("library")
        }
    finally:
        manifest.close()


@pytest.fixture
def corpus_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", folder)
    monkeypatch.setenv("ADVISOR_CORPUS_DIR", str(folder))
    return folder


def test_ingest_twice_adds_nothing_the_second_time(capsys, home_copy, corpus_copy):
    before = snapshot(home_copy)
    code, out, _ = cli(capsys, "ingest")
    assert code == 0
    assert "0 chunk(s) added, 0 removed, 3 document(s) unchanged" in out
    assert snapshot(home_copy) == before


def test_changed_file_replaces_exactly_its_old_chunks(capsys, home_copy, corpus_copy, embedder):
    before = snapshot(home_copy)
    path = corpus_copy / "passive-income-side-hustle.md"
    text = path.read_text(encoding="utf-8")
    old = "A blog by itself may not be able to create an income."
    assert old in text
    new = "A blog by itself rarely pays: zebra-striped marmalade budgets matter more."
    path.write_text(text.replace(old, new), encoding="utf-8")
    code, out, _ = cli(capsys, "ingest")
    assert code == 0, out
    after = snapshot(home_copy)
    doc = "passive-income-side-hustle.md"
    for other in before.keys() - {doc}:
        assert after[other] == before[other]
    added, removed = after[doc] - before[doc], before[doc] - after[doc]
    assert added and removed and len(added) == len(removed)
    assert f"{len(added)} chunk(s) added, {len(removed)} removed" in out

    from helpers import make_settings

    from advisor.answering.service import Advisor

    hits = Advisor(make_settings(home_copy), embedder=embedder).search(
        "zebra-striped marmalade budgets"
    )
    assert "zebra-striped marmalade" in hits[0].text
    assert all(old not in h.text for h in hits)


def test_prune_drops_documents_whose_files_are_gone(capsys, home_copy, corpus_copy):
    (corpus_copy / "passive-income-assets-leverage.md").unlink()
    code, out, _ = cli(capsys, "ingest")
    assert code == 0
    assert "passive-income-assets-leverage.md" in snapshot(home_copy)
    code, out, _ = cli(capsys, "ingest", "--prune", "--yes")
    assert code == 0 and "1 pruned" in out
    assert set(snapshot(home_copy)) == {
        "passive-income-opportunities.md",
        "passive-income-side-hustle.md",
    }


def test_ask_json_matches_the_documented_schema(capsys, home_copy):
    code, out, _ = cli(capsys, "ask", "What is a REIT and how does it pay?", "--json", "--k", "4")
    assert code == 0
    data = json.loads(out)
    assert isinstance(data["answer"], str) and data["answer"]
    assert data["declined"] is False
    assert data["engine"] == "grounded"
    assert len(data["citations"]) == 4
    for n, c in enumerate(data["citations"], start=1):
        assert c["n"] == n
        assert isinstance(c["score"], float)
        assert c["source"].endswith(".md") and c["title"] and c["text"]
    numbers = {int(m) for m in __import__("re").findall(r"\[(\d+)\]", data["answer"])}
    assert numbers and numbers <= {c["n"] for c in data["citations"]}


BAD_INPUTS = [
    (("ask", ""), "the question is empty"),
    (("ask", "   \n\t "), "the question is empty"),
    (("ask", "x" * 50_000), "50,000 characters; the limit is 4,000"),
    (("ingest", "/no/such/file.md"), "no such file or folder"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_INPUTS)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(capsys, home_copy, argv, message):
    before = snapshot(home_copy)
    code, out, err = cli(capsys, *argv)
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], err
    assert "Traceback" not in err + out
    assert snapshot(home_copy) == before


def test_binary_file_is_refused_by_name_and_nothing_changes(capsys, home_copy, tmp_path):
    before = snapshot(home_copy)
    binary = tmp_path / "photo.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    code, out, err = cli(capsys, "ingest", str(binary))
    assert code == 2
    assert "error: photo.md: binary content" in err
    assert "Traceback" not in err
    assert snapshot(home_copy) == before


def test_opening_a_collection_with_another_embedding_model_is_a_clear_error(tmp_path, embedder):
    from helpers import CORPUS, make_settings

    from advisor.core.errors import EmbeddingMismatchError
    from advisor.embeddings.fake import FakeEmbedder
    from advisor.ingest.corpus import corpus_files
    from advisor.ingest.pipeline import ingest_files
    from advisor.store import Store

    settings = make_settings(tmp_path / "h")
    ingest_files(Store(settings, FakeEmbedder(64)), corpus_files(CORPUS)[:1])
    store = Store(settings, embedder)
    with pytest.raises(EmbeddingMismatchError, match=r"built with fake:64 \(64-d\)"):
        store.vectors.query("library", [0.0] * 384, 3)


def test_a_new_process_sees_the_stored_chunks(home_copy):
    env = {**os.environ, "ADVISOR_HOME": str(home_copy)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "advisor.interfaces.cli.main",
            "ask",
            "How many email subscribers?",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert any("150,000" in c["text"] for c in data["citations"][:3])


def test_ask_does_not_import_gradio():
    code = (
        "import sys; from advisor.interfaces.cli import main; main._register(); "
        "import advisor.answering.service, advisor.retrieval.hybrid, advisor.store.chroma; "
        "print('gradio' in sys.modules, 'fastapi' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False False", out.stderr


def test_reingest_restores_vectors_missing_from_the_vector_store(capsys, home_copy, embedder):
    from helpers import make_settings

    from advisor.answering.service import Advisor
    from advisor.store import LIBRARY

    advisor = Advisor(make_settings(home_copy), embedder=embedder)
    count = advisor.store.manifest.count(LIBRARY)
    advisor.store.vectors.drop(LIBRARY)  # e.g. the home now points at an empty server
    assert advisor.search("How many email subscribers?")[0].dense_rank is None
    code, out, _ = cli(capsys, "ingest")
    assert code == 0 and f"{count} chunk(s) added" in out
    fresh = Advisor(make_settings(home_copy), embedder=embedder)
    hit = fresh.search("How many email subscribers?")[0]
    # seen once in three fresh-clone CI runs (5 Dec): no dense hit at all after the
    # re-ingest; say what the fresh store saw, for whoever meets it next
    seen = fresh.store.vectors.collection(LIBRARY, create=False)
    assert hit.dense_rank == 1 and "150,000" in hit.text, (
        hit.dense_rank,
        None if seen is None else (seen.id, seen.count()),
        fresh.store.vectors.query(LIBRARY, fresh.embedder.embed(["email subscribers"])[0], 3),
    )
