"""Comparing a run with an earlier one: its summary and each row's pass/fail, loaded from
the earlier run's folder; the change per metric and the rows whose ``ok`` flipped. (The
paired, per-row comparison with intervals is :func:`advisor.eval.stats.paired`.)"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from advisor.core.errors import InputError
from advisor.eval.metric_specs import METRICS
from advisor.eval.runner import RowResult


class Earlier(BaseModel):
    summary: dict[str, Any]
    ok: dict[str, bool]  # row id -> ok; empty when the earlier run kept no results.jsonl


def load_earlier(folder: Path) -> Earlier:
    path = folder / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no summary.json to compare with (give a run folder)") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a JSON summary") from exc
    if not isinstance(summary, dict) or not isinstance(summary.get("metrics"), dict):
        raise InputError(f"{path}: has no 'metrics' object; is it an eval summary?")
    ok: dict[str, bool] = {}
    results = folder / "results.jsonl"
    if results.exists():
        for line in results.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                ok[str(row["id"])] = bool(row.get("ok"))
    return Earlier(summary=summary, ok=ok)


def compare_table(summary: dict[str, Any], earlier: Earlier) -> list[tuple[str, Any, Any, Any]]:
    """(metric, earlier, now, change) for every metric either run has."""
    before, now = earlier.summary["metrics"], summary["metrics"]
    rows = []
    for name in [*METRICS, *[k for k in before if k not in METRICS]]:
        if name not in before and name not in now:
            continue
        a, b = before.get(name), now.get(name)
        change = (
            round(b - a, 4) if isinstance(a, int | float) and isinstance(b, int | float) else None
        )
        rows.append((name, a, b, change))
    return rows


def flipped(results: Sequence[RowResult], earlier: Earlier) -> list[tuple[RowResult, bool]]:
    """Rows whose pass/fail changed, with the earlier verdict."""
    return [
        (r, earlier.ok[r.id]) for r in results if r.id in earlier.ok and earlier.ok[r.id] != r.ok
    ]
