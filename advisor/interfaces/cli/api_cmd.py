"""``advisor api``: the OpenAI-compatible API alone (no UI)."""

from __future__ import annotations

import typer

from advisor.interfaces.cli.common import engine_option


def register(app: typer.Typer) -> None:
    @app.command()
    def api(
        host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
        port: int = typer.Option(8000, "--port", min=0, max=65535, help="port to listen on"),
        engine: str | None = engine_option(),
    ) -> None:
        """Serve the OpenAI-compatible API (/v1/chat/completions, /v1/models)."""
        from advisor.interfaces.api.security import check_bind
        from advisor.interfaces.cli.common import check_port, make_advisor

        advisor = make_advisor(engine=engine)
        check_bind(host, advisor.settings.api_keys)
        check_port(host, port)

        import uvicorn

        from advisor.interfaces.api.app import create_api

        app_ = create_api(advisor)
        shown = f"[{host}]" if ":" in host else host
        typer.echo(
            f"advisor API on http://{shown}:{port}/v1 (OpenAPI schema: /openapi.json); "
            "loading the model first",
            err=True,
        )
        uvicorn.run(
            app_,
            host=host,
            port=port,
            log_level="warning",
            server_header=False,
            timeout_keep_alive=advisor.settings.server_keep_alive_s,
            timeout_graceful_shutdown=advisor.settings.server_shutdown_s,
        )
