"""Bootstrap statistics over per-row eval results: a 95% confidence interval for every
summary metric, and paired comparisons of two runs that call a change real only when
the interval of the mean paired difference excludes zero.

Everything here is deterministic: the resampling uses a fixed seed, so the same rows
give the same intervals on every machine. Rows are plain dicts (a line of
``results.jsonl``, or :meth:`RowResult.model_dump`), so an earlier run's file and this
run's results go through the same code.

Intervals cover every metric of the summary, latencies included (the percentile of the
resampled latencies). Paired comparisons leave latencies out: they measure the machine
as much as the code, and a p50 is not the mean of paired differences."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from advisor.core.errors import InputError
from advisor.eval.dataset import OUT_OF_SCOPE, SMALL_TALK, json_objects
from advisor.eval.metric_specs import (
    BY_NAME,
    JUDGE_METRICS,
    LATENCY_METRICS,
    METRICS,
    RATE_METRICS,
    ROW_METRICS,
    UNGATED,
)
from advisor.eval.runner import RowResult, judged, not_measured

SEED = 20240601
RESAMPLES = 1000
LEVEL = 0.95
# Paired comparisons: every metric but the latencies.
COMPARED = tuple(n for n in METRICS if n not in LATENCY_METRICS)
# The per-row verdicts (improved / regressed / same) look at these.
MAIN_ROW_METRICS = tuple(n for n in ROW_METRICS if n not in UNGATED)
SAME_WITHIN = 1e-3  # a per-row score that moved less than this is the same


def as_rows(results: Iterable[RowResult | dict[str, Any]]) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json") if isinstance(r, RowResult) else r for r in results]


def row_value(row: dict[str, Any], name: str) -> float | None:
    """What one row contributes to a summary metric, or None when it does not count."""
    category, declined = row.get("category"), bool(row.get("declined"))
    if name in ROW_METRICS or name in JUDGE_METRICS:
        value = (row.get("metrics") or {}).get(name)
        return None if value is None else float(value)
    if name in RATE_METRICS and row.get("declined", False) is None:
        return None  # the target does not say whether it declined
    if name == "decline_rate_out_of_scope":
        return float(declined) if category == OUT_OF_SCOPE else None
    if name == "false_decline_rate":
        return float(declined) if category not in (OUT_OF_SCOPE, SMALL_TALK) else None
    if name == "small_talk_rate":
        if category != SMALL_TALK:
            return None
        return float(not declined and row.get("reason") == SMALL_TALK)
    if name in LATENCY_METRICS:
        value = row.get("latency_ms")
        return None if value is None else float(value)
    raise KeyError(name)


def _statistic(name: str, samples: np.ndarray) -> np.ndarray:
    """The summary's statistic of each resample (one a row of ``samples``)."""
    described = BY_NAME.get(name)
    statistic = described.statistic if described is not None else "mean"
    if statistic == "mean":
        return samples.mean(axis=-1)
    return np.percentile(samples, {"median": 50, "p50": 50, "p95": 95}[statistic], axis=-1)


def _digits(name: str) -> int:
    described = BY_NAME.get(name)
    return described.digits if described is not None else 4


def bootstrap(
    values: Sequence[float], name: str = "", *, resamples: int = RESAMPLES, seed: int = SEED
) -> list[float] | None:
    """The percentile bootstrap interval (95%) of a metric's statistic over ``values``:
    the mean for most metrics, the median or a latency percentile for the others."""
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return None
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, data.size, size=(resamples, data.size))
    stats = _statistic(name, data[idx])
    tail = (1 - LEVEL) / 2 * 100
    lo, hi = np.percentile(stats, [tail, 100 - tail])
    return [round(float(lo), _digits(name)), round(float(hi), _digits(name))]


def intervals(results: Iterable[RowResult | dict[str, Any]]) -> dict[str, list[float] | None]:
    """A 95% interval for every summary metric over these rows (None: no row counts)."""
    rows = as_rows(results)
    out: dict[str, list[float] | None] = {}
    for name in (*METRICS, *judged(rows)):
        values = [v for r in rows if (v := row_value(r, name)) is not None]
        out[name] = bootstrap(values, name)
    return out


def add_intervals(summary: dict[str, Any], results: Sequence[RowResult | dict[str, Any]]) -> None:
    """Put ``"intervals"`` beside every set of metric values of a summary: the run,
    each category, each split and each category of each split."""
    rows = as_rows(results)

    def by_category(part: list[dict[str, Any]], target: dict[str, Any]) -> None:
        for category, values in target.items():
            values["intervals"] = intervals([r for r in part if r.get("category") == category])

    summary["intervals"] = intervals(rows)
    by_category(rows, summary.get("by_category", {}))
    for split, part_summary in summary.get("by_split", {}).items():
        part = [r for r in rows if r.get("split") == split]
        part_summary["intervals"] = intervals(part)
        by_category(part, part_summary.get("by_category", {}))


