"""The CI eval gate: the full reference set through ``advisor eval`` on the grounded
engine must stay above the floors in ``evals/gate.toml`` (a little under the
committed baseline), so a retrieval or guard regression fails ``make test``."""

from __future__ import annotations

from pathlib import Path

from advisor.cli.main import run

ROOT = Path(__file__).resolve().parent.parent


def test_the_reference_set_stays_above_the_gate_floors(home_copy, tmp_path, capsys):
    out = tmp_path / "gate-run"
    dataset, gate = ROOT / "evals" / "reference_qa.jsonl", ROOT / "evals" / "gate.toml"
    args = ["eval", "--dataset", str(dataset), "--engine", "grounded"]
    args += ["--gate", str(gate), "--out", str(out), "-q"]
    try:
        run(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    assert code == 0, f"eval gate failed (report: {out / 'report.html'}):\n{captured.err}"
    assert (out / "summary.json").exists()
