"""``advisor ask`` (one answer) and ``advisor chat`` (a conversation in the terminal)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import typer

from advisor.interfaces.cli.common import engine_option

if TYPE_CHECKING:
    from advisor.core.answers import Answer


def _render(answer: Answer, *, show_text: bool = True) -> None:
    if show_text:
        typer.echo(answer.answer)
    from advisor.answering.answer_text import SOURCES_HEADING, cited, source_line

    shown = cited(answer)
    if shown:
        typer.echo(f"\n{SOURCES_HEADING}")
        for c in shown:
            typer.echo(source_line(c, bullet="  "))
    for w in answer.warnings:
        typer.echo(f"warning: {w}", err=True)


def _keep_facts(
    advisor: Any,
    answer: Any,
    user: str | None,
    save: bool,
    quiet: bool = False,
    hint: str | None = None,
) -> bool:
    """Save the facts the question stated when the person asked to; else say how
    (``hint``: what saves them where the person is; default: `advisor ask`'s option)."""
    facts = answer.profile_facts
    if not facts:
        return False
    if save and user:
        from advisor.users.profile_store import save_facts

        save_facts(advisor.settings, user, facts)
        if not quiet:
            typer.echo(f"Saved these facts to the profile of {user}.")
        return True
    if not quiet:
        how = "--save-facts" if user else "--user ID --save-facts"
        hint = hint or f"ask again with {how} to keep these facts in your profile"
        typer.echo(f"(Not saved: {hint}.)")
    return False


def _chat_hint(user: str | None) -> str:
    """What saves facts from a chat that cannot ask (its input is piped) or has no user."""
    who = user or "ID"
    where = "a piped chat cannot ask" if user else "a chat without --user has no profile"
    return (
        f"{where}; run `advisor chat --user {who}` in a terminal to be asked, or "
        f"`advisor ask --user {who} --save-facts QUESTION`, or "
        f"`advisor profile --user {who} set FIELD VALUE`"
    )


def register(app: typer.Typer) -> None:
    @app.command()
    def ask(
        question: str = typer.Argument(..., help="your question"),
        json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
        k: int | None = typer.Option(None, "--k", min=1, max=50, help="passages to retrieve"),
        user: str | None = typer.Option(None, "--user", "-u", help="also use this user's data"),
        engine: str | None = engine_option(),
        save_facts: bool = typer.Option(
            False, "--save-facts", help="save facts stated in the question to --user's profile"
        ),
    ) -> None:
        """Answer one question, with numbered citations."""
        from advisor.core.errors import InputError
        from advisor.interfaces.cli.common import make_advisor, preload, print_json

        if save_facts and not user:
            raise InputError("--save-facts needs --user ID: whose profile should keep them?")
        advisor = make_advisor(engine=engine)
        preload(advisor)
        if json_out:
            answer = advisor.ask(question, user=user, k=k)
            answer.profile_saved = _keep_facts(advisor, answer, user, save_facts, quiet=True)
            print_json(answer.public())
            return
        from advisor.interfaces.cli.tables import aligned

        events = advisor.stream(question, user=user, k=k)
        for piece in events:
            typer.echo(aligned(piece), nl=False)
        typer.echo("")
        final = events.answer()
        _render(final, show_text=False)
        _keep_facts(advisor, final, user, save_facts)

    @app.command()
    def chat(
        user: str | None = typer.Option(None, "--user", "-u", help="also use this user's data"),
        k: int | None = typer.Option(None, "--k", min=1, max=50),
        engine: str | None = engine_option(),
    ) -> None:
        """A conversation in the terminal; follow-up questions keep their context."""
        from advisor.core.answers import Turn
        from advisor.core.errors import AdvisorError
        from advisor.interfaces.cli.common import make_advisor
        from advisor.interfaces.cli.tables import aligned

        advisor = make_advisor(engine=engine)
        history: list[Turn] = []
        typer.echo("Ask about passive and active income. Empty line or Ctrl-D to quit.")
        while True:
            try:
                question = input("\nyou> ")
            except EOFError:
                break
            if not question.strip():
                break
            try:
                typer.echo("advisor> ", nl=False)
                events = advisor.stream(question, history=history, user=user, k=k)
                for piece in events:
                    typer.echo(aligned(piece), nl=False)
                typer.echo("")
                final = events.answer()
            except AdvisorError as exc:
                typer.echo(f"error: {exc.for_terminal()}", err=True)
                continue
            _render(final, show_text=False)
            if final.profile_facts and user and sys.stdin.isatty():
                keep = typer.confirm("Save these facts to your profile?", default=False)
                _keep_facts(advisor, final, user, keep)
            elif final.profile_facts:
                _keep_facts(advisor, final, user, False, hint=_chat_hint(user))
            history += [
                Turn(role="user", content=question),
                Turn(role="assistant", content=final.answer),
            ]
