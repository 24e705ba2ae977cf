"""The newcomer's first hour: a busy port is one line and exit 2, ``make run PORT=…
HOST=…``, ``--prune`` asks only when something would be pruned, plural and money
wording, the piped chat's hint naming what saves facts, and ``examples/profile.yaml``."""

from __future__ import annotations

import io
import json
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT, cli, make_settings


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


@pytest.mark.parametrize(
    "command",
    [["api"], ["serve"], ["mcp", "--http"]],
    ids=["api", "serve", "mcp"],
)
def test_a_busy_port_is_one_line_and_exit_2(
    command: list[str],
    busy_port: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from advisor.core.settings import get_settings

    monkeypatch.setenv("ADVISOR_API_KEYS", json.dumps({"a-long-key-0123456789": "local"}))
    get_settings.cache_clear()
    code, out, err = cli(capsys, *command, "--host", "127.0.0.1", "--port", str(busy_port))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{busy_port}" in lines[0], err
    assert "--port" in lines[0] and "Traceback" not in err and "Serving" not in out


def test_make_run_takes_the_port_and_the_host() -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    dry = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "run", "PORT=8123", "HOST=127.0.0.2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "advisor serve --host 127.0.0.2 --port 8123" in dry.stdout
    default = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "advisor serve --host 127.0.0.1 --port 7860" in default.stdout


def test_prune_asks_only_when_something_would_be_pruned(
    home_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("My rental flat brings in 700 dollars a month.", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("My blog earns 50 dollars a month from ads.", encoding="utf-8")
    assert cli(capsys, "ingest", "--user", "sam", str(notes), str(other))[0] == 0
    # the same files again: nothing would be pruned, so no question (stdin is no terminal)
    code, out, err = cli(capsys, "ingest", "--user", "sam", "--prune", str(notes), str(other))
    assert code == 0, err
    assert "no terminal to confirm" not in err
    # naming one file only would prune the other: asked, and refused without a terminal
    code, _, err = cli(capsys, "ingest", "--user", "sam", "--prune", str(notes))
    assert code == 2 and "nothing deleted" in err
    code, out, _ = cli(capsys, "docs", "--user", "sam", "list")
    assert "other" in out and "notes" in out


def test_wrote_one_row_not_one_rows(home_copy: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from advisor.users.feedback import record_feedback

    record_feedback(
        make_settings(home_copy),
        "alice",
        question="What is a REIT?",
        answer="A REIT owns property [1].",
        rating="down",
        comment=None,
        history=[],
        citations=[],
        engine="grounded",
        reason=None,
    )
    out = tmp_path / "rows.jsonl"
    code, printed, err = cli(capsys, "eval", "import-feedback", "--out", str(out))
    assert code == 0, err
    assert f"wrote 1 row to {out}" in printed


def test_profile_show_writes_money_as_money(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    profile = tmp_path / "me.yaml"
    profile.write_text(
        "currency: EUR\ncapital: 1234567\nincome_sources:\n"
        "  - {name: rental flat, hours_per_month: 2.5, monthly_income: 4000}\n",
        encoding="utf-8",
    )
    code, out, err = cli(capsys, "profile", "--user", "me", "import", str(profile))
    assert code == 0, err
    assert "4,000 EUR a month" in out and "4000.0" not in out
    assert "1,234,567" in out and "e+06" not in out
    assert "2.5 h/month" in out


def test_the_example_profile_imports(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(
        capsys, "profile", "--user", "me", "import", str(ROOT / "examples" / "profile.yaml")
    )
    assert code == 0, err
    assert "imported the profile of me" in out and "capital" in out


def test_piped_chat_names_what_saves_facts(
    home_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("I have $20,000 saved and 5 hours a week\n"))
    code, out, err = cli(capsys, "chat", "--user", "sam")
    assert code == 0, err
    assert "Not saved: a piped chat cannot ask" in out
    assert "ask again with --save-facts" not in out
    assert "advisor profile --user sam set FIELD VALUE" in out


def test_users_list_columns_line_up(
    home_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = tmp_path / "one.txt"
    one.write_text("My rental flat brings in 700 dollars a month.", encoding="utf-8")
    two = tmp_path / "two.txt"
    two.write_text("My blog earns 50 dollars a month from ads.", encoding="utf-8")
    assert cli(capsys, "ingest", "--user", "al", str(one))[0] == 0
    assert cli(capsys, "ingest", "--user", "bartholomew", str(one), str(two))[0] == 0
    code, out, _ = cli(capsys, "users", "list")
    assert code == 0
    lines = out.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["al", "bartholomew"]
    assert "1 document " in lines[0] and "2 documents" in lines[1] and "(s)" not in out
    for word in ("document", "chunk", "profile"):
        assert len({line.index(word) for line in lines}) == 1, (word, lines)


def test_help_does_not_break_lines_mid_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    from advisor.interfaces.cli.main import _register, app

    _register()
    helps = {info.name or info.callback.__name__: info.help for info in app.registered_commands}
    assert all(isinstance(h, str) and h for h in helps.values())
    assert all("\n" not in h.split("\n\n")[0] for h in helps.values()), helps
