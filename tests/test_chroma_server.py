"""The advisor against a real `chroma run` server (ADVISOR_CHROMA_URL): same answers
as the embedded store, data that survives a server restart, and a one-line error
naming the URL when the server is down."""

from __future__ import annotations

import json
import socket
import uuid

import pytest
from helpers import cli, make_settings, start_chroma, stop_chroma

from advisor.answering.service import Advisor
from advisor.core.errors import StoreError
from advisor.users.documents import add_documents, delete_document, list_documents

pytestmark = pytest.mark.server


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_ask_through_the_cli_answers_from_the_library_on_the_server(
    chroma_server, server_home, embedder, monkeypatch, capsys
):
    monkeypatch.setenv("ADVISOR_HOME", str(server_home))
    monkeypatch.setenv("ADVISOR_CHROMA_URL", chroma_server)
    from advisor.core.settings import get_settings

    get_settings.cache_clear()
    code, out, err = cli(
        capsys, "ask", "How many people are on the Smart Passive Income mailing list?", "--json"
    )
    assert code == 0, err
    answer = json.loads(out)
    assert any("150,000" in c["text"] and c["origin"] == "library" for c in answer["citations"])
    server = Advisor(make_settings(server_home, chroma_url=chroma_server), embedder=embedder)
    assert server.store.vectors.url == chroma_server
    assert server.store.vectors.all_ids("library") == server.store.manifest.chunk_ids("library")


@pytest.mark.parametrize(
    "args",
    [
        ["ask", "What is passive income?"],
        ["ingest", "--user", "alice", "NOTE"],
        ["users", "delete", "alice", "--yes"],
    ],
)
def test_a_server_that_is_down_gives_one_line_naming_the_url(
    embedder, tmp_path, monkeypatch, capsys, args
):
    url = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("ADVISOR_CHROMA_URL", url)
    from advisor.core.settings import get_settings

    get_settings.cache_clear()
    note = tmp_path / "note.txt"
    note.write_text("I sell prints.\n")
    (tmp_path / "advisor-home" / "users" / "alice").mkdir(parents=True)
    code, out, err = cli(capsys, *[str(note) if a == "NOTE" else a for a in args])
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: cannot reach the Chroma server at {url}")
    assert "ADVISOR_CHROMA_URL" in lines[0] and "Traceback" not in err


def test_user_data_survives_a_server_restart_and_a_dead_server_is_a_clear_error(tmp_path, embedder):
    user = f"carol-{uuid.uuid4().hex[:8]}"
    data = tmp_path / "chroma-data"
    data.mkdir()
    home = tmp_path / "home"
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "boat.txt").write_text("I rent my sailboat Albatross to tourists for 400 a week.\n")
    (notes / "bees.txt").write_text("My beehives give 40 jars of honey a season.\n")

    proc, url = start_chroma(data)
    try:
        first = Advisor(make_settings(home, chroma_url=url), embedder=embedder)
        assert not add_documents(first, user, [notes]).errors
        assert first.search("sailboat Albatross", user=user, k=1)[0].doc_id == "boat.txt"
    finally:
        stop_chroma(proc)
    with pytest.raises(StoreError, match=f"on the Chroma server at {url}") as down:
        first.search("sailboat Albatross", user=user, k=1)
    assert "\n" not in str(down.value)

    proc, url = start_chroma(data)  # same data folder, another port
    try:
        second = Advisor(make_settings(home, chroma_url=url), embedder=embedder)
        hits = second.search("sailboat Albatross", user=user, k=1)
        assert hits[0].doc_id == "boat.txt" and hits[0].origin == "user"
        assert delete_document(second, user, "boat.txt") == 1
    finally:
        stop_chroma(proc)

    proc, url = start_chroma(data)
    try:
        third = Advisor(make_settings(home, chroma_url=url), embedder=embedder)
        assert [d.doc_id for d in list_documents(third, user)] == ["bees.txt"]
        assert all("Albatross" not in p.text for p in third.search("sailboat", user=user, k=10))
        vectors = third.store.vectors.all_ids(f"user-{user}")
        assert vectors == third.store.manifest.chunk_ids(f"user-{user}") and len(vectors) == 1
    finally:
        stop_chroma(proc)
