"""One ``advisor eval`` over several ``--target`` endpoints: each asked the same rows, its
own run in a sub-folder (``target-1``, ``target-2``, ...: ``results.jsonl``,
``summary.json``, ``report.html``, ``run.json``, so ``--resume`` goes on per target),
every later target paired row by row with the first (:func:`advisor.eval.stats.paired`),
and one ``summary.json`` and ``report.html`` in the run folder showing them side by side.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.core.errors import InputError
from advisor.eval import runfolder
from advisor.eval.one_run import Against, RunSettings, run_one
from advisor.eval.report_targets import render_targets
from advisor.eval.runner import RowResult

if TYPE_CHECKING:
    from advisor.embeddings import Embedder
    from advisor.eval.targets import Target

Progress = runfolder.Progress
# What a run over one target can do that a run over several cannot.
SINGLE_ONLY = ("--compare", "--baseline", "--gate", "--fail-under", "--fail-over", "--junit")


def per_target(values: Sequence[str], n: int, flag: str) -> list[str | None]:
    """``--target-model`` / ``--target-key-env`` for each of ``n`` targets: none given,
    the default for each; given once, the same for all; else once per ``--target`` in
    the same order (an empty value: that target's default)."""
    if not values:
        return [None] * n
    if len(values) == 1:
        return [values[0] or None] * n
    if len(values) != n:
        raise InputError(
            f"{flag} given {len(values)} times for {n} targets: "
            "give it once for all of them or once per --target, in the same order"
        )
    return [v or None for v in values]


def check_single_only(given: dict[str, Any]) -> None:
    """Gating and comparing with an earlier run take one target."""
    used = [flag for flag in SINGLE_ONLY if given.get(flag)]
    if used:
        raise InputError(
            f"{', '.join(used)}: with several --target each is compared with the first; "
            "run one target at a time to gate or compare with an earlier run"
        )


def folder_of(folder: Path, i: int) -> Path:
    return folder / f"target-{i + 1}"


def run_targets(
    targets: Sequence[tuple[Target, Embedder, str]],
    rows: Sequence[Any],
    folder: Path,
    asked: dict[str, Any],
    *,
    resume: bool,
    progress: Progress,
    workers: int = 1,
    timeout: float | None = None,
    judge: Any = None,
    judge_spec: str | None = None,
    sources: dict[str, Any] | None = None,
    dataset: str = "",
) -> tuple[dict[str, Any], list[list[RowResult]]]:
    """Run every ``(target, embedder, url)`` on ``rows`` into its sub-folder of
    ``folder``, then write the side-by-side ``summary.json`` and ``report.html``.
    ``asked`` (dataset, split) is what every run records for ``--resume``; resuming
    checks the run folder asked the same targets, then each target keeps its finished
    rows (a target the interrupted run never reached starts afresh)."""
    top = {**asked, "targets": [[url, getattr(t, "model", None)] for t, _, url in targets]}
    if resume:
        runfolder.resume_run(folder, top, rows)  # the same targets, in the same order
    runfolder.start_run(folder, top)
    split = str(asked.get("split", "all"))
    summaries: list[dict[str, Any]] = []
    all_results: list[list[RowResult]] = []
    first_rows: dict[str, dict[str, Any]] = {}
    for i, (target, embedder, url) in enumerate(targets):
        sub = folder_of(folder, i)
        sub_asked = {**asked, "target": url, "target_model": getattr(target, "model", None)}
        sub_asked.update(engine=None, k=None)
        started = resume and (sub / runfolder.RUN_FILE).exists()
        finished = runfolder.resume_run(sub, sub_asked, rows) if started else []
        against = None
        if i > 0:
            against = Against(str(folder_of(folder, 0)), summaries[0]["engine"], first_rows)
        settings = RunSettings(
            sub, sub_asked, embedder, progress, finished=finished, workers=workers,
            timeout=timeout, judge=judge, judge_spec=judge_spec, sources=sources,
            dataset=dataset, label=f"evaluating {target.name}", url=url, against=against,
        )  # fmt: skip
        done = run_one(target, rows, settings)
        results, summary = done.results, done.summary
        if i == 0:
            first_rows = {r.id: r.model_dump(mode="json") for r in results}
        summaries.append(summary)
        all_results.append(results)
    combined = side_by_side(summaries, all_results, folder, split=split, sources=sources)
    combined["judge"] = {"model": judge_spec} if judge_spec else None
    runfolder.write_summary(
        folder,
        json.dumps(combined, indent=2, ensure_ascii=False) + "\n",
        render_targets(combined, dataset=dataset),
    )
    return combined, all_results


def side_by_side(
    summaries: Sequence[dict[str, Any]],
    results: Sequence[Sequence[RowResult]],
    folder: Path,
    *,
    split: str = "all",
    sources: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The run folder's ``summary.json``: per target its name, URL, model, sub-folder,
    metrics with intervals, what it could not measure, its failed rows and (every target
    after the first) its paired comparison with the first."""
    targets = []
    for i, (summary, rows) in enumerate(zip(summaries, results, strict=True)):
        entry: dict[str, Any] = {
            "name": summary["engine"],
            **summary["target"],
            "folder": folder_of(folder, i).name,
            "rows": summary["rows"],
            "failed": sum(not r.ok for r in rows),
            "metrics": summary["metrics"],
            "intervals": summary.get("intervals", {}),
            "not_measured": summary.get("not_measured", []),
        }
        if "compare" in summary:
            entry["compare"] = summary["compare"]
        targets.append(entry)
    out: dict[str, Any] = {
        "rows": summaries[0]["rows"] if summaries else 0,
        "split": split,
        "targets": targets,
    }
    if sources is not None:
        out["sources"] = sources
    return out
