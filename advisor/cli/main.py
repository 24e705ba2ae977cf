"""The ``advisor`` command. Each command lives in its own module and imports its
heavy libraries inside the function, so ``advisor --help`` starts fast."""

from __future__ import annotations

import os
import sys

import typer

from advisor.errors import AdvisorError

app = typer.Typer(
    name="advisor",
    help="A grounded, offline advisor on passive and active income.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    from advisor.cli import ask, ingest

    for module in (ingest, ask):
        module.register(app)
    for name in ("calc", "suggest", "profile", "docs", "users", "eval", "serve", "api", "mcp"):
        try:
            module = __import__(f"advisor.cli.{name}_cmd", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != f"advisor.cli.{name}_cmd":
                raise
            continue
        module.register(app)


def run(argv: list[str] | None = None) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    _register()
    try:
        code = app(args=argv, standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except AdvisorError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors arrive here with standalone_mode=False
        import click

        # typer >= 0.20 vendors click: its usage errors derive from typer.TyperException
        if isinstance(exc, click.exceptions.ClickException | typer.TyperException) and hasattr(
            exc, "show"
        ):
            exc.show()
            sys.exit(getattr(exc, "exit_code", 2))
        if isinstance(exc, click.exceptions.Abort | typer.Abort):
            sys.exit(1)
        raise


if __name__ == "__main__":
    run()
