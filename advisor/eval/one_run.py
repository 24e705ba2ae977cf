"""One target's run into its folder, the same for ``advisor eval`` and for each target of
several (:mod:`advisor.eval.multi`): ask and score the rows (journalled, so ``--resume``
goes on), judge them, summarise with intervals, pair them with what the run is compared
against, and write ``results.jsonl``, ``summary.json`` and ``report.html``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.eval import report, runfolder, stats
from advisor.eval.runner import RowResult, summarise

if TYPE_CHECKING:
    from advisor.eval.dataset import Row
    from advisor.eval.earlier import Earlier
    from advisor.eval.targets import Target


@dataclass
class Against:
    """What a run is paired with, row by row: an earlier run (``--compare``) or the first
    of several targets. ``earlier``: the earlier run's summary, for the change table."""

    path: str
    engine: str | None
    rows: dict[str, dict[str, Any]] | None
    earlier: Earlier | None = None


@dataclass
class RunSettings:
    """How one target's run is made and where it goes. ``asked``: what ``run.json``
    records (dataset, split, target, engine, k, ...), which ``--resume`` checks;
    ``url``: the ``--target`` endpoint, recorded in the summary."""

    folder: Path
    asked: dict[str, Any]
    embedder: Any
    progress: runfolder.Progress
    finished: Sequence[RowResult] = ()
    workers: int = 1
    timeout: float | None = None
    judge: Any = None
    judge_spec: str | None = None
    sources: dict[str, Any] | None = None
    dataset: str = ""
    label: str = "evaluating"
    url: str | None = None
    against: Against | None = None


@dataclass
class OneRun:
    results: list[RowResult]
    summary: dict[str, Any]
    comparison: list[tuple[str, Any, Any, Any]] = field(default_factory=list)


def run_one(target: Target, rows: Sequence[Row], settings: RunSettings) -> OneRun:
    """Ask, score, summarise and write one target's run (see the module's docstring)."""
    from advisor.eval import earlier as earlier_runs

    s = settings
    runfolder.start_run(s.folder, s.asked)
    results = runfolder.evaluate_into(
        s.folder, target, rows, s.embedder, finished=s.finished, workers=s.workers,
        timeout=s.timeout, judge=s.judge, judge_spec=s.judge_spec, progress=s.progress,
        label=s.label,
    )  # fmt: skip
    split = str(s.asked.get("split", "all"))
    summary = summarise(results, target.name, split=split, sources=s.sources)
    summary["judge"] = {"model": s.judge_spec} if s.judge_spec else None
    if s.url:
        summary["target"] = {"url": s.url, "model": getattr(target, "model", None)}
    stats.add_intervals(summary, results)
    against = s.against
    if against is not None and against.rows is not None:
        summary["compare"] = {
            "against": against.path,
            "against_engine": against.engine,
            **stats.paired(results, against.rows),
        }
    earlier = against.earlier if against is not None else None
    comparison = earlier_runs.compare_table(summary, earlier) if earlier else []
    html = report.render(
        summary,
        results,
        comparison=comparison,
        dataset=s.dataset,
        earlier_not_measured=earlier.summary.get("not_measured", []) if earlier else (),
        earlier_rows=against.rows if against is not None else None,
    )
    runfolder.write_run(s.folder, results, summary, html)
    return OneRun(results, summary, comparison)
