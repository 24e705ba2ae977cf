"""The chat's answers from the person's own stored statements (route "statement"): the
passive share, what a stream brought in over a period, and when the monthly surplus
invested in a stream would lift passive income past a goal. Every figure is computed
here from the stored rows (and the calculators for the projection); the answer cites the
statements as one of the person's own documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from advisor.core.answers import Passage
from advisor.core.settings import Settings
from advisor.users.statements.questions import StatementQuestion
from advisor.users.statements.summary import CurrencySummary
from advisor.worked.base import Worked, figure
from advisor.worked.reading import Numbers

ROUTE = "statement"
HOW_TO_IMPORT = (
    "Import your bank's export (CSV, OFX or QFX) as a statement, in the Profile tab's "
    "Bank statements, the API's /v1/statements/import, the MCP tool import_statement or "
    "`advisor statement import`, and ask again: I will answer from its figures."
)


def _money(amount: Decimal | float, currency: str) -> str:
    return f"{float(amount):,.2f} {currency}"


def _passage(names: list[str], first: str, last: str, lines: list[str]) -> Passage:
    """The statements as the source the answer cites: a user's document."""
    shown = ", ".join(names)
    return Passage(
        id="",  # not a stored chunk: no /v1/sources page
        text=f"Your bank statements ({shown}), {first} to {last}. " + " ".join(lines),
        source=f"statements: {shown}",
        title=f"Your bank statements ({shown})",
        doc_id="statements",
        origin="user",
        score=1.0,
    )


def _cited(lines: list[str]) -> str:
    return " ".join(f"{line.rstrip('.')} [1]." for line in lines)


def _no_statement(user: str | None) -> Worked:
    if user is None:
        text = (
            "I can answer this from your own bank statements, but this conversation has no "
            "user to keep them for: sign in (or use an API key of your own) and import one."
        )
    else:
        text = "No bank statement of yours is stored yet, so I cannot read your income. "
        text += HOW_TO_IMPORT
    return Worked(ROUTE, text, "statements")


def statement_answer(
    question: StatementQuestion,
    numbers: Numbers,
    text: str,
    settings: Settings,
    user: str | None,
) -> Worked | None:
    """The answer from the stored statements; None (answer from the documents and the
    library) for a question on one stream when no statement is stored."""
    from advisor.users.statements.labels import load_labels
    from advisor.users.statements.saved import stored_rows
    from advisor.users.statements.summary import summarize

    if user is None:
        return _no_statement(None)
    names, per_file = stored_rows(settings, user)
    if not names and question.kind == "stream":
        return None  # "what did my rentals bring in?": their notes may answer it
    if not names:
        return _no_statement(user)
    from advisor.users.statements.guess import guesser
    from advisor.users.statements.reader import merge

    rows = merge(per_file)
    labels, guess = load_labels(settings, user), guesser(settings)
    summaries = summarize(rows, labels, guess)
    first, last = min(r.date for r in rows), max(r.date for r in rows)
    if question.kind == "stream":
        lines, figures = _stream_lines(question, rows, labels, last, guess)
    elif question.kind == "projection":
        return _projection(summaries[0], numbers, text, settings, user, names, first, last)
    else:
        lines, figures = _share_lines(summaries)
    passage = _passage(names, first.isoformat(), last.isoformat(), lines)
    return Worked(ROUTE, _cited(lines), "statements", passages=[passage], figures=figures)


def _share_lines(summaries: list[CurrencySummary]) -> tuple[list[str], list[Any]]:
    lines, figures = [], []
    for s in summaries:
        share = s.passive_share()
        if share is None:
            lines.append(f"Your statements show no income in {s.currency}.")
            continue
        passive = sum((t.total for t in s.streams.values() if t.passivity == "passive"), Decimal(0))
        lines.append(
            f"{share * 100:.1f}% of your income in {s.currency} is passive: "
            f"{_money(s.per_month(passive), s.currency)} a month of "
            f"{_money(s.per_month(s.income()), s.currency)}, over {s.months} months"
        )
        figures.append(figure("passive share", share, f"{share * 100:.1f}%"))
        parts = [
            f"{n.replace('_', ' ')} {_money(s.per_month(t.total), s.currency)} "
            f"({t.passivity or 'not classified yet'})"
            for n, t in sorted(s.streams.items(), key=lambda kv: -kv[1].total)
        ]
        lines.append(f"By stream, a month: {'; '.join(parts)}")
    return lines, figures


