"""The UI attacked over HTTP the way a logged-in attacker would: every handler is
reachable by its ``fn_index`` (``/config`` lists them, including those ``view_api()``
does not), with any JSON the attacker cares to send.

The server is the real ``advisor serve`` app (UI mounted on the API) under uvicorn,
with two logins; the attacker is bob, talking Gradio's queue protocol with httpx.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from advisor_servers import serve
from helpers import make_settings
from live_files import copy_tree

SECRET_TOKEN = "zanzibar88412"
SECRET_TEXT = (
    f"Private server file: the rental property vault code is {SECRET_TOKEN}. "
    "Rental property income is passive only when someone else manages it.\n"
)
FILE_TYPES = {"file", "uploadbutton", "image", "audio", "video", "multimodaltextbox", "gallery"}


@pytest.fixture(scope="module")
def ui_home(library_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("ui-security") / "home"
    copy_tree(library_home, home)
    return home


@pytest.fixture(scope="module")
def server_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Files on the server that no one uploaded, one per loader the upload box takes."""
    folder = tmp_path_factory.mktemp("server-files")
    files = {}
    for suffix in (".txt", ".md", ".csv", ".html"):
        path = folder / f"private{suffix}"
        path.write_text(SECRET_TEXT, encoding="utf-8")
        files[suffix] = path
    return files


@pytest.fixture(scope="module")
def served(ui_home: Path, embedder: Any) -> Iterator[tuple[str, Any]]:  # type: ignore[no-untyped-def]
    from advisor.answering.service import Advisor
    from advisor.interfaces.cli.serve_cmd import create_app

    advisor = Advisor(make_settings(ui_home), embedder=embedder)
    app = create_app(advisor, [("alice", "alice-pw"), ("bob", "bob-pw")])
    with serve(app) as url:
        yield url, advisor


def _login(url: str, user: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=120)
    response = client.post("/login", data={"username": user, "password": password})
    assert response.status_code == 200, response.text
    return client


@pytest.fixture(scope="module")
def bob(served: tuple[str, Any]) -> Iterator[httpx.Client]:
    client = _login(served[0], "bob", "bob-pw")
    yield client
    client.close()


def _dependencies(client: httpx.Client) -> list[dict[str, Any]]:
    config = client.get("/config").json()
    types = {c["id"]: c["type"] for c in config["components"]}
    deps = config["dependencies"]
    for dep in deps:
        dep["input_types"] = [types.get(i, "") for i in dep["inputs"]]
    return deps


def _call(
    client: httpx.Client,
    fn_index: int,
    data: list[Any],
    event_data: Any = None,
    session: str | None = None,
) -> dict[str, Any]:
    """Join the queue as Gradio's front end does (in a new browser session unless one
    is named); the ``process_completed`` message."""
    session = session or uuid.uuid4().hex
    body = {
        "data": data,
        "fn_index": fn_index,
        "session_hash": session,
        "event_data": event_data,
        "trigger_id": None,
    }
    joined = client.post("/gradio_api/queue/join", json=body)
    if joined.status_code != 200:  # refused before it reached the queue: also an answer
        return {"success": False, "status": joined.status_code, "output": {"error": joined.text}}
    with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("msg") in {"process_completed", "unexpected_error"}:
                return message
    raise AssertionError(f"fn_index {fn_index}: the stream ended without a result")


def _file_data(path: str, name: str = "notes.txt") -> dict[str, Any]:
    return {"path": path, "orig_name": name, "meta": {"_type": "gradio.FileData"}}


def _bob_docs(advisor: Any) -> list[str]:
    from advisor.store.sqlite_manifest import SqliteManifest
    from advisor.users.ids import user_collection

    manifest = SqliteManifest(advisor.settings.manifest_path)
    try:
        return [row.source for row in manifest.docs(user_collection("bob"))]
    finally:
        manifest.close()


def _hostile_paths(server_files: dict[str, Path]) -> list[str]:
    from gradio.utils import get_upload_folder

    upload = Path(get_upload_folder())
    some = server_files[".txt"]
    return [
        *(str(p) for p in server_files.values()),
        f"{upload}/../{'../' * 8}{str(some).lstrip('/')}",  # out of the upload folder by ..
        f"file://{some}",
        str(upload),  # the upload folder itself
    ]


def test_file_handlers_refuse_server_paths_that_were_never_uploaded(
    served, bob, server_files, caplog, capfd
):
    url, advisor = served
    deps = [d for d in _dependencies(bob) if FILE_TYPES & set(d["input_types"])]
    assert deps, "the UI has an upload handler; /config should list it"
    for dep in deps:
        for path in _hostile_paths(server_files):
            data = [
                [_file_data(path, Path(path).name or "x.txt")] if t in FILE_TYPES else None
                for t in dep["input_types"]
            ]
            result = _call(bob, dep["id"], data)
            added = json.dumps(result.get("output", {}))
            assert not result.get("success") or "refused" in added, (dep["api_name"], path)
            assert SECRET_TOKEN not in added, (dep["api_name"], path, added)
    assert _bob_docs(advisor) == []
    assert all(p.read_text(encoding="utf-8") == SECRET_TEXT for p in server_files.values())
    asked = _ask(bob, "What does my file say about the rental property vault code?")
    assert SECRET_TOKEN not in asked
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err + caplog.text


def _ask(client: httpx.Client, question: str) -> str:
    dep = next(d for d in _dependencies(client) if d.get("api_name") == "chat")
    result = _call(client, dep["id"], [question, []])
    assert result.get("success"), result
    return json.dumps(result["output"])


