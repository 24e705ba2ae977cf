"""``advisor mcp``: the MCP server, over stdio (default) or streamable HTTP."""

from __future__ import annotations

import typer

from advisor.interfaces.cli.common import engine_option


def register(app: typer.Typer) -> None:
    @app.command()
    def mcp(
        http: bool = typer.Option(False, "--http", help="serve streamable HTTP at /mcp"),
        host: str = typer.Option("127.0.0.1", "--host", help="HTTP address (loopback only)"),
        port: int = typer.Option(8765, "--port", min=0, max=65535, help="HTTP port"),
        engine: str | None = engine_option(),
        user: str = typer.Option(
            "local", "--user", help="stdio: the one user whose documents and profile it uses"
        ),
    ) -> None:
        """Serve the advisor's tools to MCP hosts (Claude Desktop, IDEs, agents). Over
        stdio it acts for --user; over HTTP every request needs a key of
        ADVISOR_API_KEYS, and the key decides the user."""
        import logging

        from advisor.core.errors import InputError
        from advisor.interfaces.api.security import KeyRing, is_loopback
        from advisor.interfaces.cli.common import check_port, make_advisor
        from advisor.users.ids import validate_user_id

        validate_user_id(user)
        if http and not is_loopback(host):
            raise InputError(
                f"refusing to serve MCP on {host}: use --host 127.0.0.1 "
                "(put a TLS proxy in front to share it)"
            )
        advisor = make_advisor(engine=engine)
        keys = KeyRing(advisor.settings.api_keys)
        if http and not keys.enabled:
            raise InputError(
                "MCP over HTTP needs API keys: any local process could act as any user. Set "
                'ADVISOR_API_KEYS=\'{"A-LONG-RANDOM-KEY": "USER_ID"}\' and send '
                "`Authorization: Bearer A-LONG-RANDOM-KEY`, or use stdio (advisor mcp --user ID)"
            )
        if http:
            check_port(host, port)
        logging.basicConfig(level=logging.WARNING)  # stderr: stdout carries the protocol
        from advisor.interfaces.mcp_server import serve

        if http:
            typer.echo(f"advisor MCP server on http://{host}:{port}/mcp (key required)", err=True)
        serve(advisor, http=http, host=host, port=port, user=user, keys=keys)
