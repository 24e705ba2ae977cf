"""The Suggestions tab: ranked income streams for the saved profile, with a score chart,
and the calculators (capital needed, months to a goal)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gradio as gr
import pandas as pd

from advisor.core.errors import AdvisorError
from advisor.core.formats import fit
from advisor.interfaces.ui import render
from advisor.interfaces.ui.common import (
    describe_missing,
    error_text,
    markdown,
    number,
    quote,
    user_of,
)

if TYPE_CHECKING:
    from advisor.answering.service import Advisor


class SuggestionsTab:
    """Suggestions and calculators with their handlers, bound to one :class:`Advisor`."""

    def __init__(self, advisor: Advisor) -> None:
        self.advisor = advisor

    def build(self) -> None:
        """The tab's components; call inside ``gr.Tab``."""
        self.refresh = gr.Button("Suggest streams for my profile", variant="primary")
        with gr.Row():
            with gr.Column(scale=3):
                self.suggestion_text = markdown(elem_id="advisor-suggestions")
            with gr.Column(scale=2):
                self.score_chart = gr.BarPlot(
                    x="stream",
                    y="score",
                    title="Fit with your profile",
                    x_title="Stream",
                    y_title="Fit (0-100)",
                    sort="-y",
                    y_lim=[0, 100],
                    x_label_angle=-30,
                    elem_id="advisor-score-chart",
                )
        with gr.Accordion("Calculators", open=True):
            with gr.Row():
                with gr.Column():
                    gr.Markdown("**Capital needed for a monthly income**")
                    self.cn_income = gr.Number(label="Monthly income", value=1000, minimum=0)
                    self.cn_yield = gr.Number(label="Annual yield (%)", value=4)
                    self.cn_button = gr.Button("Calculate capital")
                    self.cn_result = markdown(elem_id="advisor-capital-result")
                with gr.Column():
                    gr.Markdown("**Months to the goal, contributions reinvested**")
                    self.mg_goal = gr.Number(label="Monthly income goal", value=1000, minimum=0)
                    self.mg_yield = gr.Number(label="Annual yield (%)", value=4)
                    self.mg_contribution = gr.Number(
                        label="Monthly contribution", value=500, minimum=0
                    )
                    self.mg_start = gr.Number(label="Starting capital", value=0, minimum=0)
                    self.mg_growth = gr.Number(label="Annual growth (%)", value=0)
                    self.mg_button = gr.Button("Project", elem_id="advisor-project")
                    self.mg_result = markdown(elem_id="advisor-projection-result")
            self.projection_chart = gr.LinePlot(
                x="years",
                y="monthly_income",
                color="line",
                color_title=" ",  # the legend says "projected" and "goal"
                title="Projected monthly income and the goal",
                x_title="Years",
                y_title="Monthly income",
                elem_id="advisor-projection-chart",
            )

    def suggestions(self, request: gr.Request) -> tuple[str, Any]:
        """Ranked streams for the saved profile, as text and as a score chart."""
        from advisor.recommender import suggest
        from advisor.users.profile_store import load_profile

        user = user_of(request)
        empty = pd.DataFrame({"stream": [], "score": []})
        try:
            result = suggest(load_profile(self.advisor.settings, user))
        except AdvisorError as exc:
            return error_text(exc), empty
        parts: list[str] = []
        if result.first_step:
            parts.append(f"**{render.escape_markdown(result.first_step)}**")
        if result.missing:
            parts.append(describe_missing(result.missing))
        for rank, s in enumerate(result.suggestions, start=1):
            parts.append(card(rank, s))
        if not result.suggestions:
            parts.append("No stream fits this profile yet.")
        parts.append(f"*{render.escape_markdown(result.disclaimer)}*")
        return "\n\n".join(parts), score_chart(result.suggestions)

    # -- calculators --------------------------------------------------------
    def _currency(self, request: gr.Request | None) -> str:
        from advisor.users.profile_store import load_profile

        try:
            return load_profile(self.advisor.settings, user_of(request)).currency
        except AdvisorError:
            return "USD"

    def calculator_defaults(self, request: gr.Request) -> list[Any]:
        """Start the calculators from the profile: goal, monthly surplus, capital."""
        from advisor.users.profile_store import load_profile

        try:
            p = load_profile(self.advisor.settings, user_of(request))
        except AdvisorError:
            return [gr.skip()] * 4

        def value(v: float | None) -> Any:
            return gr.skip() if v is None else v

        goal = value(p.goal_monthly_income)
        return [goal, goal, value(p.monthly_surplus), value(p.capital)]

    def capital_needed(self, monthly_income: Any, yield_percent: Any, request: gr.Request) -> str:
        from advisor.core.formats import money, percent
        from advisor.recommender.calculators import capital_needed

        problem = _yield_problem(yield_percent)
        if problem:
            return problem
        currency = self._currency(request)
        income, rate = number(monthly_income) or 0.0, (number(yield_percent) or 0.0) / 100
        try:
            capital = capital_needed(income, rate)
        except AdvisorError as exc:
            return error_text(exc)
        return render.escape_markdown(
            f"Capital needed: {money(capital, currency)} at {percent(rate)} a year, for an "
            f"income of {money(income, currency)} a month."
        )

    def months_to_goal(
        self,
        goal: Any,
        yield_percent: Any,
        contribution: Any,
        start_capital: Any,
        growth_percent: Any,
        request: gr.Request,
    ) -> tuple[str, Any]:
        from advisor.core.formats import money, percent
        from advisor.recommender.calculators import capital_needed, months_to_goal

        empty = pd.DataFrame({"years": [], "monthly_income": [], "line": []})
        problem = _yield_problem(yield_percent)
        if problem:
            return problem, empty
        currency = self._currency(request)
        try:
            projection = months_to_goal(
                number(goal) or 0.0,
                (number(yield_percent) or 0.0) / 100,
                number(contribution) or 0.0,
                start_capital=number(start_capital) or 0.0,
                annual_growth=(number(growth_percent) or 0.0) / 100,
                currency=currency,
            )
        except AdvisorError as exc:
            return error_text(exc), empty
        income, rate = number(goal) or 0.0, (number(yield_percent) or 0.0) / 100
        pays = (
            f"{money(capital_needed(income, rate), currency)} at {percent(rate)} a year pays "
            f"{money(income, currency)} a month"
        )
        if projection.months is None:
            headline = f"The goal is not reached within the projection ({pays})."
        else:
            years, months = divmod(projection.months, 12)
            headline = (
                f"Goal reached after {years} years {months} months ({projection.months} "
                f"months): {pays}."
            )
        lines = [render.escape_markdown(headline)]
        lines.extend(f"- {render.escape_markdown(a)}" for a in projection.assumptions)
        points = projection.points
        years_axis = [round(p.month / 12, 2) for p in points]
        chart = pd.DataFrame(
            {
                "years": years_axis * 2,
                "monthly_income": [p.monthly_income for p in points]
                + [number(goal) or 0.0] * len(points),
                "line": ["projected"] * len(points) + ["goal"] * len(points),
            }
        )
        title = f"Monthly income ({currency})"
        return "\n".join(lines), gr.LinePlot(value=chart, y_title=title)


