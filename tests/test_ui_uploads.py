"""Uploads to the UI attacked over HTTP: the real ``advisor serve`` app (UI mounted on
the API) under uvicorn with two logins, alice and bob, driven with httpx through
Gradio's own upload route and queue (handlers called by ``fn_index``).

Each defect of issue 25 has its test: a size limit enforced before anything is stored;
no temp copy left after an ingest, a refused batch or a deleted user; only uploads of
the same login session accepted; a deleted user's Chroma folder gone; and anonymous
``/v1/feedback`` refused when the UI has logins."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from advisor_servers import serve
from helpers import make_settings
from live_files import copy_tree
from test_ui_security import _call, _dependencies, _file_data, _login

LIMIT = 300_000  # ADVISOR_MAX_UPLOAD_BYTES for these tests
NOTE = "My allotment garden sells honey for 120 euros a month of passive income.\n"


@pytest.fixture(scope="module")
def served(library_home: Path, tmp_path_factory: pytest.TempPathFactory, embedder: Any):  # type: ignore[no-untyped-def]
    from advisor.answering.service import Advisor
    from advisor.interfaces.cli.serve_cmd import create_app

    home = tmp_path_factory.mktemp("ui-uploads") / "home"
    copy_tree(library_home, home)
    advisor = Advisor(make_settings(home, max_upload_bytes=LIMIT), embedder=embedder)
    app = create_app(advisor, [("alice", "alice-pw"), ("bob", "bob-pw")])
    with serve(app) as url:
        yield url, advisor


@pytest.fixture
def alice(served: tuple[str, Any]) -> Iterator[httpx.Client]:
    client = _login(served[0], "alice", "alice-pw")
    yield client
    client.close()


@pytest.fixture
def bob(served: tuple[str, Any]) -> Iterator[httpx.Client]:
    client = _login(served[0], "bob", "bob-pw")
    yield client
    client.close()


def upload_folder() -> Path:
    from gradio.utils import get_upload_folder

    return Path(get_upload_folder())


def stored() -> set[Path]:
    """Every file in Gradio's upload folder."""
    root = upload_folder()
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def upload(client: httpx.Client, *files: tuple[str, bytes]) -> httpx.Response:
    return client.post("/gradio_api/upload", files=[("files", f) for f in files])


def add_documents(client: httpx.Client, paths: list[str], session: str | None = None) -> str:
    """The documents handler, called by its fn_index with these paths: the status it
    shows, or Gradio's error when Gradio refused the call before the handler ran."""
    dep = next(d for d in _dependencies(client) if d.get("api_name") == "add_documents")
    data = [[_file_data(p, Path(p).name) for p in paths]]
    result = _call(client, dep["id"], data, session=session)
    assert result.get("msg") == "process_completed", result
    if not result.get("success"):
        return f"error: {json.dumps(result.get('output'), ensure_ascii=False)}"
    status = result["output"]["data"][0]
    assert isinstance(status, str) and "Traceback" not in status
    return re.sub(r"\\(.)", r"\1", status)  # the Markdown escapes undone


def docs(advisor: Any, user: str) -> list[str]:
    from advisor.users.documents import list_documents

    return [r.source for r in list_documents(advisor, user)]


def pending(advisor: Any) -> list[Path]:
    from advisor.users.uploads import ledger_dir

    root = ledger_dir(advisor.settings)
    return sorted(root.rglob("*.json")) if root.exists() else []


