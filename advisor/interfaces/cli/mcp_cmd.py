"""``advisor mcp``: the MCP server, over stdio (default) or streamable HTTP."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def mcp(
        http: bool = typer.Option(False, "--http", help="serve streamable HTTP at /mcp"),
        host: str = typer.Option("127.0.0.1", "--host", help="HTTP address (loopback only)"),
        port: int = typer.Option(8765, "--port", min=0, max=65535, help="HTTP port"),
        engine: str | None = typer.Option(None, "--engine", help="grounded | openai:M | ollama:M"),
    ) -> None:
        """Serve the advisor's tools to MCP hosts (Claude Desktop, IDEs, agents)."""
        import logging

        from advisor.core.errors import InputError
        from advisor.interfaces.api.security import is_loopback
        from advisor.interfaces.cli.common import make_advisor

        if http and not is_loopback(host):
            raise InputError(
                f"refusing to serve MCP on {host}: the MCP server has no authentication; "
                "use --host 127.0.0.1 (put an authenticating proxy in front to share it)"
            )
        logging.basicConfig(level=logging.WARNING)  # stderr: stdout carries the protocol
        from advisor.interfaces.mcp_server import serve

        advisor = make_advisor(engine=engine)
        if http:
            typer.echo(f"advisor MCP server on http://{host}:{port}/mcp", err=True)
        serve(advisor, http=http, host=host, port=port)
