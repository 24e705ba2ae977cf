"""Tables from a summary: the columns the terminal prints (the run and each split, with
their intervals) and the README's baseline table (:func:`update_readme`, which
``python -m advisor.eval.report --readme`` runs)."""

from __future__ import annotations

from typing import Any

from advisor.eval.dataset import SPLITS
from advisor.eval.metric_specs import BY_NAME, METRICS


def _plain(value: Any, name: str) -> str:
    if value is None:
        return "–"
    described = BY_NAME.get(name)
    return described.plain(value) if described is not None else f"{value:.2f}"


def split_columns(summary: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(column title, metrics) for the run and each of its splits."""
    columns = [(f"{summary.get('split', 'all')} ({summary['rows']} rows)", summary["metrics"])]
    for name in SPLITS:
        part = summary.get("by_split", {}).get(name)
        if part is not None and len(summary.get("by_split", {})) > 1:
            columns.append((f"{name} ({part['rows']} rows)", part["metrics"]))
    return columns


def split_intervals(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The intervals of each column of :func:`split_columns`, in the same order."""
    out = [summary.get("intervals") or {}]
    for name in SPLITS:
        part = summary.get("by_split", {}).get(name)
        if part is not None and len(summary.get("by_split", {})) > 1:
            out.append(part.get("intervals") or {})
    return out


README_START = (
    "<!-- eval-baseline-table:start (generated: python -m advisor.eval.report --readme) -->"
)
README_END = "<!-- eval-baseline-table:end -->"


def readme_table(summary: dict[str, Any]) -> str:
    """The Markdown table of a baseline summary: one row a metric, one column a split."""
    parts = [
        (name, summary["by_split"][name]) for name in SPLITS if name in summary.get("by_split", {})
    ]
    if not parts:  # a summary from before splits
        parts = [("all", {"rows": summary["rows"], "metrics": summary["metrics"]})]
    names = [n for n in METRICS if any(p["metrics"].get(n) is not None for _, p in parts)]
    source = summary.get("sources", {}).get("hash", "")
    lines = [
        f"Engine `{summary['engine']}`"
        + "".join(f", {name} {part['rows']} rows" for name, part in parts)
        + (f"; sources `{source[:12]}`" if source else "")
        + ".",
        "",
        "| metric | " + " | ".join(f"{name} ({part['rows']})" for name, part in parts) + " |",
        "| --- |" + " --- |" * len(parts),
    ]
    lines += [
        f"| `{n}` | " + " | ".join(_plain(p["metrics"].get(n), n) for _, p in parts) + " |"
        for n in names
    ]
    return "\n".join(lines)


def update_readme(text: str, summary: dict[str, Any]) -> str:
    """``text`` with the table between the markers replaced by :func:`readme_table`."""
    if text.count(README_START) != 1 or text.count(README_END) != 1:
        raise ValueError(f"the README needs exactly one {README_START} and one {README_END}")
    before, rest = text.split(README_START, 1)
    _, after = rest.split(README_END, 1)
    return f"{before}{README_START}\n{readme_table(summary)}\n{README_END}{after}"