def test_an_upload_over_the_limit_is_refused_before_anything_is_stored(alice):
    before = stored()
    big = ("big.txt", b"passive income " * (LIMIT // 10))  # 1.5 x the limit
    refused = upload(alice, big)
    assert refused.status_code == 413
    assert refused.text.startswith("upload refused: 0.4 MB is over the limit of 0.3 MB")
    assert "ADVISOR_MAX_UPLOAD_BYTES" in refused.text and "\n" not in refused.text
    part = ("part.txt", b"x" * (LIMIT * 8 // 10))  # two files, each under it, together over
    assert upload(alice, part, ("other.txt", part[1])).status_code == 413
    # just over the limit, within the slack allowed for multipart headers: Gradio's own
    # max_file_size stops the file as it grows past the limit and deletes what it wrote
    edge = upload(alice, ("edge.txt", b"y" * (LIMIT + 1000)))
    assert edge.status_code == 413 and "maximum allowed size" in edge.text
    chunked = alice.post(
        "/gradio_api/upload",
        content=iter([b"--x\r\n"]),
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert chunked.status_code == 411 and "Content-Length" in chunked.text
    assert stored() == before


def test_a_refused_batch_leaves_none_of_its_files_and_adds_nothing(served, alice):
    _url, advisor = served
    before = stored()
    sent = upload(alice, ("honey.txt", NOTE.encode()), ("run-me.exe", b"MZ not a document"))
    assert sent.status_code == 200, sent.text
    paths = sent.json()
    assert all(Path(p).exists() for p in paths)
    output = add_documents(alice, paths)
    assert output.startswith("⚠️ refused run-me.exe") and "nothing was added" in output
    assert "\n" not in output
    assert docs(advisor, "alice") == []
    assert stored() == before  # both files gone, and no empty temp file left either
    assert pending(advisor) == []


def test_a_batch_gradio_refuses_is_swept_and_the_handler_never_ran(
    served, alice, monkeypatch, tmp_path
):
    """A batch naming a path outside the upload folder is refused by Gradio before our
    handler runs; its uploaded file waits only until the next sweep."""
    from advisor.users import uploads

    _url, advisor = served
    before = stored()
    outside = tmp_path / "outside.txt"
    outside.write_text(NOTE, encoding="utf-8")
    (path,) = upload(alice, ("honey-two.txt", b"Honey, again. " + NOTE.encode())).json()
    output = add_documents(alice, [path, str(outside)])
    assert output.startswith("error: ") and "Traceback" not in output
    assert docs(advisor, "alice") == []
    assert Path(path).exists() and outside.exists()  # waiting for its sweep; ours untouched
    monkeypatch.setattr(uploads, "PENDING_SECONDS", 0)  # as if its time were up
    (later,) = upload(alice, ("later.txt", b"a later upload")).json()  # each upload sweeps
    assert not Path(path).exists() and outside.exists()
    uploads.sweep(advisor.settings)  # and the later one, too
    assert stored() == before and pending(advisor) == []


def test_only_the_session_that_uploaded_a_file_can_add_it(served, alice, bob):
    _url, advisor = served
    before = stored()
    (path,) = upload(alice, ("alice-garden.txt", NOTE.encode())).json()
    for client, who in ((bob, "bob"), (_login(served[0], "alice", "alice-pw"), "alice")):
        output = add_documents(client, [path])  # another user, then alice's other login
        assert output.startswith("⚠️ refused alice-garden.txt"), (who, output)
        assert "in this session" in output and "\n" not in output, output
        assert docs(advisor, who) == []
        assert Path(path).exists()  # another session cannot delete it either
    output = add_documents(alice, [path], session=uuid.uuid4().hex)  # any tab of her login
    assert "Added alice-garden.txt (1 passage)" in output
    assert docs(advisor, "alice") == ["alice-garden.txt"]
    assert stored() == before and pending(advisor) == []  # ingested: the copy is gone
    from advisor.users.documents import delete_document

    delete_document(advisor, "alice", "alice-garden.txt")


def test_a_deleted_user_takes_their_waiting_uploads_and_chroma_folder(served, bob):
    from advisor.users.documents import delete_user

    _url, advisor = served
    chroma = advisor.settings.chroma_dir
    folders = {p.name for p in chroma.iterdir() if p.is_dir()}
    before = stored()
    (path,) = upload(bob, ("bob-storage.txt", b"My storage units earn 900 euros.")).json()
    assert "Added bob-storage.txt" in add_documents(bob, [path])
    assert {p.name for p in chroma.iterdir() if p.is_dir()} > folders  # bob's collection
    (waiting,) = upload(bob, ("bob-later.txt", b"Uploaded, never added.")).json()
    assert Path(waiting).exists() and pending(advisor)
    delete_user(advisor, "bob")  # what `advisor users delete bob` does
    assert not Path(waiting).exists()
    assert stored() == before and pending(advisor) == []
    assert {p.name for p in chroma.iterdir() if p.is_dir()} == folders
    assert docs(advisor, "bob") == []
    answer = advisor.ask("What is passive income?", user="alice")  # the store still works
    assert answer.citations and not answer.declined


def test_a_chroma_folder_left_by_an_earlier_run_is_swept_at_start(served, embedder):
    from advisor.answering.service import Advisor
    from advisor.interfaces.cli.serve_cmd import create_app

    _url, advisor = served
    orphan = advisor.settings.chroma_dir / str(uuid.uuid4())
    orphan.mkdir()
    (orphan / "header.bin").write_bytes(b"\0" * 8)
    kept = advisor.settings.chroma_dir / "not-a-segment"
    kept.mkdir()
    create_app(Advisor(advisor.settings, embedder=embedder), [("alice", "alice-pw")])
    assert not orphan.exists() and kept.exists()
    kept.rmdir()


def test_anonymous_feedback_is_refused_when_the_ui_has_logins(served):
    from advisor.users.feedback import load_feedback

    url, advisor = served
    body = {"question": "What is passive income?", "answer": "Money [1].", "rating": "down"}
    response = httpx.post(f"{url}/v1/feedback", json=body, timeout=60)
    assert response.status_code == 401
    message = response.json()["error"]["message"]
    assert message.startswith("this server has logins but no API keys") and "\n" not in message
    assert load_feedback(advisor.settings, "local") == []
    from advisor.users.profile_store import has_profile

    # the other write /v1 has: profile facts, which an anonymous caller cannot save either
    chat = {
        "model": "passive-income-advisor",
        "messages": [{"role": "user", "content": "I have $20,000 to invest. Which streams fit?"}],
        "save_profile_facts": True,
    }
    reply = httpx.post(f"{url}/v1/chat/completions", json=chat, timeout=120)
    assert reply.status_code == 200, reply.text
    assert "not saved" in " ".join(reply.json()["advisor"]["warnings"])
    assert not has_profile(advisor.settings, "local")
