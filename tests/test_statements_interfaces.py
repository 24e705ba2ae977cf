"""Statements through every interface (#26): the CLI, the API (a real uvicorn server on
loopback, driven over HTTP) and the MCP server (the official SDK client) give the same
figures for the same files; hostile uploads are one line and keep nothing."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from advisor_servers import serve
from helpers import cli, make_settings

FIXTURES = Path(__file__).parent / "fixtures" / "statements"
FILES = ["us_chase.csv", "us_bank.ofx", "wise_multi.csv"]
KEYS = {"ann-key-0123456789": "ann", "bob-key-0123456789": "bob"}
ANN = {"Authorization": "Bearer ann-key-0123456789"}
BOB = {"Authorization": "Bearer bob-key-0123456789"}
FIGURES = ("files", "rows", "duplicates_dropped", "currencies", "proposed_facts")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    from advisor.core.settings import get_settings

    return get_settings().home  # the test's own ADVISOR_HOME (conftest)


@pytest.fixture
def api_url(home: Path, embedder) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from advisor.answering.service import Advisor
    from advisor.interfaces.api.app import create_api

    advisor = Advisor(make_settings(home), embedder=embedder)
    with serve(create_api(advisor, api_keys=KEYS)) as url:
        yield url


def _upload(url: str, names: list[str], headers: dict[str, str], **form: str) -> httpx.Response:
    files = [("files", (n, (FIXTURES / n).read_bytes())) for n in names]
    return httpx.post(
        f"{url}/v1/statements/import", files=files, data=form, headers=headers, timeout=60
    )


def _mcp_import(home: Path, embedder: Any, user: str, arguments: dict[str, Any]) -> Any:  # noqa: ANN401
    from mcp import Client

    from advisor.answering.service import Advisor
    from advisor.interfaces.mcp_server import build_server

    server, _ = build_server(Advisor(make_settings(home), embedder=embedder), user=user)

    async def main() -> Any:  # noqa: ANN401
        async with Client(server) as client:
            return await client.call_tool("import_statement", arguments)

    return anyio.run(main)


def _stored(url: str, headers: dict[str, str]) -> list[str]:
    got = httpx.get(f"{url}/v1/statements", headers=headers, timeout=30)
    assert got.status_code == 200, got.text
    return [s["name"] for s in got.json()["statements"]]


def test_cli_api_and_mcp_give_the_same_figures_for_the_same_files(
    capsys: pytest.CaptureFixture[str], api_url: str, home: Path, embedder: Any
) -> None:
    paths = [str(FIXTURES / n) for n in FILES]
    code, out, err = cli(capsys, "statement", "-u", "cli", "import", *paths, "--json")
    assert code == 0, err
    by_cli = json.loads(out)
    response = _upload(api_url, FILES, ANN)
    assert response.status_code == 200, response.text
    by_api = response.json()
    for name in FILES:  # one file a call, text or base64
        raw = (FIXTURES / name).read_bytes()
        args = {"file_name": name, "content": base64.b64encode(raw).decode(), "encoding": "base64"}
        result = _mcp_import(home, embedder, "mcp", args)
        assert not result.is_error, result.content
    mcp_stored = _mcp_stored(home)
    assert sorted(mcp_stored["files"]) == sorted(by_cli["files"])  # kept in name order
    for key in FIGURES:
        assert by_api[key] == by_cli[key], key
        if key != "files":
            assert mcp_stored[key] == by_cli[key], key
    assert len(by_cli["currencies"]) == 3  # USD, EUR, GBP apart
    listed = httpx.get(f"{api_url}/v1/statements", headers=ANN, timeout=30).json()
    assert listed["figures"]["currencies"] == by_cli["currencies"]
    text = (FIXTURES / "us_chase.csv").read_text()
    one = _mcp_import(home, embedder, "mcp2", {"file_name": "us_chase.csv", "content": text})
    alone = json.loads(cli(capsys, "statement", "-u", "cli2", "import", paths[0], "--json")[1])
    assert one.structured_content["currencies"] == alone["currencies"]


def _mcp_stored(home: Path) -> dict[str, Any]:
    from advisor.users.statements.saved import stored_report

    report = stored_report(make_settings(home), "mcp")
    assert report is not None
    return report


def test_the_mcp_tool_acts_for_its_one_user_and_bad_content_is_one_line(
    home: Path, embedder: Any
) -> None:
    args = {"file_name": "a.csv", "content": "Date,Description,Amount\n", "user": "bob"}
    refused = _mcp_import(home, embedder, "ann", args)
    assert refused.is_error and "acts for user 'ann' only" in refused.content[0].text
    for content, encoding, says in [
        ("not base64 at all!", "base64", "not valid base64"),
        ("Date,Description,Amount\n2024-13-45,SALARY,1.00\n", "text", "row 2, column 'Date'"),
        ("", "text", "the file is empty"),
    ]:
        args = {"file_name": "a.csv", "content": content, "encoding": encoding}
        result = _mcp_import(home, embedder, "ann", args)
        assert result.is_error and says in result.content[0].text
        assert "\n" not in result.content[0].text
    from advisor.users.statements.saved import list_statements

    assert list_statements(make_settings(home), "ann") == []


def _one_line_error(response: httpx.Response, status: int, says: str) -> None:
    assert response.status_code == status, response.text
    message = response.json()["error"]["message"]
    assert says in message and "\n" not in message and "Traceback" not in message


def test_hostile_uploads_are_one_line_errors_and_keep_nothing(api_url: str) -> None:
    post = f"{api_url}/v1/statements/import"
    cases: list[tuple[list[tuple[str, bytes]], int, str]] = [
        ([("empty.csv", b"")], 400, "empty.csv: the file is empty"),
        ([("noise.csv", bytes(range(256)) * 40)], 400, "noise.csv: unknown layout"),
        (
            [("bad.csv", b"Date,Description,Amount\n2024-01-02,ACME SALARY,10.00\n31/02/x,A,1\n")],
            400,
            "bad.csv: row 3, column 'Date'",
        ),
        (  # a good file beside a bad one: neither is kept
            [
                ("us_chase.csv", (FIXTURES / "us_chase.csv").read_bytes()),
                ("amount.csv", b"Date,Description,Amount\n2024-01-02,X,12..0\n"),
            ],
            400,
            "amount.csv: row 2, column 'Amount'",
        ),
        (
            [("big.csv", b"Date,Description,Amount\n" + b"2024-01-02,SHOP,-1.00\n" * 100_000)],
            413,
            "over 1,000,000 bytes",
        ),
    ]
    for files, status, says in cases:
        sent = [("files", (name, data)) for name, data in files]
        response = httpx.post(
            post, files=sent, data={"save_facts": "true"}, headers=ANN, timeout=60
        )
        _one_line_error(response, status, says)
    _one_line_error(httpx.post(post, headers=ANN, timeout=30), 400, "files")
    _one_line_error(httpx.post(post, content=b"\x00\xff", headers=ANN, timeout=30), 400, "files")
    assert _stored(api_url, ANN) == []
    profile = _saved_profile(api_url)
    assert profile.monthly_surplus is None and profile.income_sources == []


def _saved_profile(api_url: str) -> Any:  # noqa: ANN401
    from advisor.core.settings import get_settings
    from advisor.users.profile_store import load_profile

    return load_profile(get_settings(), "ann")


def test_a_key_reaches_only_its_own_users_statements(api_url: str) -> None:
    sneaky = _upload(api_url, ["us_chase.csv"], BOB, user="ann")  # the key decides: bob's
    assert sneaky.status_code == 200 and _stored(api_url, ANN) == []
    assert _upload(api_url, ["us_bank.ofx"], ANN).status_code == 200
    assert _stored(api_url, BOB) == ["us_chase.csv"] and _stored(api_url, ANN) == ["us_bank.ofx"]
    gone = httpx.delete(f"{api_url}/v1/statements/us_bank.ofx", headers=BOB, timeout=30)
    _one_line_error(gone, 404, "user bob has no statement 'us_bank.ofx'")
    assert _stored(api_url, ANN) == ["us_bank.ofx"]
    anon = httpx.get(f"{api_url}/v1/statements", timeout=30)
    assert anon.status_code == 401
    junk = httpx.get(f"{api_url}/v1/statements?users=bob", headers=ANN, timeout=30)
    _one_line_error(junk, 400, "unknown query parameter 'users'")


def test_saving_then_deleting_over_http_leaves_no_derived_fact(api_url: str) -> None:
    imported = _upload(api_url, ["us_chase.csv"], ANN).json()
    saved = httpx.post(f"{api_url}/v1/statements/save-facts", headers=ANN, timeout=30)
    assert saved.status_code == 200 and saved.json()["saved"] == imported["proposed_facts"]
    profile = _saved_profile(api_url)
    assert profile.monthly_surplus == imported["proposed_facts"]["monthly_surplus"]
    gone = httpx.delete(f"{api_url}/v1/statements/us_chase.csv", headers=ANN, timeout=30)
    assert gone.status_code == 200 and "monthly_surplus" in gone.json()["facts_removed"]
    profile = _saved_profile(api_url)
    assert profile.monthly_surplus is None and profile.income_sources == []
    listed = httpx.get(f"{api_url}/v1/statements", headers=ANN, timeout=30).json()
    assert listed["statements"] == [] and listed["figures"] is None
    nothing = httpx.post(f"{api_url}/v1/statements/save-facts", headers=ANN, timeout=30)
    _one_line_error(nothing, 404, "no statement of 'ann' is stored")


def test_the_ui_panel_refuses_a_path_that_was_not_uploaded_and_keeps_nothing(
    home: Path, embedder: Any
) -> None:
    """A Gradio handler is reachable with any JSON a client sends: a server path named
    in place of an upload is refused in one line, and nothing is read or kept."""
    from advisor.answering.service import Advisor
    from advisor.interfaces.ui.statements_panel import StatementsPanel
    from advisor.users.statements.saved import list_statements

    panel = StatementsPanel(Advisor(make_settings(home), embedder=embedder))
    fixture = str(FIXTURES / "us_chase.csv")
    status, figures, *_ = panel.import_files([fixture], None)  # type: ignore[arg-type]
    shown = status.replace("\\", "")  # Markdown escapes
    assert shown.startswith("⚠️ Not imported: refused us_chase.csv") and "\n" not in status
    assert "No statement imported yet" in figures
    assert list_statements(make_settings(home), "local") == []
    assert (FIXTURES / "us_chase.csv").exists()  # never unlinked: it was not an upload
