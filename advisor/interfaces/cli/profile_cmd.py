"""``advisor profile --user ID set FIELD VALUE | show | import FILE``."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def number(value: float) -> str:
    """4000.0 -> 4,000; 2.5 -> 2.5; 1234567.0 -> 1,234,567 (never 1.23457e+06)."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _show(profile: object, user: str) -> None:
    from advisor.recommender.calculators import passivity
    from advisor.users.profile import Profile, missing_fields
    from advisor.worked.base import money

    assert isinstance(profile, Profile)
    width = max(len(name) for name in Profile.model_fields) + 1
    for name in Profile.model_fields:
        if name == "income_sources":
            continue
        value = getattr(profile, name)
        if isinstance(value, list):
            value = ", ".join(value)
        elif isinstance(value, float):
            value = number(value)
        typer.echo(f"{name:{width}} {'unknown' if value in (None, '') else value}")
    for src in profile.income_sources:
        hours = "unknown" if src.hours_per_month is None else number(src.hours_per_month)
        label = ""
        if src.hours_per_month is not None and src.monthly_income:
            rated = passivity(src.hours_per_month, src.monthly_income, employment=src.employment)
            label = f" -> {rated.label} ({rated.hours_per_100:.2f} h per 100)"
        typer.echo(
            f"{'income source':{width}} {src.name}: {hours} h/month, "
            f"{money(src.monthly_income or 0, profile.currency)} a month{label}"
        )
    missing = missing_fields(profile)
    if missing:
        typer.echo(
            f"\nnot known yet: {', '.join(missing)} "
            f"(`advisor profile --user {user} set {missing[0]} VALUE`)"
        )


def register(app: typer.Typer) -> None:
    profile_app = typer.Typer(help="Show or change a user's profile (used by `advisor suggest`).")
    app.add_typer(profile_app, name="profile", no_args_is_help=True)

    @profile_app.callback()
    def main(
        ctx: typer.Context,
        user: str = typer.Option(..., "--user", "-u", help="the user id"),
    ) -> None:
        from advisor.users.ids import validate_user_id

        ctx.obj = validate_user_id(user)

    # "-5" must reach the parser (which explains it) instead of being read as an option.
    @profile_app.command("set", context_settings={"ignore_unknown_options": True})
    def set_(
        ctx: typer.Context,
        field: str = typer.Argument(..., help="e.g. capital, hours_per_week, skills"),
        value: str = typer.Argument(..., help='e.g. 5000, "$5k", "writing, teaching", unknown'),
    ) -> None:
        """Set one field; `unknown` clears it."""
        from advisor.core.settings import get_settings
        from advisor.users.profile import canonical_field, set_field
        from advisor.users.profile_store import load_profile, save_profile

        settings = get_settings()
        updated = set_field(load_profile(settings, ctx.obj), field, value)
        save_profile(settings, ctx.obj, updated)
        name = canonical_field(field)
        shown = json.dumps(updated.model_dump(mode="json")[name], ensure_ascii=False)
        typer.echo(f"{name} = {shown}")

    @profile_app.command("show")
    def show(
        ctx: typer.Context,
        json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Print the saved profile (unknown fields included)."""
        from advisor.core.settings import get_settings
        from advisor.interfaces.cli.common import print_json
        from advisor.users.profile_store import load_profile

        profile = load_profile(get_settings(), ctx.obj)
        if json_out:
            print_json(profile.model_dump(mode="json"))
            return
        _show(profile, ctx.obj)

    @profile_app.command("import")
    def import_(
        ctx: typer.Context,
        file: Path = typer.Argument(..., help="a JSON or YAML profile", dir_okay=False),
    ) -> None:
        """Replace the profile with the one in FILE."""
        from advisor.core.settings import get_settings
        from advisor.users.profile_store import read_profile_file, save_profile

        profile = read_profile_file(file)
        save_profile(get_settings(), ctx.obj, profile)
        typer.echo(f"imported the profile of {ctx.obj} from {file.name}")
        _show(profile, ctx.obj)
