"""Runs that survive: rows in parallel, a per-row timeout, and ``--resume`` after a
SIGKILL, each against the scripted plain chat model (real HTTP, a real child process)."""

from __future__ import annotations

import io
import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from advisor_servers import ADVISOR_BIN, child_env
from helpers import cli
from llm_servers import ScriptedServer
from test_eval_cli import ROWS

from advisor.interfaces.cli.eval_text import progress_bar

REPLY = "A REIT lets you invest in real estate without managing buildings yourself."
N_ROWS = 12


@pytest.fixture
def plain_llm() -> Iterator[ScriptedServer]:
    server = ScriptedServer("openai", plain=True, condense_reply=REPLY).start()
    yield server
    server.stop()


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    rows = [{**ROWS[i % len(ROWS)], "id": f"row-{i:02d}"} for i in range(N_ROWS)]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _ids(folder: Path) -> list[str]:
    lines = (folder / "results.jsonl").read_text().splitlines()
    return [json.loads(x)["id"] for x in lines if x.strip()]


def _without_latency(summary: dict) -> dict:
    metrics = {k: v for k, v in summary["metrics"].items() if not k.startswith("latency")}
    return {"rows": summary["rows"], "metrics": metrics, "engine": summary["engine"]}


def _wait_for(condition, what: str, proc: subprocess.Popen[str] | None = None) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 120
    while not condition():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the eval exited before {what}: {proc.stderr.read()}")  # type: ignore[union-attr]
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def test_a_run_killed_halfway_resumes_without_redoing_finished_rows(
    plain_llm, dataset, tmp_path, capsys
):
    half = N_ROWS // 2
    # the warm-up and the first half answer; the next row hangs until the kill
    plain_llm.script(*["normal"] * (1 + half), "hang", condense_reply=REPLY)
    run = tmp_path / "run"
    args = ["eval", "--dataset", str(dataset), "--out", str(run), "-q",
            "--target", plain_llm.url, "--target-model", "scripted"]  # fmt: skip
    proc = subprocess.Popen(
        [ADVISOR_BIN, *args], env=child_env(tmp_path / "home"), stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for(lambda: len(plain_llm.requests) == half + 2, "the hanging row", proc)
        _wait_for(lambda: len(_ids(run)) == half, f"{half} rows on disk", proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert _ids(run) == [f"row-{i:02d}" for i in range(half)]
    assert not (run / "summary.json").exists()

    plain_llm.script(condense_reply=REPLY)  # the target is well again
    code, out, err = cli(capsys, *args[:3], "-q", "--resume", str(run), *args[6:])
    assert code == 0, err
    asked = [r.body["messages"][-1]["content"] for r in plain_llm.requests]
    assert len(asked) == 1 + N_ROWS - half  # a warm-up and only the unfinished rows
    ids = _ids(run)
    assert sorted(ids) == [f"row-{i:02d}" for i in range(N_ROWS)]  # each exactly once
    assert len(set(ids)) == len(ids) == N_ROWS

    straight = tmp_path / "straight"
    code, _, err = cli(capsys, *args[:3], "--out", str(straight), "-q", *args[6:])
    assert code == 0, err
    resumed = json.loads((run / "summary.json").read_text())
    whole = json.loads((straight / "summary.json").read_text())
    assert resumed["rows"] == whole["rows"] == N_ROWS
    assert _without_latency(resumed) == _without_latency(whole)


def test_resume_drops_a_torn_last_line_and_asks_that_row_again(home_copy, tmp_path, capsys):
    dataset = tmp_path / "small.jsonl"
    dataset.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    run, straight = tmp_path / "run", tmp_path / "straight"
    code, _, err = cli(capsys, "eval", "--dataset", str(dataset), "--out", str(straight), "-q")
    assert code == 0, err
    lines = (straight / "results.jsonl").read_text().splitlines()
    run.mkdir()
    (run / "run.json").write_text((straight / "run.json").read_text())
    (run / "results.jsonl").write_text("\n".join(lines[:2]) + "\n" + lines[2][:40])

    code, _, err = cli(capsys, "eval", "--dataset", str(dataset), "--resume", str(run), "-q")
    assert code == 0, err
    assert _ids(run) == [r["id"] for r in ROWS]
    resumed = json.loads((run / "summary.json").read_text())
    whole = json.loads((straight / "summary.json").read_text())
    assert _without_latency(resumed) == _without_latency(whole)


def test_resume_refuses_a_run_that_asked_something_else(plain_llm, dataset, tmp_path, capsys):
    run = tmp_path / "run"
    code, _, err = cli(capsys, "eval", "--dataset", str(dataset), "--out", str(run), "-q",
                       "--target", plain_llm.url, "--target-model", "scripted")  # fmt: skip
    assert code == 0, err
    code, _, err = cli(capsys, "eval", "--dataset", str(dataset), "--resume", str(run), "-q",
                       "--target", plain_llm.url, "--target-model", "other")  # fmt: skip
    assert code == 2 and err.count("\n") == 1
    assert "target_model ('scripted' then, 'other' now)" in err
    code, _, err = cli(capsys, "eval", "--dataset", str(dataset), "-q",
                       "--resume", str(tmp_path / "nothing-here"))  # fmt: skip
    assert code == 2 and "no run.json" in err


def test_a_row_past_its_timeout_is_recorded_and_the_run_goes_on(
    plain_llm, dataset, tmp_path, capsys
):
    # the warm-up and row-00 answer, row-01 hangs, the rest answer
    plain_llm.script("normal", "normal", "hang", condense_reply=REPLY)
    run = tmp_path / "run"
    code, _, err = cli(capsys, "eval", "--dataset", str(dataset), "--out", str(run), "-q",
                       "--target", plain_llm.url, "--target-model", "scripted",
                       "--timeout", "2")  # fmt: skip
    assert code == 0, err
    rows = [json.loads(x) for x in (run / "results.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == [f"row-{i:02d}" for i in range(N_ROWS)]
    timed_out = [r["id"] for r in rows if r["error"]]
    assert timed_out == ["row-01"]
    assert rows[1]["error"] == "timed out after 2 s" and not rows[1]["ok"]
    assert all(r["response"] == REPLY for r in rows if r["id"] != "row-01")


def test_workers_answer_every_row_once_in_the_datasets_order(plain_llm, dataset, tmp_path, capsys):
    run = tmp_path / "run"
    code, _, err = cli(capsys, "eval", "--dataset", str(dataset), "--out", str(run), "-q",
                       "--target", plain_llm.url, "--target-model", "scripted",
                       "--workers", "4")  # fmt: skip
    assert code == 0, err
    assert _ids(run) == [f"row-{i:02d}" for i in range(N_ROWS)]
    assert len(plain_llm.requests) == 1 + N_ROWS
    assert json.loads((run / "summary.json").read_text())["rows"] == N_ROWS


def test_the_advisor_in_process_with_workers_scores_as_one_worker_does(home_copy, tmp_path, capsys):
    dataset = tmp_path / "small.jsonl"
    dataset.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    one, four = tmp_path / "one", tmp_path / "four"
    assert cli(capsys, "eval", "--dataset", str(dataset), "--out", str(one), "-q")[0] == 0
    code, _, err = cli(capsys, "eval", "--dataset", str(dataset), "--out", str(four), "-q",
                       "--workers", "4")  # fmt: skip
    assert code == 0, err
    a = json.loads((one / "summary.json").read_text())
    b = json.loads((four / "summary.json").read_text())
    assert _without_latency(a) == _without_latency(b)


def test_the_progress_bar_starts_at_the_resumed_rows_and_shows_an_eta(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with progress_bar(3, 1, False, "evaluating") as advance:  # one row finished before
        advance("row-01")
        advance("row-02")
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())
    assert "evaluating" in shown and "1/3" in shown and "3/3 " in shown
    assert "eta" in shown and "row-02" in shown
    quiet = Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    with progress_bar(3, 0, True, "evaluating") as advance:
        advance("row-00")
    assert quiet.getvalue() == ""
