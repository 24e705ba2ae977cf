"""``advisor statement --user ID import FILE [FILE...] [--json] [--save-facts]``, ``list``,
``delete NAME`` and ``label TEXT STREAM``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from advisor.users.statements.report import stream_label


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _print_currency(block: dict[str, Any], first: bool) -> None:
    note = "" if first else " (kept apart: amounts in two currencies are never added)"
    typer.echo(
        f"\n{block['currency']}: {block['months_covered']} months covered "
        f"({block['first_date']} to {block['last_date']}), {block['rows']} rows{note}"
    )
    typer.echo("  income per month by stream:")
    width = max([len(n) for n in block["income_per_month"]] + [16])
    for name, stream in block["income_per_month"].items():
        label = stream_label(stream)
        typer.echo(f"    {name:{width}} {_money(stream['per_month']):>12}  {label}")
    if not block["income_per_month"]:
        typer.echo("    (no income found)")
    typer.echo(f"  {'income per month':{width + 2}} {_money(block['income_per_month_total']):>12}")
    share = block["passive_share"]
    shown = "no income" if share is None else f"{share * 100:.1f}% of income"
    typer.echo(f"  {'passive share':{width + 2}} {shown:>12}")
    typer.echo(
        f"  {'monthly surplus':{width + 2}} {_money(block['monthly_surplus']):>12}  "
        f"(money in minus money out; {_money(block['own_transfers_left_out'])} moved between "
        "own accounts left out)"
    )


def _unclassified_hint(report: dict[str, Any], user: str) -> None:
    examples = [
        text
        for block in report["currencies"]
        for text in block["income_per_month"].get("unclassified", {}).get("examples", [])
    ]
    if examples:
        typer.echo(
            f"\nnot classified yet, e.g. {'; '.join(examples[:3])}: say what they are with "
            f'`advisor statement --user {user} label "PAYER TEXT" STREAM`'
        )


def _print(report: dict[str, Any], user: str, saved: bool) -> None:
    dupes = report["duplicates_dropped"]
    typer.echo(
        f"{len(report['files'])} file(s), {report['rows']} rows"
        + (f" ({dupes} duplicate rows of overlapping exports counted once)" if dupes else "")
    )
    for i, block in enumerate(report["currencies"]):
        _print_currency(block, i == 0)
    _unclassified_hint(report, user)
    facts = report["proposed_facts"]
    sources = ", ".join(
        f"{s['name']} {_money(s['monthly_income'])}/month" for s in facts["income_sources"]
    )
    savings = (
        f"; capital = {_money(facts['capital'])} (the accounts' last balances)"
        if "capital" in facts
        else ""
    )
    typer.echo(
        f"\nproposed profile facts ({facts['currency']}): monthly_surplus = "
        f"{_money(facts['monthly_surplus'])}; income_sources = {sources or 'none'}{savings}"
    )
    if saved:
        typer.echo(f"saved to the profile of {user}")
    else:
        typer.echo(f"not saved: add --save-facts to save them to the profile of {user}")


def register(app: typer.Typer) -> None:
    statement_app = typer.Typer(help="Read a user's bank statements: income by stream, surplus.")
    app.add_typer(statement_app, name="statement", no_args_is_help=True)

    @statement_app.callback()
    def main(
        ctx: typer.Context,
        user: str = typer.Option(..., "--user", "-u", help="the user id"),
    ) -> None:
        from advisor.users.ids import validate_user_id

        ctx.obj = validate_user_id(user)

    @statement_app.command("import")
    def import_(
        ctx: typer.Context,
        files: list[Path] = typer.Argument(..., help="CSV, OFX or QFX exports", dir_okay=False),
        json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
        save: bool = typer.Option(False, "--save-facts", help="save the proposed profile facts"),
        currency: str | None = typer.Option(
            None, help="currency of files that do not say (default: the profile's)"
        ),
    ) -> None:
        """Print income per month by stream, the passive share, the monthly surplus and
        the months covered; propose them as profile facts. Each file is kept as one of
        the user's statements (a file of the same name is replaced)."""
        from advisor.core.settings import get_settings
        from advisor.interfaces.cli.common import print_json
        from advisor.users.statements.saved import import_statements

        settings = get_settings()
        report = import_statements(settings, ctx.obj, files, currency=currency, save_facts=save)
        if json_out:
            print_json(report)
            return
        _print(report, ctx.obj, save)

    _register_kept(statement_app)

    @statement_app.command("label")
    def label(
        ctx: typer.Context,
        text: str = typer.Argument(..., help='text of the payer, e.g. "ACME PAYOUT"'),
        stream: str = typer.Argument(
            ..., help="e.g. royalties, rent_received, refund, own_transfer; unclassified forgets"
        ),
    ) -> None:
        """Say what a payer's rows are; remembered for every later import."""
        from advisor.core.settings import get_settings
        from advisor.users.statements.labels import save_label

        labels = save_label(get_settings(), ctx.obj, text, stream)
        action = "forgot" if stream == "unclassified" else f"{stream}:"
        typer.echo(f"{action} rows holding {text!r} ({len(labels)} labels of {ctx.obj} kept)")


def _register_kept(statement_app: typer.Typer) -> None:
    """``list`` and ``delete``: the statements kept for the user."""

    @statement_app.command("list")
    def list_(
        ctx: typer.Context,
        json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """The user's stored statements."""
        from advisor.core.settings import get_settings
        from advisor.interfaces.cli.common import print_json
        from advisor.users.statements.saved import list_statements

        found = list_statements(get_settings(), ctx.obj)
        if json_out:
            print_json({"statements": found})
            return
        for s in found:
            typer.echo(f"{s['name']}  {s['rows']} rows, {s['first_date']} to {s['last_date']}")
        if not found:
            typer.echo(f"no statements stored for {ctx.obj}")

    @statement_app.command("delete")
    def delete(
        ctx: typer.Context,
        name: str = typer.Argument(..., help="a name from `advisor statement list`"),
    ) -> None:
        """Delete a statement and the profile facts saved from it."""
        from advisor.core.settings import get_settings
        from advisor.users.statements.saved import delete_statement

        removed = delete_statement(get_settings(), ctx.obj, name)
        facts = f"; removed from the profile: {', '.join(removed)}" if removed else ""
        typer.echo(f"deleted the statement {name}{facts}")
