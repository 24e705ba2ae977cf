"""``advisor eval``: run the reference Q&A through the advisor, score it, write a
report, compare with an earlier run and fail under the given floors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import typer


def _show(value: Any, name: str) -> str:
    if value is None:
        return "–"
    if name.startswith("latency"):
        return f"{value:.0f} ms"
    return f"{value:.3f}"


def _table(rows: Sequence[tuple[str, ...]]) -> str:
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


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_(
        dataset: Path = typer.Option(..., "--dataset", help="reference Q&A, JSON Lines"),
        out: Path | None = typer.Option(None, "--out", help="run folder [evals/runs/<timestamp>]"),
        engine: str | None = typer.Option(None, "--engine", help="grounded | openai:M | ollama:M"),
        k: int | None = typer.Option(None, "--k", min=1, max=50, help="passages per question"),
        compare: Path | None = typer.Option(None, "--compare", help="an earlier run folder"),
        fail_under: list[str] = typer.Option(
            [], "--fail-under", help="METRIC=VALUE floor; exit 1 when under (repeatable)"
        ),
        fail_over: list[str] = typer.Option(
            [], "--fail-over", help="METRIC=VALUE ceiling for lower-is-better metrics"
        ),
        gate: Path | None = typer.Option(
            None, "--gate", help="TOML file with [floors] and [ceilings]; flags override it"
        ),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
    ) -> None:
        """Score the advisor on reference Q&A (offline, deterministic metrics)."""
        from advisor.cli.common import make_advisor, progress_bar
        from advisor.eval import gate as gating
        from advisor.eval import report, runner
        from advisor.eval.dataset import load_dataset

        rows = load_dataset(dataset)
        floors, ceilings = gating.load_gate(gate) if gate else ({}, {})
        floors.update(gating.parse_thresholds(fail_under))
        ceilings.update(gating.parse_thresholds(fail_over, ceiling=True))
        earlier = runner.load_earlier(compare) if compare else None
        folder = out or Path("evals/runs") / datetime.now().strftime("%Y%m%d-%H%M%S")

        advisor = make_advisor(engine=engine)
        engine_name = advisor.engine(engine).name
        with progress_bar(len(rows), "evaluating", quiet) as advance:
            results = runner.run_rows(advisor, rows, engine=engine, k=k, progress=advance)
        summary = runner.summarise(results, engine_name)
        comparison = runner.compare_table(summary, earlier) if earlier else []
        html = report.render(summary, results, comparison=comparison, dataset=str(dataset))
        runner.write_run(folder, results, summary, html)

        failed = sum(not r.ok for r in results)
        typer.echo(f"{len(results)} rows, engine {engine_name}, {failed} rows failed")
        if comparison:
            lines = [("metric", "earlier", "now", "change")]
            for name, a, b, change in comparison:
                delta = (
                    "–"
                    if change is None
                    else f"{change:+.1f}"
                    if "latency" in name
                    else f"{change:+.3f}"
                )
                lines.append((name, _show(a, name), _show(b, name), delta))
            typer.echo(_table(lines))
            flips = runner.flipped(results, earlier) if earlier else []
            if flips:
                typer.echo(f"\n{len(flips)} rows flipped:")
                for r, before in flips:
                    change = "ok → failed" if before else "failed → ok"
                    typer.echo(f"  {r.id} ({r.category}) {change}: {r.user_input}")
            else:
                typer.echo("\nno rows flipped")
        else:
            metrics = summary["metrics"]
            typer.echo(
                _table([("metric", "value")] + [(n, _show(v, n)) for n, v in metrics.items()])
            )
        typer.echo(f"\nwrote {folder / 'results.jsonl'}, summary.json and report.html")
        failures = gating.gate_failures(summary, floors, ceilings)
        for failure in failures:
            typer.echo(f"FAIL: {failure}", err=True)
        if failures:
            raise typer.Exit(1)
