"""``advisor ingest``: the corpus (no path), or files into the library or a user's store."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def ingest(
        paths: list[Path] = typer.Argument(None, help="files or folders; none = the corpus"),
        user: str | None = typer.Option(
            None, "--user", "-u", help="ingest into this user's documents"
        ),
        prune: bool = typer.Option(False, "--prune", help="drop stored documents not in PATHS"),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar or summary"),
    ) -> None:
        """Load, clean, split, embed and store documents. Idempotent."""
        from advisor.cli.common import make_advisor, progress_bar
        from advisor.errors import InputError
        from advisor.ingest import expand, ingest_files
        from advisor.store import LIBRARY
        from advisor.users import user_collection

        advisor = make_advisor()
        if user is not None:
            collection, origin, as_article = user_collection(user), "user", False
            if not paths:
                raise InputError("name the files to add: advisor ingest --user ID FILE ...")
        else:
            collection, origin, as_article = LIBRARY, "library", True
        files = expand(paths or [advisor.settings.corpus_dir])
        if not files:
            raise InputError("no files to ingest in " + ", ".join(map(str, paths or [])))
        missing = [f for f in files if not f.exists()]
        if missing and len(missing) == len(files):
            raise InputError(f"{missing[0]}: no such file or folder")
        with progress_bar(len(files), "ingesting", quiet) as advance:
            report = ingest_files(
                advisor.store,
                files,
                collection=collection,
                origin=origin,
                as_article=as_article,
                prune=prune,
                progress=lambda name, _n: advance(name),
            )
        for error in report.errors:
            typer.echo(f"error: {error}", err=True)
        if not quiet:
            typer.echo(report.summary())
        if report.errors:
            raise typer.Exit(2)
