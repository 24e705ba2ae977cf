"""``advisor eval``: run the reference Q&A through the advisor, score it (with 95%
bootstrap intervals), write a report, compare with an earlier run (paired by row, a
change significant only when its interval excludes zero) and fail under the given
floors or on a significant regression against a baseline run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand

from advisor.interfaces.cli.eval_rows_cmd import judge_for
from advisor.interfaces.cli.eval_text import (
    paired_text,
    progress_bar,
    show,
    table,
    targets_text,
    with_interval,
)

THRESHOLD_FLAGS = ("--fail-under", "--fail-over")


def spread_thresholds(args: Sequence[str]) -> list[str]:
    """``--fail-under a=1 b=2`` as ``--fail-under a=1 --fail-under b=2``.

    ``advisor eval`` takes no positional arguments, so the bare words that follow a
    threshold flag's value, up to the next option, are more values of that flag.
    """
    out: list[str] = []
    flag: str | None = None  # the threshold flag the next bare word belongs to
    awaiting: str | None = None  # a threshold flag whose first value comes next
    for i, arg in enumerate(args):
        if arg == "--":
            out.extend(args[i:])
            break
        if awaiting:
            out.append(arg)
            flag, awaiting = awaiting, None
        elif arg in THRESHOLD_FLAGS:
            out.append(arg)
            awaiting = arg
        elif arg.startswith(tuple(f"{f}=" for f in THRESHOLD_FLAGS)):
            out.append(arg)
            flag = arg.partition("=")[0]
        elif flag and not arg.startswith("-"):
            out.extend([flag, arg])
        else:
            out.append(arg)
            flag = None
    return out


class EvalCommand(TyperCommand):
    """Reads several ``METRIC=VALUE`` after one ``--fail-under`` / ``--fail-over``, and
    hands ``advisor eval generate ...`` and ``advisor eval import-feedback ...`` to
    :mod:`advisor.interfaces.cli.eval_rows_cmd` (``advisor eval`` takes no positional arguments,
    so a leading ``generate`` can only mean that)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from advisor.interfaces.cli.eval_rows_cmd import generate_command, import_feedback_command

        sub = {"generate": generate_command, "import-feedback": import_feedback_command}
        if args[:1] and args[0] in sub:
            command = typer.main.get_command(sub[args[0]]())
            command.main(args[1:], prog_name=f"advisor eval {args[0]}", standalone_mode=False)
            ctx.exit(0)
        return super().parse_args(ctx, spread_thresholds(args))


def _target(
    url: str | None,
    model: str | None,
    key_env: str | None,
    engine: str | None,
    k: int | None,
    timeout: float | None,
) -> tuple[Any, Any]:
    """(what the run asks, the embedder that scores similarity and filler)."""
    from advisor.eval.targets import AdvisorTarget, ChatTarget
    from advisor.interfaces.cli.common import make_advisor

    if url is None:
        advisor = make_advisor(engine=engine)
        return AdvisorTarget(advisor, engine=engine, k=k), advisor.embedder
    from advisor.core.settings import get_settings
    from advisor.embeddings import get_embedder

    chat = ChatTarget(url, model, key_env, timeout=timeout)
    return chat, get_embedder(get_settings().embedding_model)


