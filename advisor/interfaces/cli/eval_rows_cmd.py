"""``advisor eval generate`` and ``advisor eval import-feedback``: dataset rows drafted
from documents or from people's ratings, written for a person to review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from advisor.interfaces.cli.eval_text import progress_bar


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
        from advisor.core.settings import get_settings
        from advisor.eval.generate import draft_rows, write_rows

        with progress_bar(n, 0, quiet, "drafting") as advance:
            drafted = draft_rows(source, n, judge, get_settings(), progress=advance)
        write_rows(out, drafted.rows)
        from advisor.worked.base import plural

        typer.echo(f"wrote {plural(len(drafted.rows), 'row')} to {out} (reviewed: false)")
        if drafted.dropped:
            typer.echo(f"dropped {plural(len(drafted.dropped), 'draft')}:")
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
        from advisor.core.settings import get_settings
        from advisor.eval.from_feedback import import_feedback as rows_from_feedback
        from advisor.eval.generate import write_rows
        from advisor.users.ids import validate_user_id

        for user in users:
            validate_user_id(user)
        rows, skipped = rows_from_feedback(get_settings(), users)
        if not rows:
            from advisor.core.errors import InputError

            raise InputError(f"no rated answer makes a dataset row ({len(skipped)} skipped)")
        write_rows(out, rows)
        down = sum(r["category"] == "feedback_down" for r in rows)
        from advisor.worked.base import plural

        typer.echo(
            f"wrote {plural(len(rows), 'row')} to {out} (reviewed: false; {down} down-voted to fix)"
        )
        for why in skipped:
            typer.echo(f"  skipped {why}")
        typer.echo(
            "review each row: write the right answer for feedback_down rows, check the "
            "references, then set reviewed: true"
        )

    return app


def judge_for(spec: str | None) -> Any:
    if spec is None:
        return None
    from advisor.core.settings import get_settings
    from advisor.eval.judge import Judge

    settings = get_settings()
    return Judge(spec, settings, settings.home / "cache" / "judge")
