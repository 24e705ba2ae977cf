"""The ``advisor`` command. Each command lives in its own module,
``advisor/interfaces/cli/NAME_cmd.py``, and imports its heavy libraries inside the
function, so ``advisor --help`` starts fast."""

from __future__ import annotations

import sys

import typer

from advisor.core.errors import AdvisorError
from advisor.core.offline import offline_defaults

app = typer.Typer(
    name="advisor",
    help="A grounded, offline advisor on passive and active income.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    names = ("ingest", "ask", "calc", "suggest", "profile", "statement", "docs", "users", "eval")
    for name in (*names, "serve", "api", "mcp"):
        try:
            module = __import__(f"advisor.interfaces.cli.{name}_cmd", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != f"advisor.interfaces.cli.{name}_cmd":
                raise
            continue
        module.register(app)
    _unwrap_help()


def _unwrap_help() -> None:
    """Command docstrings are wrapped for the source; help shows each paragraph as one
    line for the terminal to flow (rich keeps a docstring's single newlines)."""
    import inspect

    for info in app.registered_commands:
        doc = info.help if isinstance(info.help, str) else None
        if doc is None and callable(info.callback):
            doc = inspect.getdoc(info.callback)
        if doc:
            info.help = "\n\n".join(" ".join(p.split()) for p in doc.split("\n\n"))


def usage_error_line(exc: Exception) -> str | None:
    """A usage error as one line (click prints usage, a hint and the error on four),
    still naming the usage and where help is; None when it is not a usage error."""
    ctx = getattr(exc, "ctx", None)
    format_message = getattr(exc, "format_message", None)
    if getattr(exc, "exit_code", None) != 2 or format_message is None:
        return None
    if type(exc).__name__ == "NoArgsIsHelpError":  # its message is the whole help
        return None
    message = " ".join(str(format_message()).split()).rstrip(".")
    if ctx is None:
        return f"error: {message}"
    return f"error: {message}. {ctx.get_usage()} (see {ctx.command_path} --help)"


def run(argv: list[str] | None = None) -> None:
    offline_defaults()
    _register()
    try:
        code = app(args=argv, prog_name="advisor", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except AdvisorError as exc:
        typer.echo(f"error: {exc.for_terminal()}", err=True)
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
            line = usage_error_line(exc)
            if line is None:
                exc.show()  # e.g. a command group run bare: its help
            else:
                typer.echo(line, err=True)
            sys.exit(getattr(exc, "exit_code", 2))
        if isinstance(exc, click.exceptions.Abort | typer.Abort):
            sys.exit(1)
        raise


if __name__ == "__main__":
    run()