def _yield_problem(yield_percent: Any) -> str | None:
    """A yield the calculators cannot use, said in words (None when it is usable)."""
    value = number(yield_percent)
    if value is None or value <= 0:
        return render.escape_markdown(
            "Enter an annual yield above 0%, for example 4 (a typical dividend or rental "
            "yield): at 0% money earns nothing, so no amount of capital reaches the income."
        )
    return None


SHOWN_REASONS = 3  # on the card; the rest are behind "Why"
CHART_LABEL = 22  # characters of a stream's name under its bar


def card(rank: int, s: Any) -> str:
    """One idea as a compact card: name and whole-number fit, up to three reasons, the
    first step and one quote; further reasons, steps and quotes behind "Why"."""
    esc = render.escape_markdown
    block = [f"### {rank}\\. {esc(s.name)} · fit {fit(s.score)}/100"]
    block.append("\n".join(f"- {esc(r)}" for r in s.reasons[:SHOWN_REASONS]))
    if s.first_steps:
        block.append(f"**First step:** {esc(s.first_steps[0])}")
    if s.citations:
        block.append(_quoted(s.citations[0]))
    more = [f"- {esc(r)}" for r in s.reasons[SHOWN_REASONS:]]
    if len(s.first_steps) > 1:
        steps = "\n".join(f"{n}. {esc(step)}" for n, step in enumerate(s.first_steps, 1))
        more.append(f"\n**All first steps**\n\n{steps}")
    more.extend("\n" + _quoted(c) for c in s.citations[1:])
    if more:
        block.append(
            "<details><summary>Why, and more</summary>\n\n" + "\n".join(more) + "\n\n</details>"
        )
    return "\n\n".join(block)


def _quoted(citation: Any) -> str:
    return quote(citation.text) + "\n>\n> " + render.escape_markdown(f"— {citation.source}")


def short_name(name: str) -> str:
    return name if len(name) <= CHART_LABEL else name[: CHART_LABEL - 1].rstrip() + "…"


def score_chart(suggestions: list[Any]) -> Any:
    """The fit scores as bars with short labels, the axis starting near the lowest
    score so that differences of a few points can be seen."""
    frame = pd.DataFrame(
        {
            "stream": [short_name(s.name) for s in suggestions],
            "score": [int(fit(s.score)) for s in suggestions],
        }
    )
    low = min((int(fit(s.score)) for s in suggestions), default=0)
    return gr.BarPlot(value=frame, y_lim=[max(0, (low // 10) * 10 - 10), 100])