def _period(question: StatementQuestion, first: dt.date, last: dt.date) -> tuple[dt.date, str]:
    """The start of the period asked about (ending on the statements' last day)."""
    if question.period == "month":
        return last.replace(day=1), "the last month your statements reach"
    if question.period == "quarter":
        start = last.replace(month=(last.month - 1) // 3 * 3 + 1, day=1)
        return start, "the last quarter your statements reach"
    if question.period == "year":
        return last.replace(month=1, day=1), "the last year your statements reach"
    return first, "all your statements cover"


def _stream_lines(
    question: StatementQuestion,
    rows: list[Any],
    labels: dict[str, str],
    last: dt.date,
    guess: Any,
) -> tuple[list[str], list[Any]]:
    from advisor.users.statements.summary import summarize

    start, which = _period(question, min(r.date for r in rows), last)
    start = max(start, min(r.date for r in rows))
    within = [r for r in rows if start <= r.date <= last]
    lines, figures = [], []
    span = f"from {start.isoformat()} to {last.isoformat()} ({which})"
    for s in summarize(within, labels, guess) if within else []:
        wanted = question.streams or tuple(s.streams)
        for name in wanted:
            said = name.replace("_", " ")
            stream = s.streams.get(name)
            if stream is None:
                if question.streams:
                    lines.append(f"Your statements show no {said} in {s.currency} {span}")
                continue
            lines.append(
                f"Your {said} brought in {_money(stream.total, s.currency)} {span}, in "
                f"{stream.rows} payment{'s' * (stream.rows != 1)}"
            )
            figures.append(
                figure(f"{said} received", float(stream.total), _money(stream.total, s.currency))
            )
    if not lines:
        lines.append(f"Your statements show no income {span}")
    return lines, figures


def _goal(numbers: Numbers, settings: Settings, user: str) -> float | None:
    from advisor.users.profile_store import load_profile

    monthly = [a.value for a in numbers.amounts if a.per == "month"]
    if monthly:
        return monthly[0]
    return load_profile(settings, user).goal_monthly_income


def _yield_stream(text: str) -> Any:
    from advisor.recommender import load_catalog
    from advisor.worked.names import mentions

    catalog = load_catalog()
    for m in mentions(text):
        if m.stream and catalog.get(m.stream).returns.unit == "annual_yield":
            return catalog.get(m.stream)
    return None


def _projection(
    s: CurrencySummary,
    numbers: Numbers,
    text: str,
    settings: Settings,
    user: str,
    names: list[str],
    first: dt.date,
    last: dt.date,
) -> Worked:
    """Months until passive income (what the statements show now, plus what the
    surplus invested each month in the stream pays) passes the goal."""
    from advisor.recommender import calculators

    cur, surplus = s.currency, float(s.monthly_surplus())
    passive = float(
        s.per_month(
            sum((t.total for t in s.streams.values() if t.passivity == "passive"), Decimal(0))
        )
    )
    stream, goal = _yield_stream(text), _goal(numbers, settings, user)
    lines = [
        f"Your statements show a surplus of {_money(surplus, cur)} a month and passive income "
        f"of {_money(passive, cur)} a month, over {s.months} months"
    ]
    passage = _passage(names, first.isoformat(), last.isoformat(), lines)
    said = _cited(lines)
    if stream is None or goal is None or surplus <= 0:
        missing = (
            "your surplus is not above zero, so there is nothing to invest each month"
            if surplus <= 0
            else "name a stream that pays a yield (dividend ETFs, REITs, bonds...)"
            if stream is None
            else "say the passive income you aim for, e.g. $500 a month"
        )
        return Worked(ROUTE, f"{said}\n\nTo project it, {missing}.", "statements", [passage])
    if passive >= goal:
        done = f"{said}\n\nYour passive income already passes {_money(goal, cur)} a month."
        return Worked(ROUTE, done, "statements", [passage])
    spend, total = stream.returns.mid, stream.returns.total_mid
    plan = calculators.months_to_goal(
        goal - passive, spend, surplus, 0.0, annual_growth=max(0.0, total - spend)
    )
    figures = [figure("monthly surplus", surplus, _money(surplus, cur))]
    if plan.months is None:
        reach = "not within 100 years"
    else:
        from advisor.worked.base import duration

        reach = f"after {plan.months} months ({duration(plan.months)})"
        figures.append(figure("months to the goal", plan.months, f"{plan.months} months"))
    body = (
        f"Investing the whole surplus in {stream.name} each month, your passive income "
        f"would pass {_money(goal, cur)} a month **{reach}**: the new capital must pay "
        f"{_money(goal - passive, cur)} a month on top of the {_money(passive, cur)} you "
        f"have. Assumptions: {stream.name} pays {spend:.1%} a year and grows about "
        f"{max(0.0, total - spend):.1%} a year besides ({stream.returns.source}); the "
        "payouts are reinvested; the surplus stays as it was; no taxes, fees or inflation."
    )
    return Worked(ROUTE, f"{said}\n\n{body}", "calculator", [passage], figures=figures)
