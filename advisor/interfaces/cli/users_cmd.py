"""``advisor users list|delete ID``: the people whose data the advisor keeps."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    users = typer.Typer(help="List users, or delete everything stored for one.")
    app.add_typer(users, name="users", no_args_is_help=True)

    @users.command("list")
    def list_(json_out: bool = typer.Option(False, "--json", help="print a JSON array")) -> None:
        """Users with stored data: documents, chunks, whether a profile is saved."""
        from advisor.interfaces.cli.common import make_advisor, print_json
        from advisor.users.documents import list_documents, list_users
        from advisor.users.profile_store import has_profile
        from advisor.worked.base import plural

        advisor = make_advisor()
        rows: list[dict[str, object]] = []
        cells: list[tuple[str, str, str, str, str, str]] = []
        for user in list_users(advisor):
            held = list_documents(advisor, user)
            chunks = sum(d.n_chunks for d in held)
            profile = has_profile(advisor.settings, user)
            rows.append(
                {"user": user, "documents": len(held), "chunks": chunks, "profile": profile}
            )
            docs_n, docs_word = plural(len(held), "document").split(" ", 1)
            chunks_n, chunks_word = plural(chunks, "chunk").split(" ", 1)
            saved = "profile" if profile else "no profile"
            cells.append((user, docs_n, docs_word, chunks_n, chunks_word, saved))
        if json_out:
            print_json(rows)
            return
        if not rows:
            typer.echo("no users yet")
            return
        w = [max(len(c[i]) for c in cells) for i in range(5)]
        for who, dn, dw, cn, cw, saved in cells:
            typer.echo(
                f"{who:<{w[0]}}  {dn:>{w[1]}} {dw:<{w[2]}}  {cn:>{w[3]}} {cw:<{w[4]}}  {saved}"
            )

    @users.command("delete")
    def delete(
        user: str = typer.Argument(..., help="the user id"),
        yes: bool = typer.Option(False, "--yes", "-y", help="do not ask for confirmation"),
    ) -> None:
        """Delete everything of a user: documents, chunks, vectors, profile, history."""
        from advisor.interfaces.cli.common import confirm_destructive, make_advisor
        from advisor.users.documents import delete_user
        from advisor.users.ids import validate_user_id

        validate_user_id(user)
        confirm_destructive(f"Delete every document, the profile and history of {user}?", yes=yes)
        delete_user(make_advisor(), user)
        typer.echo(f"deleted user {user}: documents, chunks, profile and history")
