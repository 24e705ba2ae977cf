"""``advisor suggest``: the streams that fit a profile, with reasons and sources."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from advisor.core.formats import fit

if TYPE_CHECKING:
    from advisor.recommender import Suggestions


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
        from advisor.core.errors import InputError
        from advisor.core.settings import get_settings
        from advisor.interfaces.cli.common import print_json
        from advisor.recommender import suggest as rank_streams
        from advisor.users.profile_store import load_profile, read_profile_file

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


def render(result: Suggestions, *, user: str | None = None) -> str:
    """The full text report ``advisor suggest`` prints; its hint names the command that
    sets a missing fact (the chat, UI and API word their own)."""
    lines: list[str] = []
    if result.first_step:
        lines += [result.first_step, ""]
    if not result.suggestions:
        lines.append(result.disclaimer)
    for i, s in enumerate(result.suggestions, start=1):
        lines.append(f"{i}. {s.name}  (fit {fit(s.score)}/100)")
        lines.extend(f"   - {r}" for r in s.reasons)
        lines.append("   Sources:")
        lines.extend(f"     “{c.text}” ({c.source})" for c in s.citations)
        lines.append("   First steps:")
        lines.extend(f"     {n}. {step}" for n, step in enumerate(s.first_steps, start=1))
        lines.append("")
    if result.missing:
        lines.append(_missing_line(result.missing, user))
    if result.suggestions:
        lines.append(result.disclaimer)
    return "\n".join(lines).strip()


_EXAMPLES = {
    "emergency_fund": "6000",
    "monthly_expenses": "2000",
    "high_interest_debt": "0",
    "capital": "5000",
    "hours_per_week": "5",
    "risk_tolerance": "medium",
    "skills": '"writing, teaching"',
    "monthly_surplus": "300",
    "goal_monthly_income": "1000",
    "horizon_years": "10",
}


def _missing_line(missing: Sequence[str], user: str | None) -> str:
    who = user or "ID"
    from advisor.users.profile import field_list

    first = missing[0]
    return (
        f"Knowing your {field_list(missing)} could change these suggestions: set them with "
        f"`advisor profile --user {who} set {first} {_EXAMPLES[first]}`."
    )
