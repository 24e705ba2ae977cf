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

        advisor = make_advisor()
        rows = []
        for user in list_users(advisor):
            docs = list_documents(advisor, user)
            rows.append(
                {
                    "user": user,
                    "documents": len(docs),
                    "chunks": sum(d.n_chunks for d in docs),
                    "profile": has_profile(advisor.settings, user),
                }
            )
        if json_out:
            print_json(rows)
            return
        if not rows:
            typer.echo("no users yet")
        for r in rows:
            profile = "profile" if r["profile"] else "no profile"
            typer.echo(
                f"{r['user']}  {r['documents']} document(s), {r['chunks']} chunk(s), {profile}"
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