def register(app: typer.Typer) -> None:
    # Help texts are rich markup, which eats [words]: write a literal [ as "\\[".
    @app.command("eval", cls=EvalCommand)
    def eval_(
        dataset: Path = typer.Option(
            ..., "--dataset", help="reference Q&A, JSON Lines (or CSV, lists as JSON cells)"
        ),
        out: Path | None = typer.Option(
            None, "--out", help="run folder \\[default: evals/runs/<timestamp>]"
        ),
        engine: str | None = typer.Option(None, "--engine", help="grounded | openai:M | ollama:M"),
        k: int | None = typer.Option(None, "--k", min=1, max=50, help="passages per question"),
        compare: Path | None = typer.Option(
            None, "--compare", help="an earlier run folder: the change per metric, paired by row"
        ),
        baseline: Path | None = typer.Option(
            None,
            "--baseline",
            help="a baseline run folder (evals/baseline): also fail on a metric that "
            "regressed significantly against it",
        ),
        junit: Path | None = typer.Option(
            None, "--junit", help="write JUnit XML: a testcase a row and a gated metric"
        ),
        fail_under: list[str] = typer.Option(
            [],
            "--fail-under",
            help="METRIC=VALUE floors: exit 1 when a metric is under its floor; "
            "--fail-under a=0.8 b=0.9 or the flag repeated",
        ),
        fail_over: list[str] = typer.Option(
            [],
            "--fail-over",
            help="METRIC=VALUE ceilings for lower-is-better metrics, given the same ways",
        ),
        gate: Path | None = typer.Option(
            None, "--gate", help="TOML file with \\[floors] and \\[ceilings]; flags override it"
        ),
        split: str = typer.Option(
            "all", "--split", help="dev | test | all: tune on dev, gate on test"
        ),
        targets: list[str] = typer.Option(
            [],
            "--target",
            help="score any OpenAI-compatible chat endpoint (base URL, e.g. "
            "http://localhost:8000/v1) instead of this advisor in process; repeat it to "
            "score several side by side, each paired with the first",
        ),
        target_models: list[str] = typer.Option(
            [],
            "--target-model",
            help="model name to ask \\[default: the first it lists]; once for all targets "
            "or once per --target, in order",
        ),
        target_key_envs: list[str] = typer.Option(
            [],
            "--target-key-env",
            help="environment variable holding the target's API key; once for all "
            "targets or once per --target, in order",
        ),
        workers: int = typer.Option(1, "--workers", min=1, max=64, help="rows asked at once"),
        timeout: float | None = typer.Option(
            None,
            "--timeout",
            min=0.001,
            help="seconds per row; a row past it is recorded as timed out and the run goes on",
        ),
        resume: Path | None = typer.Option(
            None,
            "--resume",
            help="the folder of an interrupted run: ask only the rows it has not finished",
        ),
        judge: str | None = typer.Option(
            None,
            "--judge",
            help="openai:MODEL | ollama:MODEL: add faithfulness, answer_correctness and "
            "context_precision judged by that model (the LLM engine settings apply)",
        ),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
    ) -> None:
        """Score the advisor, or any OpenAI-compatible endpoint, on reference Q&A
        (offline, deterministic metrics). `advisor eval generate --help`: draft rows
        from your own documents; `advisor eval import-feedback --help`: rows from rated
        answers."""
        from advisor.core.errors import InputError
        from advisor.eval import earlier as earlier_runs
        from advisor.eval import gate as gating
        from advisor.eval import (
            interchange,
            multi,
            report,
            runfolder,
            runner,
            stats,
            summary_tables,
        )
        from advisor.eval.dataset import select_split
        from advisor.eval.sources import fingerprint

        n_targets = max(1, len(targets))
        models = multi.per_target(target_models, n_targets, "--target-model")
        key_envs = multi.per_target(target_key_envs, n_targets, "--target-key-env")
        target = targets[0] if targets else None
        target_model, target_key_env = models[0], key_envs[0]
        if len(targets) > 1:
            single_only = (compare, baseline, gate, fail_under, fail_over, junit)
            multi.check_single_only(dict(zip(multi.SINGLE_ONLY, single_only, strict=True)))
        if target and (engine or k):
            raise InputError("--engine and --k choose how this advisor answers: not with --target")
        if resume and out and out.resolve() != resume.resolve():
            raise InputError("--resume writes to the folder it resumes: leave out --out")

        floors, ceilings = gating.load_gate(gate) if gate else ({}, {})
        gate_split = gating.gate_split(gate) if gate else None
        floors.update(gating.parse_thresholds(fail_under))
        ceilings.update(gating.parse_thresholds(fail_over, ceiling=True))
        rows = select_split(interchange.load_any_dataset(dataset), split)
        made_by = fingerprint(dataset)  # before anything answers: the code this run uses
        earlier = earlier_runs.load_earlier(compare) if compare else None
        has_rows = compare is not None and (compare / "results.jsonl").exists()
        earlier_rows = stats.load_rows(compare) if compare and has_rows else None
        baseline_rows = stats.load_rows(baseline) if baseline else None
        folder = resume or out or Path("evals/runs") / datetime.now().strftime("%Y%m%d-%H%M%S")
        if len(targets) > 1:
            built = [
                (*_target(url, model, key, None, None, timeout), url)
                for url, model, key in zip(targets, models, key_envs, strict=True)
            ]
            combined, _ = multi.run_targets(
                built,
                rows,
                folder,
                {"dataset": str(dataset.resolve()), "split": split},
                resume=resume is not None,
                progress=lambda total, done, label: progress_bar(total, done, quiet, label),
                workers=workers,
                timeout=timeout,
                judge=judge_for(judge),
                judge_spec=judge,
                sources=made_by,
                dataset=str(dataset),
            )
            typer.echo(targets_text(combined))
            typer.echo(f"\nwrote {folder / 'summary.json'} and report.html, each target's run in")
            typer.echo(f"{folder / 'target-N'}/ (results.jsonl, summary.json, report.html)")
            return
        asked = {
            "dataset": str(dataset.resolve()),
            "split": split,
            "target": target,
            "target_model": target_model,
            "engine": engine,
            "k": k,
        }
        finished = runfolder.resume_run(folder, asked, rows) if resume else []
        the_judge = judge_for(judge)
        the_target, embedder = _target(target, target_model, target_key_env, engine, k, timeout)
        runfolder.start_run(folder, asked)
        results = runfolder.evaluate_into(
            folder,
            the_target,
            rows,
            embedder,
            finished=finished,
            workers=workers,
            timeout=timeout,
            judge=the_judge,
            judge_spec=judge,
            progress=lambda total, done, label: progress_bar(total, done, quiet, label),
        )
        engine_name = the_target.name
        summary = runner.summarise(results, engine_name, split=split, sources=made_by)
        summary["judge"] = {"model": judge} if judge else None
        if target:
            summary["target"] = {"url": target, "model": getattr(the_target, "model", None)}
        stats.add_intervals(summary, results)
        if earlier_rows is not None:
            summary["compare"] = {
                "against": str(compare),
                "against_engine": earlier.summary.get("engine") if earlier else None,
                **stats.paired(results, earlier_rows),
            }
        comparison = earlier_runs.compare_table(summary, earlier) if earlier else []
        html = report.render(
            summary,
            results,
            comparison=comparison,
            dataset=str(dataset),
            earlier_not_measured=earlier.summary.get("not_measured", []) if earlier else (),
            earlier_rows=earlier_rows,
        )
        runfolder.write_run(folder, results, summary, html)

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
                before_na = earlier.summary.get("not_measured", []) if earlier else []
                now_na = summary.get("not_measured", [])
                lines.append((name, show(a, name, before_na), show(b, name, now_na), delta))
            typer.echo(table(lines))
            if "compare" in summary:
                typer.echo("\n" + paired_text(summary["compare"]))
            flips = earlier_runs.flipped(results, earlier) if earlier else []
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
            head = ("metric", *(title for title, _ in columns))
            names = summary["metrics"]
            shown_rows: list[tuple[str, ...]] = [head]
            for n in names:
                na = summary.get("not_measured", [])
                cells = (
                    with_interval(c.get(n), n, ci, na)
                    for (_, c), ci in zip(columns, cis, strict=True)
                )
                shown_rows.append((n, *cells))
            typer.echo(table(shown_rows))
            typer.echo("[lo, hi]: 95% bootstrap interval")
            if summary.get("not_measured"):
                typer.echo("n/a: not measured (the target returns no citations or decline flag)")
        if not judge:
            from advisor.eval.judge import NOTE

            typer.echo(NOTE)
        typer.echo(f"\nwrote {folder / 'results.jsonl'}, summary.json and report.html")
        checks = gating.gate_checks(summary, floors, ceilings, split=gate_split)
        if baseline_rows is not None:
            regressed = gating.regressions(results, baseline_rows, split=gate_split)
            checks += [(name, regressed.get(name)) for name in gating.GATED]
        failures = [f for _, f in checks if f is not None]
        if junit is not None:
            junit.parent.mkdir(parents=True, exist_ok=True)
            junit.write_text(interchange.junit_xml(results, checks), encoding="utf-8")
            typer.echo(f"wrote {junit}")
        for failure in failures:
            typer.echo(f"FAIL: {failure}", err=True)
        if failures:
            raise typer.Exit(1)
