"""A run's folder: ``results.jsonl`` written row by row as rows finish (so a killed run
loses at most one row), ``run.json`` recording what the run asks, resuming an
interrupted run (``--resume``) and writing the finished run's files whole."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from advisor.core.errors import InputError
from advisor.eval.dataset import Row
from advisor.eval.runner import RowResult, run_target

# (total, already done, label) -> a context giving the per-row "advance" callback
Progress = Callable[[int, int, str], AbstractContextManager[Callable[[str], None]]]

RESULTS = "results.jsonl"
RUN_FILE = "run.json"


def _write_atomic(path: Path, text: str) -> None:
    """Write a file whole or not at all: a killed run never leaves half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _line(result: RowResult) -> str:
    return json.dumps(result.model_dump(mode="json"), ensure_ascii=False) + "\n"


def write_run(
    out: Path, results: Sequence[RowResult], summary: dict[str, Any], report_html: str
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    _write_atomic(out / RESULTS, "".join(_line(r) for r in results))
    _write_atomic(out / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    _write_atomic(out / "report.html", report_html)


class Journal:
    """``results.jsonl`` written as rows finish, each line flushed and fsync'd, so a
    killed run loses at most the row it was writing. Opening it keeps only the rows
    given (a resumed run's finished rows; none for a new run), which also drops a line
    torn by the kill."""

    def __init__(self, folder: Path, finished: Sequence[RowResult] = ()) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / RESULTS
        _write_atomic(self.path, "".join(_line(r) for r in finished))
        self._fh = self.path.open("a", encoding="utf-8")
        self._lock = threading.Lock()

    def __call__(self, result: RowResult) -> None:
        with self._lock:
            self._fh.write(_line(result))
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()


def start_run(folder: Path, settings: dict[str, Any]) -> None:
    """Record what a run asks (dataset, target or engine, k, split) for ``--resume``."""
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomic(folder / RUN_FILE, json.dumps(settings, indent=2, ensure_ascii=False) + "\n")


def resume_run(folder: Path, settings: dict[str, Any], rows: Sequence[Row]) -> list[RowResult]:
    """The finished rows of an interrupted run in ``folder``, after checking it asked
    what this run asks. A last line torn by a kill is dropped (that row runs again)."""
    try:
        before = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{folder}: no {RUN_FILE}; --resume takes the folder of a run") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{folder / RUN_FILE}: not JSON; start a new run with --out") from exc
    changed = [k for k in settings if before.get(k) != settings[k]]
    if changed:
        names = ", ".join(f"{k} ({before.get(k)!r} then, {settings[k]!r} now)" for k in changed)
        raise InputError(f"--resume {folder}: the run asked with other settings: {names}")
    wanted = {row.id for row in rows}
    finished: dict[str, RowResult] = {}
    path = folder / RESULTS
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            result = RowResult.model_validate_json(line)
        except ValueError as exc:
            if number == len(lines):
                break  # the row being written when the run was killed
            raise InputError(f"{path} line {number}: not a result row") from exc
        if result.id in wanted:
            finished[result.id] = result
    return list(finished.values())


def write_summary(out: Path, summary_json: str, report_html: str) -> None:
    """A side-by-side run's own files: ``summary.json`` and ``report.html`` (each
    target's rows are in its sub-folder, :mod:`advisor.eval.multi`)."""
    out.mkdir(parents=True, exist_ok=True)
    _write_atomic(out / "summary.json", summary_json)
    _write_atomic(out / "report.html", report_html)


def evaluate_into(
    folder: Path,
    target: Any,
    rows: Sequence[Row],
    embedder: Any,
    *,
    finished: Sequence[RowResult],
    workers: int,
    timeout: float | None,
    judge: Any,
    judge_spec: str | None,
    progress: Progress,
    label: str = "evaluating",
) -> list[RowResult]:
    """Ask ``target`` the rows not in ``finished``, each result appended to ``folder``'s
    journal as it finishes, then judge them when a judge is given (one target's run,
    for a single ``advisor eval`` and for each target of several)."""
    journal = Journal(folder, finished)
    try:
        with progress(len(rows), len(finished), label) as advance:
            results = run_target(
                target,
                rows,
                embedder,
                workers=workers,
                timeout=timeout,
                finished=finished,
                on_result=journal,
                progress=advance,
            )
    finally:
        journal.close()
    if judge is not None:
        from advisor.eval.judge import judge_rows, wants_judging

        n = sum(wants_judging(r) for r in results)
        with progress(n, 0, f"judging ({judge_spec})") as advance:
            judge_rows(judge, results, workers=workers, progress=advance)
    return results
