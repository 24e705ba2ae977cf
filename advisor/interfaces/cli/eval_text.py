"""How ``advisor eval`` prints its results on the terminal: values ("n/a" where a
target could not measure them) with their intervals, aligned tables, the paired
comparison, and with several ``--target`` one column a target."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer


def show(value: Any, name: str, na: Sequence[str] = ()) -> str:
    """A value for the terminal; "n/a" for a metric the target could not measure."""
    if value is None:
        return "n/a" if name in na else "–"
    from advisor.eval.metric_specs import metric

    described = metric(name)
    return described.precise(value) if described is not None else f"{value:.3f}"


def with_interval(value: Any, name: str, intervals: dict[str, Any], na: Sequence[str]) -> str:
    from advisor.eval.report_cells import interval_text

    ci = interval_text(intervals.get(name), name) if value is not None else ""
    return f"{show(value, name)} {ci}" if ci else show(value, name, na)


def table(rows: Sequence[tuple[str, ...]]) -> str:
    """Plain aligned columns: the first left-aligned, numbers right-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def paired_text(paired: dict[str, Any]) -> str:
    """The paired comparison as the terminal shows it."""
    lines = [("paired by row", "pairs", "mean change", "95% interval", "verdict")]
    for name, item in paired["metrics"].items():
        if item["mean_diff"] is None:
            lines.append((name, "0", "–", "", item["change"]))
            continue
        lo, hi = item["interval"]
        lines.append(
            (
                name,
                str(item["pairs"]),
                f"{item['mean_diff']:+.3f}",
                f"[{lo:+.3f}, {hi:+.3f}]",
                item["change"] + (" *" if item["significant"] else ""),
            )
        )
    counts = ", ".join(f"{n} {v}" for v, n in paired["row_counts"].items())
    text = table(lines) + f"\n* significant: the interval excludes zero\nrows: {counts}"
    for d in paired["rows"]:
        parts = [f"+{', '.join(d['improved'])}" if d["improved"] else ""]
        parts.append(f"-{', '.join(d['regressed'])}" if d["regressed"] else "")
        text += f"\n  {d['id']} ({d['category']}) {d['verdict']}: {' '.join(p for p in parts if p)}"
    return text


def targets_text(combined: dict[str, Any]) -> str:
    """Several targets side by side: one column a target (value and interval, "n/a"
    where it could not measure), then each later target paired with the first."""
    targets = combined["targets"]
    head = ("metric", *(f"{i + 1}. {t['name']}" for i, t in enumerate(targets)))
    names = list(dict.fromkeys(n for t in targets for n in t["metrics"]))
    lines: list[tuple[str, ...]] = [head]
    for n in names:
        cells = (
            with_interval(t["metrics"].get(n), n, t.get("intervals") or {}, t["not_measured"])
            for t in targets
        )
        lines.append((n, *cells))
    text = table(lines) + "\n[lo, hi]: 95% bootstrap interval"
    if any(t["not_measured"] for t in targets):
        text += "\nn/a: not measured (the target returns no citations or decline flag)"
    for i, t in enumerate(targets):
        text += f"\n{i + 1}. {t['folder']}: {t['failed']} of {t['rows']} rows failed"
    for t in targets[1:]:
        if t.get("compare"):
            text += f"\n\n{t['name']} against {targets[0]['name']}:\n"
            text += paired_text(t["compare"])
    return text


@contextmanager
def progress_bar(total: int, done: int, quiet: bool, label: str) -> Iterator[Callable[[str], None]]:
    """A rich progress bar with the time left, on a terminal; silent when piped or -q."""
    if quiet or not sys.stderr.isatty() or total <= 1:
        yield lambda _name: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn())
    times = (TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
    item = TextColumn("{task.fields[item]}")
    console = Console(stderr=True)  # stdout carries the results table
    with Progress(*columns, *times, item, transient=True, console=console) as bar:
        task = bar.add_task(label, total=total, completed=done, item="")
        yield lambda name: bar.update(task, advance=1, item=name)


def print_run(
    results: list[Any],
    summary: dict[str, Any],
    earlier: Any,
    comparison: list[Any],
    judge: str | None,
) -> None:
    """The terminal's account of a run: the change against an earlier run and the rows
    that flipped, or each split's figures with their intervals."""
    from advisor.eval import earlier as earlier_runs
    from advisor.eval import summary_tables

    failed = sum(not r.ok for r in results)
    typer.echo(f"{len(results)} rows, engine {summary['engine']}, {failed} rows failed")
    if comparison:
        lines = [("metric", "earlier", "now", "change")]
        before_na = earlier.summary.get("not_measured", [])
        now_na = summary.get("not_measured", [])
        for name, a, b, change in comparison:
            delta = (
                "–"
                if change is None
                else f"{change:+.1f}"
                if "latency" in name
                else f"{change:+.3f}"
            )
            lines.append((name, show(a, name, before_na), show(b, name, now_na), delta))
        typer.echo(table(lines))
        if "compare" in summary:
            typer.echo("\n" + paired_text(summary["compare"]))
        flips = earlier_runs.flipped(results, earlier)
        if flips:
            typer.echo(f"\n{len(flips)} rows flipped:")
            for r, before in flips:
                change = "ok → failed" if before else "failed → ok"
                typer.echo(f"  {r.id} ({r.category}) {change}: {r.user_input}")
        else:
            typer.echo("\nno rows flipped")
    else:
        columns = summary_tables.split_columns(summary)
        cis = summary_tables.split_intervals(summary)
        shown_rows: list[tuple[str, ...]] = [("metric", *(title for title, _ in columns))]
        na = summary.get("not_measured", [])
        for n in summary["metrics"]:
            cells = (
                with_interval(c.get(n), n, ci, na) for (_, c), ci in zip(columns, cis, strict=True)
            )
            shown_rows.append((n, *cells))
        typer.echo(table(shown_rows))
        typer.echo("[lo, hi]: 95% bootstrap interval")
        if na:
            typer.echo("n/a: not measured (the target returns no citations or decline flag)")
    if not judge:
        from advisor.eval.judge import NOTE

        typer.echo(NOTE)
