"""Each eval metric is described once (advisor/eval/metric_specs.py): the runner's
summary, the gate, the statistics, the report and the tables follow the description,
and no other module keeps a list of metric names of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from advisor.core.errors import InputError
from advisor.eval import gate, metric_specs, runner, stats, summary_tables
from advisor.eval.charts import category_bars
from advisor.eval.report_cells import fmt, interval_text
from advisor.eval.runner import RowResult
from advisor.interfaces.cli.eval_text import show

ROOT = Path(__file__).resolve().parent.parent
SPECS = metric_specs.BY_NAME


def _row(i: int, **metrics: float) -> RowResult:
    return RowResult(
        id=f"r{i}", category="basics", user_input="q", reference="a",
        reference_contexts=[], response="an answer", retrieved_contexts=[], declined=False,
        latency_ms=100.0 * (i + 1), metrics={**dict.fromkeys(metric_specs.ROW_METRICS), **metrics},
    )  # fmt: skip


def test_the_summary_has_every_metric_in_the_described_order():
    rows = [_row(i, hit_at_3=float(i % 2), answer_words=10.0 * (i + 1)) for i in range(4)]
    summary = runner.summarise(rows, "grounded")
    assert list(summary["metrics"]) == list(metric_specs.METRICS)
    assert summary["metrics"]["hit_at_3"] == 0.5, "a mean"
    assert summary["metrics"]["answer_words"] == 25.0, "the median of 10, 20, 30, 40"
    assert summary["metrics"]["latency_p95_ms"] == 385.0, "numpy's p95 of 100..400 ms"


def test_the_gate_takes_its_direction_and_gating_from_the_description():
    for spec in metric_specs.ALL:
        wrong = "--fail-under" if spec.lower_is_better else "--fail-over"
        with pytest.raises(InputError, match="is better"):
            gate.parse_thresholds([f"{spec.name}=0.5"], ceiling=wrong == "--fail-over")
    values = {name: 0.5 for name in metric_specs.METRICS}
    proposal = gate.gate_from_baseline({"metrics": values}, margin=0.05)
    floors_part, ceilings_part = proposal.split("[ceilings]")
    for spec in metric_specs.ALL:
        if spec.kind == "judge":
            continue
        line = f"{spec.name} = "
        if not spec.gated:
            assert line not in proposal, spec.name
        elif spec.lower_is_better:
            assert f"{line}0.55" in ceilings_part, spec.name
        else:
            assert f"{line}0.45" in floors_part, spec.name


def test_values_are_written_by_their_unit_everywhere():
    assert summary_tables._plain(1234.4, "latency_p50_ms") == "1234 ms"
    assert fmt(1234.4, "latency_p50_ms") == show(1234.4, "latency_p50_ms") == "1234 ms"
    assert summary_tables._plain(57.0, "answer_words") == "57"
    assert fmt(57.0, "answer_words") == show(57.0, "answer_words") == "57"
    assert summary_tables._plain(0.8765, "mrr") == "0.88"
    assert fmt(0.8765, "mrr") == show(0.8765, "mrr") == "0.876"
    assert interval_text([0.81, 0.93], "mrr") == "[0.81, 0.93]"
    assert interval_text([40.2, 60.7], "answer_words") == "[40, 61]"
    drawn = category_bars({"rows": 3, "mrr": 0.5, "answer_words": 57.0, "latency_p50_ms": 9.0})
    assert ">mrr<" in drawn and "answer_words" not in drawn and "latency" not in drawn


def test_the_statistics_use_the_described_statistic_and_precision():
    assert stats.bootstrap([7.0] * 5, "answer_words") == [7.0, 7.0]
    assert stats.bootstrap([100.04] * 5, "latency_p95_ms") == [100.0, 100.0], "1 decimal"
    assert stats.bootstrap([0.123456] * 5, "mrr") == [0.1235, 0.1235], "4 decimals"


def _metric_name_lists(path: Path) -> list[int]:
    """Lines where a tuple, list or set literal names three or more metrics."""
    names = set(SPECS)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            strings = {e.value for e in node.elts if isinstance(e, ast.Constant)}
            if len(strings & names) >= 3:
                found.append(node.lineno)
    return found


def test_no_module_but_the_description_lists_metric_names():
    package = ROOT / "advisor"
    offenders = {
        str(p.relative_to(ROOT)): lines
        for p in package.rglob("*.py")
        if p.name != "metric_specs.py" and (lines := _metric_name_lists(p))
    }
    assert offenders == {}
