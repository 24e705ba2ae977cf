"""``advisor calc capital|months|passivity``: the calculators, from the terminal.

Rates are typed as percents a year (``4`` or ``4%``); amounts accept ``5000``,
``5,000`` or ``$5k``. Errors name the options people typed, never the calculators'
argument names; every ``--json`` carries the assumptions behind its numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import typer

T = TypeVar("T")

# The calculators' argument names, as the options that set them.
_OPTIONS = {
    "goal_monthly_income": "--goal",
    "monthly_income": "--income",
    "annual_yield": "--yield",
    "monthly_contribution": "--contribution",
    "start_capital": "--start",
    "annual_growth": "--growth",
    "annual_inflation": "--inflation",
    "hours_per_month": "--hours",
    "max_months": "--max-months",
}


def _run(fn: Callable[..., T], *args: Any, renames: dict[str, str] | None = None, **kw: Any) -> T:
    """Call a calculator; its errors name the command's options instead of arguments."""
    from advisor.core.errors import InputError

    try:
        return fn(*args, **kw)
    except InputError as exc:
        names = {**_OPTIONS, **(renames or {})}
        words = re.sub(
            r"\b(" + "|".join(sorted(names, key=len, reverse=True)) + r")\b",
            lambda m: names[m.group(1)],
            str(exc),
        )
        words = re.sub(r"a fraction[^()]*\(0\.04 means 4%\)", "a percent a year", words)
        raise InputError(words) from None


def _echo_lines(title: str, lines: list[str]) -> None:
    typer.echo(title)
    for line in lines:
        typer.echo(f"  - {line}")


def _percent(option: str, text: str, *, positive: bool) -> float:
    from advisor.core.errors import InputError

    raw = text.strip().removesuffix("%").strip()
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a percent (try 4 or 4%)") from None
    if value < 0 or (positive and value == 0) or value != value:
        raise InputError(f"{option} must be {'above' if positive else 'at least'} 0% a year")
    if value > 100:
        raise InputError(f"{option} is a percent a year; {text} is over 100%")
    return value / 100


def _amount(option: str, text: str) -> float:
    from advisor.core.errors import InputError
    from advisor.users.profile import parse_amount

    value = parse_amount(option, text)
    if value is None:
        raise InputError(f"{option} needs a number")
    return value


def _cents(value: float) -> float:
    return round(value, 2)


def _point(point: dict[str, float]) -> dict[str, float]:
    """A projection point with its amounts rounded to the cent."""
    return {
        "month": point["month"],
        "capital": _cents(point["capital"]),
        "monthly_income": _cents(point["monthly_income"]),
    }


def register(app: typer.Typer) -> None:
    calc = typer.Typer(help="Capital needed, months to a goal, and how passive a source is.")
    app.add_typer(calc, name="calc", no_args_is_help=True)
    _capital_command(calc)
    _months_command(calc)
    _passivity_command(calc)


def _capital_command(calc: typer.Typer) -> None:
    @calc.command("capital")
    def capital(
        income: str = typer.Option(..., "--income", help="monthly income wanted, e.g. 2000"),
        yield_: str = typer.Option(..., "--yield", help="percent a year, e.g. 4"),
        json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Capital that pays a monthly income at a yearly yield (income x 12 / yield)."""
        from advisor.interfaces.cli.common import print_json
        from advisor.recommender.calculators import capital_needed, yield_warnings

        monthly = _amount("--income", income)
        rate = _percent("--yield", yield_, positive=True)
        needed = _run(capital_needed, monthly, rate)
        assumptions = [
            "capital = monthly income x 12 / yield, before taxes and fees",
            "the yield stays the same every year and the capital is never spent",
            *yield_warnings(rate),
        ]
        if json_out:
            print_json(
                {
                    "monthly_income": monthly,
                    "annual_yield": rate,
                    "capital": needed,
                    "assumptions": assumptions,
                }
            )
            return
        typer.echo(
            f"{needed:,.2f} pays {monthly:,.2f} a month at {rate:.2%} a year "
            "(income x 12 / yield; before taxes and fees)."
        )
        _echo_lines("Assumptions:", assumptions[1:])


def _months_command(calc: typer.Typer) -> None:
    @calc.command("months")
    def months(
        goal: str = typer.Option(..., "--goal", help="monthly income wanted, e.g. 2000"),
        yield_: str = typer.Option(..., "--yield", help="income yield, percent a year"),
        contribution: str = typer.Option("0", "--contribution", help="added each month"),
        start: str = typer.Option("0", "--start", help="capital you start with"),
        growth: str = typer.Option("0", "--growth", help="price growth, percent a year"),
        inflation: str = typer.Option(
            "0", "--inflation", help="percent a year: show results in today's money"
        ),
        max_months: int = typer.Option(1200, "--max-months", min=1, max=12000),
        json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
        monthly: bool = typer.Option(
            False, "--monthly", help="with --json: also every month, not only each year"
        ),
    ) -> None:
        """Months until reinvested capital pays the goal each month."""
        from advisor.interfaces.cli.common import print_json
        from advisor.interfaces.toolkit import goal_plan
        from advisor.recommender.calculators import months_to_goal

        target = _amount("--goal", goal)
        rate = _percent("--yield", yield_, positive=True)
        added = _amount("--contribution", contribution)
        start_capital = _amount("--start", start)
        annual_growth = _percent("--growth", growth, positive=False)
        annual_inflation = _percent("--inflation", inflation, positive=False)
        projection = _run(
            months_to_goal,
            target,
            rate,
            added,
            start_capital=start_capital,
            annual_growth=annual_growth,
            max_months=max_months,
            annual_inflation=annual_inflation,
            renames={"monthly_income": "--goal"},
        )
        if json_out:
            # what the MCP and LangChain tool `months_to_goal` returns (to the cent)
            plan = goal_plan(projection, target, rate).model_dump()
            if monthly:
                plan["monthly"] = [_point(p.model_dump()) for p in projection.points]
            print_json(plan)
            return
        if projection.months is None:
            typer.echo(f"Not reached within {max_months} months.")
        else:
            end = projection.points[-1]
            typer.echo(
                f"{projection.months} months ({projection.months / 12:.1f} years): the "
                f"capital reaches {end.capital:,.2f} and pays {end.monthly_income:,.2f} "
                "a month."
            )
        _echo_lines("Assumptions:", projection.assumptions)


def _passivity_command(calc: typer.Typer) -> None:
    @calc.command("passivity")
    def passivity_(
        hours: str = typer.Option(..., "--hours", help="hours the source takes a month"),
        income: str = typer.Option(..., "--income", help="what it pays a month"),
        job: bool = typer.Option(False, "--job", help="it is employment (always active)"),
        stops: bool = typer.Option(
            False, "--stops", help="it stops paying when you stop putting in your time"
        ),
        json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """How passive an income source is: hours a month per 100 of monthly income."""
        from advisor.interfaces.cli.common import print_json
        from advisor.recommender.calculators import passivity

        """How passive an income source is: whether it keeps paying without your time,
        then the hours it takes (hours per 100 of income as a secondary figure)."""

        rated = _run(
            passivity,
            _amount("--hours", hours),
            _amount("--income", income),
            keeps_paying_without_you=False if stops else None,
            employment=job,
        )
        if json_out:
            print_json(rated.model_dump())
            return
        typer.echo(
            f"{rated.label}: {rated.reason}; {rated.hours_per_100:.2f} hours a month per 100 "
            "of income."
        )
        _echo_lines("Assumptions:", rated.assumptions)
