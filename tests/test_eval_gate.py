"""The CI eval gate: the test split of the reference set through ``advisor eval`` on the
grounded engine must stay above the floors in ``evals/gate.toml`` (a little under the
committed baseline's test split) and must not regress significantly against the
committed baseline (``--baseline evals/baseline``: rows paired by id, a change counts
only when its bootstrap interval excludes zero), so a retrieval or guard regression
fails ``make test`` while noise does not. The dev split is for tuning and is never
gated."""

from __future__ import annotations

import json
from pathlib import Path

from advisor.eval import gate
from advisor.eval.dataset import load_dataset, select_split
from advisor.interfaces.cli.main import run

ROOT = Path(__file__).resolve().parent.parent
DATASET, GATE = ROOT / "evals" / "reference_qa.jsonl", ROOT / "evals" / "gate.toml"
BASELINE = ROOT / "evals" / "baseline"


def test_the_gate_file_gates_the_test_split_only():
    assert gate.gate_split(GATE) == "test"
    floors, ceilings = gate.load_gate(GATE)
    assert {"hit_at_3", "answer_fact_recall", "decline_rate_out_of_scope"} <= set(floors)
    assert {"false_decline_rate", "filler_rate"} <= set(ceilings)


def test_the_test_split_stays_above_the_gate_floors(home_copy, tmp_path, capsys):
    out = tmp_path / "gate-run"
    args = ["eval", "--dataset", str(DATASET), "--engine", "grounded", "--split", "test"]
    args += ["--gate", str(GATE), "--baseline", str(BASELINE), "--out", str(out), "-q"]
    try:
        run(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    assert code == 0, f"eval gate failed (report: {out / 'report.html'}):\n{captured.err}"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["split"] == "test" and set(summary["by_split"]) == {"test"}
    assert summary["rows"] == len(select_split(load_dataset(DATASET), "test"))


def test_the_baseline_gate_fails_a_real_regression_and_passes_noise():
    """Against the committed baseline's own test rows: one answered row losing its hit
    is noise; a fifth of them losing it is a regression."""
    from advisor.eval import stats

    rows = stats.load_rows(BASELINE)
    test = [dict(r, metrics=dict(r["metrics"])) for r in rows.values() if r["split"] == "test"]
    assert gate.regressions(test, rows, split="test") == {}
    hits = [r for r in test if r["metrics"].get("hit_at_3") == 1.0]
    hits[0]["metrics"]["hit_at_3"] = 0.0
    assert gate.regressions(test, rows, split="test") == {}
    for r in hits[: len(hits) // 5]:
        r["metrics"]["hit_at_3"] = 0.0
    failures = gate.regressions(test, rows, split="test")
    assert list(failures) == ["hit_at_3"]
    assert failures["hit_at_3"].startswith("hit_at_3 regressed significantly on the test split")