def test_a_file_uploaded_through_the_upload_route_is_still_added(served, tmp_path):
    url, advisor = served
    alice = _login(url, "alice", "alice-pw")
    note = tmp_path / "alice-garden.txt"
    note.write_text(
        "My allotment garden sells honey for 120 euros a month of passive income.\n",
        encoding="utf-8",
    )
    with note.open("rb") as fh:
        uploaded = alice.post("/gradio_api/upload", files={"files": (note.name, fh)})
    assert uploaded.status_code == 200, uploaded.text
    (path,) = uploaded.json()
    dep = next(d for d in _dependencies(alice) if d.get("api_name") == "add_documents")
    result = _call(alice, dep["id"], [[_file_data(path, note.name)]])
    assert result.get("success"), result
    assert "1 passage" in json.dumps(result["output"])
    assert not Path(path).exists()  # the store has the text; Gradio's copy is gone
    from advisor.store.sqlite_manifest import SqliteManifest
    from advisor.users.ids import user_collection

    manifest = SqliteManifest(advisor.settings.manifest_path)
    try:
        assert [r.source for r in manifest.docs(user_collection("alice"))] == [note.name]
    finally:
        manifest.close()


HOSTILE_VALUES: list[Any] = [
    None,
    "x" * 200_000,
    {"path": "/etc/hostname", "meta": {"_type": "gradio.FileData"}},
    [[[[[[[[[["deep"]]]]]]]]]],
    -1e308,
    "../../../../etc/hostname",
    {"headers": ["a"], "data": [[{"__proto__": 1}]], "metadata": None},
]


def test_every_handler_answers_hostile_input_with_a_message_and_loses_nothing(
    served, bob, server_files, caplog, capfd
):
    """Every dependency in /config, documented or not, with each hostile value in every
    input: each call completes (a result or a one-line error), nothing is ingested or
    deleted, no traceback reaches the server log, and the app still answers after."""
    caplog.set_level(logging.WARNING)
    url, advisor = served
    from advisor.store.sqlite_manifest import SqliteManifest

    manifest = SqliteManifest(advisor.settings.manifest_path)
    library_before = manifest.count("library")
    manifest.close()
    deps = _dependencies(bob)
    assert len(deps) > 20
    for dep in deps:
        for value in HOSTILE_VALUES:
            result = _call(bob, dep["id"], [value for _ in dep["inputs"]])
            assert result.get("msg") == "process_completed", (dep["api_name"], value, result)
            if not result.get("success"):
                error = str((result.get("output") or {}).get("error") or "")
                assert "Traceback" not in error and 'File "' not in error, error
    assert _bob_docs(advisor) == []
    assert Path("/etc/hostname").exists() or not Path("/etc").exists()
    manifest = SqliteManifest(advisor.settings.manifest_path)
    try:
        assert manifest.count("library") == library_before
    finally:
        manifest.close()
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err + caplog.text
    assert "passive" in _ask(bob, "What is passive income?").lower()


def test_a_forged_rating_stores_nothing_and_a_real_one_stores_only_what_was_answered(served, bob):
    """The thumbs handlers rate only an answer the server gave this user: a made-up
    message, or an event without the fields Gradio sends, stores nothing; a thumbs-down
    is stored when its comment is sent from the same browser session."""
    from advisor.users.feedback import load_feedback

    _url, advisor = served
    deps = _dependencies(bob)
    like = next(d for d in deps if any(t[1] == "like" for t in d.get("targets", [])))
    send = next(d for d in deps if d.get("api_name") == "send_rating")
    forged = [
        {"index": 1, "value": ["<p>I never said this</p>"], "liked": False},
        {"index": 1, "value": [[{"type": "text", "text": "x"}]], "liked": True},
        {"index": 1, "value": None, "liked": "Dislike"},
        {"index": 1},
        {"value": 5},
        "not an object",
    ]
    for event in forged:
        session = uuid.uuid4().hex
        result = _call(bob, like["id"], [], event_data=event, session=session)
        assert result.get("msg") == "process_completed", (event, result)
        assert "Traceback" not in json.dumps(result), result
        result = _call(bob, send["id"], ["a comment", None], session=session)
        assert "under an answer first" in json.dumps(result), result
    assert load_feedback(advisor.settings, "bob") == []
    shown = json.loads(_ask(bob, "What is passive income?"))
    answer = next(m for m in shown["data"][0] if m["role"] == "assistant")["content"]
    event = {"index": 1, "value": [answer], "liked": False}
    session = uuid.uuid4().hex
    result = _call(bob, like["id"], [], event_data=event, session=session)
    assert "What was wrong" in json.dumps(result)
    assert load_feedback(advisor.settings, "bob") == [], "a thumbs-down waits for Send"
    # the answer a thumbs-down waits on is server state: another session cannot send it
    elsewhere = _call(bob, send["id"], ["forged", answer])
    assert "under an answer first" in json.dumps(elsewhere), elsewhere
    result = _call(bob, send["id"], ["x" * 3000, None], session=session)  # oversized
    assert "at most 2000 characters" in json.dumps(result)
    assert load_feedback(advisor.settings, "bob") == []
    result = _call(bob, send["id"], ["too vague", None], session=session)
    assert result.get("success"), result
    [record] = load_feedback(advisor.settings, "bob")
    assert record.rating == "down" and record.comment == "too vague"
    assert record.question == "What is passive income?" and record.user == "bob"
    assert load_feedback(advisor.settings, "alice") == []
