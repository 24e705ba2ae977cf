"""``advisor ingest``: the corpus (no path), or files into the library or a user's store."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

FileDone = Callable[[str, int], None]
PageDone = Callable[[str, int, int], None]


@contextmanager
def _bars(n_files: int, quiet: bool) -> Iterator[tuple[FileDone, PageDone | None]]:
    """Rich bars on stderr: one over the files, one over the pages of each long PDF."""
    if quiet or not sys.stderr.isatty():
        yield (lambda _name, _n: None), None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[item]}"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        files = bar.add_task("ingesting", total=n_files, item="") if n_files > 1 else None
        page_tasks: dict[str, TaskID] = {}

        def on_file(name: str, _chunks: int) -> None:
            if name in page_tasks:
                bar.remove_task(page_tasks.pop(name))
            if files is not None:
                bar.update(files, advance=1, item=name)

        def on_page(name: str, done: int, total: int) -> None:
            if name not in page_tasks:
                page_tasks[name] = bar.add_task(f"reading {name}", total=total, item="pages")
            item = "pages, embedding…" if done == total else "pages"
            bar.update(page_tasks[name], completed=done, item=item)

        yield on_file, on_page


def would_prune(advisor: Any, collection: str, files: list[Path]) -> list[str]:
    """The stored documents of ``collection`` that no file named stands for (by its
    name, or the slug a user's file is stored under): what ``--prune`` would delete."""
    from advisor.ingest.loaders import slug

    named = {f.name for f in files} | {slug(f.name) for f in files}
    return sorted(
        row.doc_id for row in advisor.store.manifest.docs(collection) if row.doc_id not in named
    )


def register(app: typer.Typer) -> None:
    @app.command()
    def ingest(
        paths: list[Path] = typer.Argument(None, help="files or folders; none = the corpus"),
        user: str | None = typer.Option(
            None, "--user", "-u", help="ingest into this user's documents"
        ),
        prune: bool = typer.Option(False, "--prune", help="drop stored documents not in PATHS"),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar or summary"),
        yes: bool = typer.Option(False, "--yes", "-y", help="with --prune: do not ask first"),
    ) -> None:
        """Load, clean, split, embed and store documents. Idempotent."""
        from advisor.core.errors import InputError
        from advisor.ingest.corpus import corpus_files
        from advisor.ingest.pipeline import expand, ingest_files
        from advisor.interfaces.cli.common import confirm_destructive, make_advisor
        from advisor.store import LIBRARY
        from advisor.users.ids import user_collection

        advisor = make_advisor()
        if user is not None:
            collection, origin, as_article = user_collection(user), "user", False
            if not paths:
                raise InputError("name the files to add: advisor ingest --user ID FILE ...")
        else:
            collection, origin, as_article = LIBRARY, "library", True
        files = expand(paths) if paths else corpus_files(advisor.settings.corpus_dir)
        if not files:
            raise InputError("no files to ingest in " + ", ".join(map(str, paths or [])))
        missing = [f for f in files if not f.exists()]
        if missing and len(missing) == len(files):
            raise InputError(f"{missing[0]}: no such file or folder")
        if prune:
            doomed = would_prune(advisor, collection, files)
            prune = bool(doomed)  # nothing to prune: nothing to ask, nothing deleted
            if doomed:
                from advisor.worked.base import plural

                whose = f"{user}'s documents" if user is not None else "the library"
                shown = ", ".join(doomed[:5]) + (", ..." if len(doomed) > 5 else "")
                confirm_destructive(
                    f"Delete {plural(len(doomed), 'document')} of {whose} whose file is not among "
                    f"those named ({shown})?",
                    yes=yes,
                )
        with _bars(len(files), quiet) as (on_file, on_page):
            if user is not None:
                from advisor.users.documents import add_documents

                report = add_documents(advisor, user, files, on_file, pages=on_page, prune=prune)
            else:
                from advisor.ingest.loaders import report_pages

                with report_pages(on_page):
                    report = ingest_files(
                        advisor.store,
                        files,
                        collection=collection,
                        origin=origin,
                        as_article=as_article,
                        prune=prune,
                        progress=on_file,
                    )
        for error in report.errors:
            typer.echo(f"error: {error}", err=True)
        if not quiet:
            typer.echo(report.summary())
        if report.errors:
            raise typer.Exit(2)
