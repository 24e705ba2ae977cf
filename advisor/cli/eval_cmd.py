"""``advisor eval``: run the reference Q&A through the advisor, score it (with 95%
bootstrap intervals), write a report, compare with an earlier run (paired by row, a
change significant only when its interval excludes zero) and fail under the given
floors or on a significant regression against a baseline run."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand

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
    hands ``advisor eval generate ...`` to :func:`generate_command` and ``advisor eval
    import-feedback ...`` to :func:`import_feedback_command` (``advisor eval`` takes no
    positional arguments, so a leading ``generate`` can only mean that)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        sub = {"generate": generate_command, "import-feedback": import_feedback_command}
        if args[:1] and args[0] in sub:
            command = typer.main.get_command(sub[args[0]]())
            command.main(args[1:], prog_name=f"advisor eval {args[0]}", standalone_mode=False)
            ctx.exit(0)
        return super().parse_args(ctx, spread_thresholds(args))


def generate_command() -> typer.Typer:
    """``advisor eval generate``: draft reference rows from your documents."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.command()
    def generate(
        source: Path = typer.Option(..., "--from", help="a document or a folder of them"),
        n: int = typer.Option(..., "--n", min=1, max=1000, help="rows to draft"),
        judge: str = typer.Option(
            ..., "--judge", help="openai:MODEL | ollama:MODEL: the model that drafts"
        ),
        out: Path = typer.Option(
            Path("evals/drafted.jsonl"), "--out", help="where to write the drafted rows"
        ),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
    ) -> None:
        """Draft question, reference and reference_contexts rows from documents with a
        model; every quote is checked against the source text; rows are written with
        reviewed: false for a person to check."""
        from advisor.eval.generate import draft_rows, write_rows
        from advisor.settings import get_settings

        with _progress(n, 0, quiet, "drafting") as advance:
            drafted = draft_rows(source, n, judge, get_settings(), progress=advance)
        write_rows(out, drafted.rows)
        typer.echo(f"wrote {len(drafted.rows)} rows to {out} (reviewed: false)")
        if drafted.dropped:
            typer.echo(f"dropped {len(drafted.dropped)} drafts:")
            for why in drafted.dropped:
                typer.echo(f"  {why}")
        if len(drafted.rows) < n:
            typer.echo(f"only {len(drafted.rows)} of {n}: the documents ran out of passages")
        typer.echo("review each row (question, reference, quotes), then set reviewed: true")

    return app


