"""``advisor docs --user ID list|delete DOC``: a user's own documents."""

from __future__ import annotations

import typer


def _row(doc: object) -> dict[str, object]:
    from datetime import UTC, datetime

    from advisor.store.rows import DocRow

    assert isinstance(doc, DocRow)
    return {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "source": doc.source,
        "kind": doc.kind,
        "chunks": doc.n_chunks,
        "added_at": datetime.fromtimestamp(doc.added_at, UTC).isoformat(timespec="seconds"),
    }


def register(app: typer.Typer) -> None:
    docs = typer.Typer(
        help="List or delete a user's own documents (added with `advisor ingest --user`).",
        no_args_is_help=True,
    )
    app.add_typer(docs, name="docs")

    @docs.callback()
    def _user(
        ctx: typer.Context,
        user: str = typer.Option(..., "--user", "-u", help="whose documents"),
    ) -> None:
        from advisor.users.ids import validate_user_id

        ctx.obj = validate_user_id(user)

    @docs.command("list")
    def list_(
        ctx: typer.Context,
        json_out: bool = typer.Option(False, "--json", help="print a JSON array"),
    ) -> None:
        """The user's documents: id, kind, chunks, when added."""
        from advisor.interfaces.cli.common import make_advisor, print_json
        from advisor.users.documents import list_documents

        user: str = ctx.obj
        rows = [_row(d) for d in list_documents(make_advisor(), user)]
        if json_out:
            print_json(rows)
            return
        if not rows:
            typer.echo(
                f"no documents for {user}: add some with `advisor ingest --user {user} FILE`"
            )
            return
        width = max(len(str(r["doc_id"])) for r in rows)
        for r in rows:
            typer.echo(
                f"{r['doc_id']:<{width}}  {r['kind']:<5} {r['chunks']:>5} chunk(s)  {r['added_at']}"
            )

    @docs.command("delete")
    def delete(
        ctx: typer.Context,
        doc: str = typer.Argument(..., help="document id (see `docs list`) or file name"),
        json_out: bool = typer.Option(False, "--json", help="print a JSON object"),
        yes: bool = typer.Option(False, "--yes", "-y", help="do not ask for confirmation"),
    ) -> None:
        """Delete one document: every chunk and vector of it."""
        from advisor.interfaces.cli.common import confirm_destructive, make_advisor, print_json
        from advisor.users.documents import delete_document

        user: str = ctx.obj
        confirm_destructive(f"Delete {doc} and every chunk of it for {user}?", yes=yes)
        removed = delete_document(make_advisor(), user, doc)
        if json_out:
            print_json({"user": user, "doc": doc, "deleted_chunks": removed})
        else:
            typer.echo(f"deleted {doc} ({removed} chunk(s)) for {user}")