# --- paired comparison with an earlier run ------------------------------------------------


def load_rows(folder: Path) -> dict[str, dict[str, Any]]:
    """An earlier run's ``results.jsonl``, by row id."""
    path = folder / "results.jsonl"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no results.jsonl to pair rows with (give a run folder)") from exc
    rows: dict[str, dict[str, Any]] = {}
    for number, row in json_objects(text.splitlines(), str(path)):
        if "id" not in row:
            raise InputError(f"{path} line {number}: not an eval result row")
        rows[str(row["id"])] = row
    return rows


def _better(name: str, diff: float) -> bool:
    described = BY_NAME.get(name)
    return diff < 0 if described is not None and described.lower_is_better else diff > 0


def paired(
    results: Iterable[RowResult | dict[str, Any]],
    earlier: dict[str, dict[str, Any]],
    *,
    split: str | None = None,
    metrics: Sequence[str] = COMPARED,
) -> dict[str, Any]:
    """Rows paired by id with an earlier run (only ``split``'s rows when given): per
    metric the mean paired difference (now minus earlier, over the rows that have a
    value in both runs), its 95% bootstrap interval, and whether the change is
    significant (the interval excludes zero) and which way; and per row which of the
    main per-row scores improved or regressed."""
    now = [r for r in as_rows(results) if split is None or r.get("split") == split]
    pairs = [(r, earlier[str(r["id"])]) for r in now if str(r["id"]) in earlier]
    unmeasured = {*not_measured(now), *not_measured(list(earlier.values()))}
    both = set(judged(now)) & set(judged(list(earlier.values())))
    out_metrics: dict[str, Any] = {}
    for name in (*metrics, *(n for n in JUDGE_METRICS if n in both and n not in metrics)):
        if name in unmeasured:
            out_metrics[name] = {"pairs": 0, "mean_diff": None, "interval": None}
            out_metrics[name].update(significant=False, change="not measured")
            continue
        diffs = [
            a - b
            for r, e in pairs
            if (a := row_value(r, name)) is not None and (b := row_value(e, name)) is not None
        ]
        if not diffs:
            out_metrics[name] = {"pairs": 0, "mean_diff": None, "interval": None}
            out_metrics[name].update(significant=False, change="no pairs")
            continue
        interval = bootstrap(diffs)
        assert interval is not None
        significant = interval[0] > 0 or interval[1] < 0
        mean_diff = float(np.mean(diffs))
        change = "same"
        if significant:
            change = "improved" if _better(name, mean_diff) else "regressed"
        out_metrics[name] = {
            "pairs": len(diffs),
            "mean_diff": round(mean_diff, 4),
            "interval": interval,
            "significant": significant,
            "change": change,
        }
    verdicts = [_row_verdict(r, e) for r, e in pairs]
    return {
        "split": split or "all",
        "rows_paired": len(pairs),
        "rows_unpaired": len(now) - len(pairs),
        "metrics": out_metrics,
        "row_counts": {
            v: sum(d["verdict"] == v for d in verdicts)
            for v in ("improved", "regressed", "mixed", "same")
        },
        "rows": [d for d in verdicts if d["verdict"] != "same"],
    }


def _row_verdict(row: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    improved: list[str] = []
    regressed: list[str] = []
    if bool(row.get("ok")) != bool(before.get("ok")):
        (improved if row.get("ok") else regressed).append("ok")
    for name in MAIN_ROW_METRICS:
        a, b = row_value(row, name), row_value(before, name)
        if a is None or b is None or abs(a - b) < SAME_WITHIN:
            continue
        (improved if _better(name, a - b) else regressed).append(name)
    verdict = (
        "mixed"
        if improved and regressed
        else "improved"
        if improved
        else "regressed"
        if regressed
        else "same"
    )
    return {
        "id": str(row["id"]),
        "category": row.get("category", ""),
        "verdict": verdict,
        "improved": improved,
        "regressed": regressed,
    }


def significant_regressions(comparison: dict[str, Any], names: Iterable[str]) -> list[str]:
    """One line per metric of ``names`` that regressed significantly."""
    where = (
        "" if comparison.get("split") in (None, "all") else f" on the {comparison['split']} split"
    )
    out = []
    for name in names:
        item = comparison["metrics"].get(name)
        if item and item.get("change") == "regressed":
            lo, hi = item["interval"]
            out.append(
                f"{name} regressed significantly{where}: mean change {item['mean_diff']:+.4g} "
                f"[{lo:+.4g}, {hi:+.4g}] over {item['pairs']} paired rows"
            )
    return out