def import_feedback_command() -> typer.Typer:
    """``advisor eval import-feedback``: rated answers as dataset rows to review."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.command()
    def import_feedback(
        users: list[str] = typer.Option(
            [], "--user", help="whose ratings (repeat it); everyone who rated when left out"
        ),
        out: Path = typer.Option(
            Path("evals/feedback.jsonl"), "--out", help="where to write the rows"
        ),
    ) -> None:
        """Turn thumbs up/down on answers (the chat, POST /v1/feedback) into dataset rows
        with reviewed: false: an up-vote drafts its answer as the reference, a down-vote
        is a feedback_down row to fix."""
        from advisor.eval.from_feedback import import_feedback as rows_from_feedback
        from advisor.eval.generate import write_rows
        from advisor.settings import get_settings
        from advisor.users import validate_user_id

        for user in users:
            validate_user_id(user)
        rows, skipped = rows_from_feedback(get_settings(), users)
        if not rows:
            from advisor.errors import InputError

            raise InputError(f"no rated answer makes a dataset row ({len(skipped)} skipped)")
        write_rows(out, rows)
        down = sum(r["category"] == "feedback_down" for r in rows)
        typer.echo(f"wrote {len(rows)} rows to {out} (reviewed: false; {down} down-voted to fix)")
        for why in skipped:
            typer.echo(f"  skipped {why}")
        typer.echo(
            "review each row: write the right answer for feedback_down rows, check the "
            "references, then set reviewed: true"
        )

    return app


def _show(value: Any, name: str, na: Sequence[str] = ()) -> str:
    """A value for the terminal; "n/a" for a metric the target could not measure."""
    if value is None:
        return "n/a" if name in na else "–"
    if name.startswith("latency"):
        return f"{value:.0f} ms"
    if name == "answer_words":
        return f"{value:.0f}"
    return f"{value:.3f}"


def _with_interval(value: Any, name: str, intervals: dict[str, Any], na: Sequence[str]) -> str:
    from advisor.eval.report import interval_text

    ci = interval_text(intervals.get(name), name) if value is not None else ""
    return f"{_show(value, name)} {ci}" if ci else _show(value, name, na)


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


def _paired_text(paired: dict[str, Any]) -> str:
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
    text = _table(lines) + f"\n* significant: the interval excludes zero\nrows: {counts}"
    for d in paired["rows"]:
        parts = [f"+{', '.join(d['improved'])}" if d["improved"] else ""]
        parts.append(f"-{', '.join(d['regressed'])}" if d["regressed"] else "")
        text += f"\n  {d['id']} ({d['category']}) {d['verdict']}: {' '.join(p for p in parts if p)}"
    return text


def _target(
    url: str | None,
    model: str | None,
    key_env: str | None,
    engine: str | None,
    k: int | None,
    timeout: float | None,
) -> tuple[Any, Any]:
    """(what the run asks, the embedder that scores similarity and filler)."""
    from advisor.cli.common import make_advisor
    from advisor.eval.targets import AdvisorTarget, ChatTarget

    if url is None:
        advisor = make_advisor(engine=engine)
        return AdvisorTarget(advisor, engine=engine, k=k), advisor.embedder
    from advisor.embeddings import get_embedder
    from advisor.settings import get_settings

    chat = ChatTarget(url, model, key_env, timeout=timeout)
    return chat, get_embedder(get_settings().embedding_model)


def _judge(spec: str | None) -> Any:
    if spec is None:
        return None
    from advisor.eval.judge import Judge
    from advisor.settings import get_settings

    settings = get_settings()
    return Judge(spec, settings, settings.home / "cache" / "judge")


@contextmanager
def _progress(total: int, done: int, quiet: bool, label: str) -> Iterator[Callable[[str], None]]:
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
        target: str | None = typer.Option(
            None,
            "--target",
            help="score any OpenAI-compatible chat endpoint (base URL, e.g. "
            "http://localhost:8000/v1) instead of this advisor in process",
        ),
        target_model: str | None = typer.Option(
            None, "--target-model", help="model name to ask \\[default: the first it lists]"
        ),
        target_key_env: str | None = typer.Option(
            None, "--target-key-env", help="environment variable holding the target's API key"
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
        from advisor.errors import InputError
        from advisor.eval import gate as gating
        from advisor.eval import interchange, report, runner, stats
        from advisor.eval.dataset import select_split
        from advisor.eval.sources import fingerprint

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
        earlier = runner.load_earlier(compare) if compare else None
        has_rows = compare is not None and (compare / "results.jsonl").exists()
        earlier_rows = stats.load_rows(compare) if compare and has_rows else None
        baseline_rows = stats.load_rows(baseline) if baseline else None
        folder = resume or out or Path("evals/runs") / datetime.now().strftime("%Y%m%d-%H%M%S")
        asked = {
            "dataset": str(dataset.resolve()),
            "split": split,
            "target": target,
            "target_model": target_model,
            "engine": engine,
            "k": k,
        }
        finished = runner.resume_run(folder, asked, rows) if resume else []
        the_judge = _judge(judge)
        the_target, embedder = _target(target, target_model, target_key_env, engine, k, timeout)
        runner.start_run(folder, asked)
        journal = runner.Journal(folder, finished)
        try:
            with _progress(len(rows), len(finished), quiet, "evaluating") as advance:
                results = runner.run_target(
                    the_target,
                    rows,
                    embedder,
                    workers=workers,
                    timeout=timeout,
                    finished=finished,
                    on_result=journal,
                    progress=advance,
                )
        finally:
            journal.close()
        if the_judge is not None:
            from advisor.eval.judge import judge_rows, wants_judging

            n = sum(wants_judging(r) for r in results)
            with _progress(n, 0, quiet, f"judging ({judge})") as advance:
                judge_rows(the_judge, results, workers=workers, progress=advance)
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
        comparison = runner.compare_table(summary, earlier) if earlier else []
        html = report.render(
            summary,
            results,
            comparison=comparison,
            dataset=str(dataset),
            earlier_not_measured=earlier.summary.get("not_measured", []) if earlier else (),
            earlier_rows=earlier_rows,
        )
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
                before_na = earlier.summary.get("not_measured", []) if earlier else []
                now_na = summary.get("not_measured", [])
                lines.append((name, _show(a, name, before_na), _show(b, name, now_na), delta))
            typer.echo(_table(lines))
            if "compare" in summary:
                typer.echo("\n" + _paired_text(summary["compare"]))
            flips = runner.flipped(results, earlier) if earlier else []
            if flips:
                typer.echo(f"\n{len(flips)} rows flipped:")
                for r, before in flips:
                    change = "ok → failed" if before else "failed → ok"
                    typer.echo(f"  {r.id} ({r.category}) {change}: {r.user_input}")
            else:
                typer.echo("\nno rows flipped")
        else:
            columns = report.split_columns(summary)
            cis = report.split_intervals(summary)
            head = ("metric", *(title for title, _ in columns))
            names = summary["metrics"]
            table: list[tuple[str, ...]] = [head]
            for n in names:
                na = summary.get("not_measured", [])
                cells = (
                    _with_interval(c.get(n), n, ci, na)
                    for (_, c), ci in zip(columns, cis, strict=True)
                )
                table.append((n, *cells))
            typer.echo(_table(table))
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
