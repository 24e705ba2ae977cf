"""``advisor suggest``: the streams that fit a profile, with reasons and sources."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def suggest(
        profile: Path | None = typer.Option(
            None, "--profile", "-p", help="a JSON or YAML profile file", dir_okay=False
        ),
        user: str | None = typer.Option(None, "--user", "-u", help="use this user's profile"),
        top: int = typer.Option(5, "--top", min=1, max=50, help="how many streams"),
        json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Rank passive-income streams for a profile, citing the articles."""
        from advisor.cli.common import print_json
        from advisor.errors import InputError
        from advisor.profile import load_profile, read_profile_file
        from advisor.recommender import render
        from advisor.recommender import suggest as rank_streams
        from advisor.settings import get_settings

        if profile is not None:
            chosen = read_profile_file(profile)
        elif user is not None:
            chosen = load_profile(get_settings(), user)
        else:
            raise InputError(
                "give --profile FILE or --user ID (set one with `advisor profile --user ID set "
                "capital 5000`)"
            )
        result = rank_streams(chosen, top=top)
        if json_out:
            print_json(result.model_dump())
            return
        typer.echo(render(result, user=user))
