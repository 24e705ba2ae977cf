"""Helpers the commands share: the advisor object and progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from advisor.answering.service import Advisor


def engine_option() -> Any:
    """``--engine SPEC``, its help listing the registered engines (one place for every
    command that takes it)."""
    from advisor.answering.engines import engine_help

    return typer.Option(None, "--engine", help=engine_help())


def make_advisor(home: Path | None = None, engine: str | None = None) -> Advisor:
    from advisor.answering.service import Advisor
    from advisor.core.settings import Settings, get_settings

    settings = get_settings()
    overrides: dict[str, Any] = {}
    if home is not None:
        overrides["home"] = home
    if engine is not None:
        overrides["engine"] = engine
    if overrides:
        settings = Settings(**{**settings.model_dump(), **overrides})
    return Advisor(settings)


def preload(advisor: Advisor) -> None:
    """Load the embedding model in a thread while this one imports the store's
    libraries: a first ``advisor ask`` overlaps the two slowest start-up steps."""
    import threading

    from advisor.embeddings import get_embedder

    spec = advisor.settings.embedding_model
    loader = threading.Thread(target=get_embedder, args=(spec,), daemon=True)
    loader.start()
    import chromadb  # noqa: F401  (answering reads Chroma directly; LangChain only writes)

    loader.join()


def check_port(host: str, port: int) -> None:
    """Refuse in one line (exit 2) when ``host:port`` cannot be listened on, before the
    server starts (uvicorn would print a traceback line and exit 3)."""
    import socket

    from advisor.core.errors import InputError

    if port == 0:
        return
    bare = host.strip("[]")
    family = socket.AF_INET6 if ":" in bare else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            sock.bind((bare, port))
        except OSError as exc:
            why = exc.strerror or str(exc)
            raise InputError(
                f"cannot listen on {host}:{port}: {why.lower()} (another server is running "
                "there? stop it or choose another --port)"
            ) from None


def confirm_destructive(question: str, *, yes: bool, flag: str = "--yes") -> None:
    """Ask before deleting: ``--yes`` skips the question; without a terminal to ask on
    the command is refused (exit 2) rather than taken as a yes; a "no" changes nothing
    (exit 1)."""
    from advisor.core.errors import InputError

    if yes:
        return
    if not sys.stdin.isatty():
        raise InputError(f"nothing deleted: no terminal to confirm on; add {flag} to proceed")
    if not typer.confirm(question, default=False):
        typer.echo("nothing deleted", err=True)
        raise typer.Exit(1)


def print_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2))


@contextmanager
def progress_bar(total: int, label: str, quiet: bool = False) -> Iterator[Callable[[str], None]]:
    """A rich progress bar on a terminal; silent when piped or --quiet."""
    if quiet or not sys.stderr.isatty() or total <= 1:
        yield lambda _name: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[item]}"),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total, item="")

        def advance(name: str) -> None:
            bar.update(task, advance=1, item=name)

        yield advance
