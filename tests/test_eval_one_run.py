"""``run_one`` (advisor/eval/one_run.py) is the one run of one target that ``advisor
eval`` and each target of a multi-target run go through: it writes the run's files,
records what was asked, and pairs the rows with what it is compared against."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

from test_eval_cli import ROWS

from advisor.eval.dataset import Row
from advisor.eval.one_run import Against, RunSettings, run_one
from advisor.eval.targets import AdvisorTarget


@contextlib.contextmanager
def _quiet(total: int, done: int, label: str) -> Iterator[object]:
    yield lambda row_id: None


def test_one_run_writes_its_files_and_pairs_with_what_it_is_compared_against(
    advisor, tmp_path: Path
):
    rows = [Row.model_validate(r) for r in ROWS[:3]]
    target = AdvisorTarget(advisor)
    asked = {"dataset": "rows.jsonl", "split": "all", "target": None, "engine": None, "k": None}
    first = run_one(target, rows, RunSettings(tmp_path / "a", asked, advisor.embedder, _quiet))
    assert [r.id for r in first.results] == [r.id for r in rows]
    assert first.summary["rows"] == 3 and "compare" not in first.summary
    assert "target" not in first.summary and first.summary["judge"] is None
    for name in ("results.jsonl", "summary.json", "report.html", "run.json"):
        assert (tmp_path / "a" / name).exists(), name
    assert json.loads((tmp_path / "a" / "run.json").read_text())["dataset"] == "rows.jsonl"

    rows_a = {r.id: r.model_dump(mode="json") for r in first.results}
    against = Against(str(tmp_path / "a"), first.summary["engine"], rows_a)
    settings = RunSettings(
        tmp_path / "b", asked, advisor.embedder, _quiet, against=against, url="http://x/v1"
    )
    second = run_one(target, rows, settings)
    compare = second.summary["compare"]
    assert compare["against"] == str(tmp_path / "a") and compare["against_engine"] == "grounded"
    assert compare["metrics"]["hit_at_3"]["change"] == "same", "the same advisor, the same rows"
    assert second.summary["target"] == {"url": "http://x/v1", "model": None}
    written = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert written["compare"]["against"] == compare["against"]
