"""``advisor eval``: run the reference Q&A through the advisor, score it (with 95%
bootstrap intervals), write a report, compare with an earlier run (paired by row, a
change significant only when its interval excludes zero) and fail under the given
floors or on a significant regression against a baseline run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from advisor.answering.engines import engine_help
from advisor.interfaces.cli.eval_rows_cmd import judge_for
from advisor.interfaces.cli.eval_text import print_run, progress_bar, targets_text

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


# The options, one alias each, so the command's signature reads as a list. Help texts are
# rich markup, which eats [words]: write a literal [ as "\\[".
DatasetOpt = Annotated[
    Path,
    typer.Option("--dataset", help="reference Q&A, JSON Lines (or CSV, lists as JSON cells)"),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", help="run folder \\[default: evals/runs/<timestamp>]")
]
EngineOpt = Annotated[str | None, typer.Option("--engine", help=engine_help())]
KOpt = Annotated[int | None, typer.Option("--k", min=1, max=50, help="passages per question")]
CompareOpt = Annotated[
    Path | None,
    typer.Option("--compare", help="an earlier run folder: the change per metric, paired by row"),
]
BaselineOpt = Annotated[
    Path | None,
    typer.Option(
        "--baseline",
        help="a baseline run folder (evals/baseline): also fail on a metric that "
        "regressed significantly against it",
    ),
]
JunitOpt = Annotated[
    Path | None,
    typer.Option("--junit", help="write JUnit XML: a testcase a row and a gated metric"),
]
FailUnderOpt = Annotated[
    list[str],
    typer.Option(
        "--fail-under",
        help="METRIC=VALUE floors: exit 1 when a metric is under its floor; "
        "--fail-under a=0.8 b=0.9 or the flag repeated",
    ),
]
FailOverOpt = Annotated[
    list[str],
    typer.Option(
        "--fail-over", help="METRIC=VALUE ceilings for lower-is-better metrics, given the same ways"
    ),
]
GateOpt = Annotated[
    Path | None,
    typer.Option("--gate", help="TOML file with \\[floors] and \\[ceilings]; flags override it"),
]
SplitOpt = Annotated[
    str, typer.Option("--split", help="dev | test | all: tune on dev, gate on test")
]
TargetsOpt = Annotated[
    list[str],
    typer.Option(
        "--target",
        help="score any OpenAI-compatible chat endpoint (base URL, e.g. "
        "http://localhost:8000/v1) instead of this advisor in process; repeat it to "
        "score several side by side, each paired with the first",
    ),
]
TargetModelsOpt = Annotated[
    list[str],
    typer.Option(
        "--target-model",
        help="model name to ask \\[default: the first it lists]; once for all targets "
        "or once per --target, in order",
    ),
]
TargetKeysOpt = Annotated[
    list[str],
    typer.Option(
        "--target-key-env",
        help="environment variable holding the target's API key; once for all "
        "targets or once per --target, in order",
    ),
]
WorkersOpt = Annotated[int, typer.Option("--workers", min=1, max=64, help="rows asked at once")]
TimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        min=0.001,
        help="seconds per row; a row past it is recorded as timed out and the run goes on",
    ),
]
ResumeOpt = Annotated[
    Path | None,
    typer.Option(
        "--resume", help="the folder of an interrupted run: ask only the rows it has not finished"
    ),
]
JudgeOpt = Annotated[
    str | None,
    typer.Option(
        "--judge",
        help="openai:MODEL | ollama:MODEL: add faithfulness, answer_correctness and "
        "context_precision judged by that model (the LLM engine settings apply)",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")]


def register(app: typer.Typer) -> None:
    @app.command("eval", cls=EvalCommand)
    def eval_(
        dataset: DatasetOpt,
        out: OutOpt = None,
        engine: EngineOpt = None,
        k: KOpt = None,
        compare: CompareOpt = None,
        baseline: BaselineOpt = None,
        junit: JunitOpt = None,
        fail_under: FailUnderOpt = [],  # noqa: B006 (typer reads the default, never mutates it)
        fail_over: FailOverOpt = [],  # noqa: B006
        gate: GateOpt = None,
        split: SplitOpt = "all",
        targets: TargetsOpt = [],  # noqa: B006
        target_models: TargetModelsOpt = [],  # noqa: B006
        target_key_envs: TargetKeysOpt = [],  # noqa: B006
        workers: WorkersOpt = 1,
        timeout: TimeoutOpt = None,
        resume: ResumeOpt = None,
        judge: JudgeOpt = None,
        quiet: QuietOpt = False,
    ) -> None:
        """Score the advisor, or any OpenAI-compatible endpoint, on reference Q&A
        (offline, deterministic metrics). `advisor eval generate --help`: draft rows
        from your own documents; `advisor eval import-feedback --help`: rows from rated
        answers."""
        from advisor.core.errors import InputError
        from advisor.eval import gate as gating
        from advisor.eval import interchange, multi, stats
        from advisor.eval.dataset import select_split
        from advisor.eval.sources import fingerprint

        n_targets = max(1, len(targets))
        models = multi.per_target(target_models, n_targets, "--target-model")
        key_envs = multi.per_target(target_key_envs, n_targets, "--target-key-env")
        if len(targets) > 1:
            single_only = (compare, baseline, gate, fail_under, fail_over, junit)
            multi.check_single_only(dict(zip(multi.SINGLE_ONLY, single_only, strict=True)))
        if targets and (engine or k):
            raise InputError("--engine and --k choose how this advisor answers: not with --target")
        if resume and out and out.resolve() != resume.resolve():
            raise InputError("--resume writes to the folder it resumes: leave out --out")

        floors, ceilings = gating.load_gate(gate) if gate else ({}, {})
        floors.update(gating.parse_thresholds(fail_under))
        ceilings.update(gating.parse_thresholds(fail_over, ceiling=True))
        rows = select_split(interchange.load_any_dataset(dataset), split)
        made_by = fingerprint(dataset)  # before anything answers: the code this run uses
        baseline_rows = stats.load_rows(baseline) if baseline else None
        folder = resume or out or Path("evals/runs") / datetime.now().strftime("%Y%m%d-%H%M%S")
        bar = lambda total, done, label: progress_bar(total, done, quiet, label)  # noqa: E731
        if len(targets) > 1:
            described = {"dataset": str(dataset.resolve()), "split": split}
            how: dict[str, Any] = dict(workers=workers, timeout=timeout, judge=judge, progress=bar)
            how["sources"], how["dataset"] = made_by, str(dataset)  # as given, for the report
            _run_several(targets, models, key_envs, rows, folder, described, resume, how)
            return
        target = targets[0] if targets else None
        asked: dict[str, Any] = {
            "dataset": str(dataset.resolve()),
            "split": split,
            "target": target,
            "target_model": models[0],
            "engine": engine,
            "k": k,
        }
        the_target, embedder = _target(target, models[0], key_envs[0], engine, k, timeout)
        results, summary, earlier, comparison = _run_one(
            folder, asked, rows, the_target, embedder, compare, resume is not None,
            dict(workers=workers, timeout=timeout, judge=judge, progress=bar, sources=made_by),
        )  # fmt: skip
        print_run(results, summary, earlier, comparison, judge)
        typer.echo(f"\nwrote {folder / 'results.jsonl'}, summary.json and report.html")
        _gate(results, summary, floors, ceilings, gate, baseline_rows, junit)


def _run_several(
    targets: list[str],
    models: list[str | None],
    key_envs: list[str | None],
    rows: list[Any],
    folder: Path,
    described: dict[str, Any],
    resume: Path | None,
    how: dict[str, Any],
) -> None:
    """Several ``--target`` in one run, side by side, each paired with the first."""
    from advisor.eval import multi

    built = [
        (*_target(url, model, key, None, None, how["timeout"]), url)
        for url, model, key in zip(targets, models, key_envs, strict=True)
    ]
    combined, _ = multi.run_targets(
        built, rows, folder, described, resume=resume is not None, progress=how["progress"],
        workers=how["workers"], timeout=how["timeout"], judge=judge_for(how["judge"]),
        judge_spec=how["judge"], sources=how["sources"], dataset=how["dataset"],
    )  # fmt: skip
    typer.echo(targets_text(combined))
    typer.echo(f"\nwrote {folder / 'summary.json'} and report.html, each target's run in")
    typer.echo(f"{folder / 'target-N'}/ (results.jsonl, summary.json, report.html)")


def _run_one(
    folder: Path,
    asked: dict[str, Any],
    rows: list[Any],
    the_target: Any,
    embedder: Any,
    compare: Path | None,
    resume: bool,
    how: dict[str, Any],
) -> tuple[list[Any], dict[str, Any], Any, list[Any]]:
    """Ask, score and write one target's run: (results, summary, the earlier run or None,
    the change per metric against it)."""
    from advisor.eval import earlier as earlier_runs
    from advisor.eval import runfolder, stats
    from advisor.eval.one_run import Against, RunSettings, run_one
    from advisor.eval.targets import AdvisorTarget

    if isinstance(the_target, AdvisorTarget):  # how the library it answers from was split
        settings = the_target.advisor.settings
        asked["chunking"] = {"size": settings.chunk_size, "overlap": settings.chunk_overlap}
    earlier = earlier_runs.load_earlier(compare) if compare else None
    has_rows = compare is not None and (compare / "results.jsonl").exists()
    earlier_rows = stats.load_rows(compare) if compare and has_rows else None
    finished = runfolder.resume_run(folder, asked, rows) if resume else []
    against = None
    if compare is not None:
        engine = earlier.summary.get("engine") if earlier else None
        against = Against(str(compare), engine, earlier_rows, earlier)
    judge = how["judge"]
    run_settings = RunSettings(
        folder, asked, embedder, how["progress"], finished=finished, workers=how["workers"],
        timeout=how["timeout"], judge=judge_for(judge), judge_spec=judge,
        sources=how["sources"], dataset=asked["dataset"], url=asked["target"], against=against,
    )  # fmt: skip
    done = run_one(the_target, rows, run_settings)
    return done.results, done.summary, earlier, done.comparison


def _gate(
    results: list[Any],
    summary: dict[str, Any],
    floors: dict[str, float],
    ceilings: dict[str, float],
    gate: Path | None,
    baseline_rows: dict[str, dict[str, Any]] | None,
    junit: Path | None,
) -> None:
    """Floors, ceilings and significant regressions against a baseline: each failure on
    stderr and exit 1; the checks as JUnit XML when asked."""
    from advisor.eval import gate as gating
    from advisor.eval import interchange

    gate_split = gating.gate_split(gate) if gate else None
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
