"""Bootstrap intervals and paired comparisons (advisor.eval.stats), on synthetic rows."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from advisor.eval import gate, runner, stats
from advisor.eval.runner import RowResult


def _result(
    id: str,
    category: str = "fact",
    *,
    declined: bool = False,
    latency: float = 100.0,
    split: str = "test",
    reason: str | None = None,
    **scores: float,
) -> RowResult:
    metrics: dict[str, float | None] = dict.fromkeys(runner.ROW_METRICS)
    metrics.update(scores)
    return RowResult(
        id=id,
        category=category,
        user_input="q " + id,
        reference="r",
        reference_contexts=[],
        split=split,
        response="a",
        retrieved_contexts=[],
        declined=declined,
        reason=reason,
        latency_ms=latency,
        metrics=metrics,
        ok=declined if category == "out_of_scope" else not declined,
    )


def _rows(n: int, hits: int, *, split: str = "test", rouge: float = 0.5) -> list[RowResult]:
    return [
        _result(f"r{i}", split=split, latency=50.0 + i, hit_at_3=float(i < hits), rouge_l=rouge)
        for i in range(n)
    ]


def test_bootstrap_is_deterministic_and_brackets_the_mean():
    values = [float(i % 3 == 0) for i in range(60)]
    first = stats.bootstrap(values)
    assert first == stats.bootstrap(values)  # fixed seed
    assert first is not None
    lo, hi = first
    mean = sum(values) / len(values)
    assert lo < mean < hi and 0.0 <= lo and hi <= 1.0
    assert stats.bootstrap([]) is None
    assert stats.bootstrap([0.7]) == [0.7, 0.7]
    assert stats.bootstrap([1.0] * 20) == [1.0, 1.0]


def test_intervals_cover_every_summary_metric_and_follow_its_statistic():
    results = _rows(40, 30) + [
        _result("o1", "out_of_scope", declined=True),
        _result("o2", "out_of_scope", declined=False),
        _result("s1", "small_talk", reason="small_talk"),
    ]
    cis = stats.intervals(results)
    assert set(cis) == set(runner.METRICS)
    summary = runner.aggregate(results)
    for name, interval in cis.items():
        if summary[name] is None:
            assert interval is None, name
            continue
        assert interval is not None, name
        lo, hi = interval
        assert lo <= summary[name] <= hi, name
    assert cis["small_talk_rate"] == [1.0, 1.0]
    assert cis["decline_rate_out_of_scope"] is not None
    assert cis["latency_p50_ms"] is not None and cis["latency_p50_ms"][1] < 100  # ms


def test_add_intervals_sits_beside_every_set_of_values():
    results = _rows(10, 8, split="dev") + _rows(10, 5, split="test")
    for i, r in enumerate(results):
        r.id = f"x{i}"
    summary = runner.summarise(results, "grounded")
    stats.add_intervals(summary, results)
    assert set(summary["intervals"]) == set(summary["metrics"])
    assert summary["by_category"]["fact"]["intervals"]["hit_at_3"] is not None
    for split in ("dev", "test"):
        part = summary["by_split"][split]
        assert set(part["intervals"]) == set(part["metrics"])
        assert "intervals" in part["by_category"]["fact"]
    dev = summary["by_split"]["dev"]["intervals"]["hit_at_3"]
    assert dev[0] <= 0.8 <= dev[1]


def _as_earlier(results: list[RowResult]) -> dict[str, dict[str, Any]]:
    return {r.id: r.model_dump(mode="json") for r in results}


def test_a_large_paired_drop_is_significant_and_noise_is_not():
    before = _rows(60, 57)
    after = _rows(60, 30)  # 27 rows lost their hit
    result = stats.paired(after, _as_earlier(before))
    hit = result["metrics"]["hit_at_3"]
    assert hit["pairs"] == 60 and hit["significant"] and hit["change"] == "regressed"
    assert hit["interval"][1] < 0 and hit["mean_diff"] == pytest.approx(-27 / 60, abs=1e-4)
    assert result["metrics"]["rouge_l"]["change"] == "same"
    assert "latency_p50_ms" not in result["metrics"]  # latencies are not paired
    assert result["row_counts"]["regressed"] == 27 and result["row_counts"]["same"] == 33
    assert {d["verdict"] for d in result["rows"]} == {"regressed"}
    assert result["rows"][0]["regressed"] == ["hit_at_3"]

    noise = stats.paired(_rows(60, 56), _as_earlier(before))  # one row flipped
    assert noise["metrics"]["hit_at_3"]["significant"] is False
    assert noise["metrics"]["hit_at_3"]["change"] == "same"
    assert noise["row_counts"]["regressed"] == 1


def test_improvements_and_lower_is_better_metrics_go_the_right_way():
    before = [_result(f"r{i}", filler_rate=0.4, rouge_l=0.2) for i in range(40)]
    after = [_result(f"r{i}", filler_rate=0.1, rouge_l=0.6) for i in range(40)]
    result = stats.paired(after, _as_earlier(before))
    assert result["metrics"]["filler_rate"]["change"] == "improved"
    assert result["metrics"]["rouge_l"]["change"] == "improved"
    assert result["row_counts"]["improved"] == 40
    worse = stats.paired(before, _as_earlier(after))
    assert worse["metrics"]["filler_rate"]["change"] == "regressed"


def test_pairs_only_rows_of_both_runs_and_of_the_split():
    before = _rows(20, 20)
    after = _rows(20, 20, split="dev")[:10] + [_result("new", hit_at_3=0.0)]
    result = stats.paired(after, _as_earlier(before))
    assert result["rows_paired"] == 10 and result["rows_unpaired"] == 1
    assert stats.paired(after, _as_earlier(before), split="test")["rows_paired"] == 0
    empty = stats.paired([], _as_earlier(before))
    assert empty["metrics"]["hit_at_3"] == {
        "pairs": 0,
        "mean_diff": None,
        "interval": None,
        "significant": False,
        "change": "no pairs",
    }


def test_gate_regressions_name_each_significantly_worse_gated_metric():
    before = _as_earlier(_rows(60, 57))
    failures = gate.regressions(_rows(60, 30), before, split="test")
    assert set(failures) == {"hit_at_3"}
    assert failures["hit_at_3"].startswith("hit_at_3 regressed significantly on the test split")
    assert "over 60 paired rows" in failures["hit_at_3"]
    assert gate.regressions(_rows(60, 56), before, split="test") == {}  # noise passes
    assert gate.regressions(_rows(60, 30), before, split="dev") == {}  # no dev rows
    slower = copy.deepcopy(_rows(60, 57))
    for r in slower:
        r.latency_ms *= 10
    assert gate.regressions(slower, before) == {}  # latencies are never gated


def test_gate_checks_keep_the_old_failure_lines():
    summary = runner.summarise(_rows(10, 5), "grounded")
    checks = gate.gate_checks(summary, {"hit_at_3": 0.9, "rouge_l": 0.1}, {"filler_rate": 0.2})
    assert checks == [
        ("hit_at_3", "hit_at_3 0.5 is under its floor 0.9"),
        ("rouge_l", None),
        ("filler_rate", "filler_rate has no value in this run (ceiling 0.2)"),
    ]
    assert gate.gate_failures(summary, {"hit_at_3": 0.9}, {}) == [
        "hit_at_3 0.5 is under its floor 0.9"
    ]
