"""``advisor serve``: the chat UI and the ``/v1`` API in one process."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from advisor.interfaces.cli.common import engine_option

if TYPE_CHECKING:
    import fastapi

    from advisor.answering.service import Advisor


def create_app(advisor: Advisor, auth: list[tuple[str, str]] | None = None) -> fastapi.FastAPI:
    """The API app (a bare FastAPI if the API module is unavailable) with the UI at ``/``."""
    from advisor.interfaces.ui.app import mount_ui

    try:
        from advisor.interfaces.api.app import create_api
    except ImportError:
        import fastapi

        app = fastapi.FastAPI(title="Passive-income advisor")
    else:
        # with logins, an anonymous /v1 caller is no one: it may read, never write
        app = create_api(advisor, anonymous_writes=not auth)
    return mount_ui(app, advisor, auth=auth)


def check_exposure(host: str, credentials: list[tuple[str, str]]) -> None:
    """Beyond this machine the UI needs logins (else everyone shares the local user's
    documents) and the /v1 API needs its keys, as ``advisor api`` does."""
    from advisor.core.errors import InputError
    from advisor.core.settings import get_settings
    from advisor.interfaces.api.security import check_bind, is_loopback

    if not is_loopback(host) and not credentials:
        raise InputError(
            f"refusing to listen on {host} without logins: everyone who can reach it would "
            "share one user's documents and profile. Add --auth USER:PASS or --users-file "
            "FILE, or listen on --host 127.0.0.1"
        )
    check_bind(host, get_settings().api_keys)


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
        port: int = typer.Option(7860, "--port", min=1, max=65535, help="port to listen on"),
        auth: list[str] = typer.Option(  # noqa: B008 - typer reads the default
            [], "--auth", help="USER:PASS for a login (repeatable); none = one local user"
        ),
        users_file: Path | None = typer.Option(
            None, "--users-file", help="file of USER:PASS lines, one login each"
        ),
        engine: str | None = engine_option(),
    ) -> None:
        """Serve the chat UI (and the /v1 API) at http://HOST:PORT/."""
        from advisor.core.errors import MissingExtraError
        from advisor.interfaces.cli.common import check_port, make_advisor
        from advisor.interfaces.ui.auth import load_credentials

        credentials = load_credentials(auth, users_file)
        check_exposure(host, credentials)
        check_port(host, port)
        try:
            import gradio  # noqa: F401
            import uvicorn
        except ImportError as exc:
            raise MissingExtraError(exc.name or "gradio", "ui,api") from exc
        advisor = make_advisor(engine=engine)
        typer.echo("Loading the embedding model and the store…")
        advisor.warm()  # so the first question is not the slow one
        server_app = create_app(advisor, credentials or None)
        who = f"{len(credentials)} login(s)" if credentials else "one local user, no login"
        typer.echo(f"Serving the advisor on http://{host}:{port}/ ({who}); Ctrl-C to stop.")
        uvicorn.run(
            server_app,
            host=host,
            port=port,
            log_level="warning",
            timeout_keep_alive=advisor.settings.server_keep_alive_s,
            timeout_graceful_shutdown=advisor.settings.server_shutdown_s,
        )
