"""The advisor's tools as plain typed methods, written once for every tool protocol.

The MCP server (``advisor.interfaces.mcp_server``) and the LangChain tools
(``advisor.interfaces.langchain``) wrap these methods; their type hints and docstrings
become the tool schemas the calling model reads, so they say what each argument means
and in which unit.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, Field

from advisor.core.answers import Answer, Passage
from advisor.recommender import Suggestions, calculators, suggest
from advisor.recommender.calculators import Passivity, ProjectionPoint
from advisor.users.profile import validate_profile
from advisor.users.profile_store import load_profile

if TYPE_CHECKING:
    from advisor.answering.service import Advisor

User = Annotated[
    str | None,
    Field(description="advisor user id: also search their own documents and use their profile"),
]
Money = Annotated[float, Field(ge=0, description="an amount in one currency, e.g. 2000")]
Rate = Annotated[float, Field(ge=0, le=1, description="a fraction a year: 0.04 means 4%")]
OptionalMoney = Annotated[float | None, Field(ge=0, description="an amount; omit when unknown")]


def describe(fn: Callable[..., Any]) -> str:
    """A tool's description: its docstring as one paragraph."""
    return " ".join((inspect.getdoc(fn) or "").split())


class CapitalNeeded(BaseModel):
    capital: float = Field(description="capital that pays the monthly income at the yield")
    monthly_income: float
    annual_yield: float
    formula: str = "capital = monthly_income x 12 / annual_yield (before taxes and fees)"


class GoalPlan(BaseModel):
    """How long reinvested capital takes to pay the goal each month."""

    reached: bool = Field(description="false: not reached within max_months")
    months: int | None
    years: float | None
    target_capital: float
    yearly: list[ProjectionPoint] = Field(description="the capital at the start of each year")
    assumptions: list[str]


def goal_plan(
    projection: calculators.Projection, goal_monthly_income: float, annual_yield: float
) -> GoalPlan:
    """A projection as the tools return it: a point a year (and the last month), money
    to the cent."""
    last = projection.points[-1]
    yearly = [p for p in projection.points if p.month % 12 == 0]
    if yearly[-1].month != last.month:
        yearly.append(last)
    cents = [
        calculators.ProjectionPoint(
            month=p.month, capital=round(p.capital, 2), monthly_income=round(p.monthly_income, 2)
        )
        for p in yearly
    ]
    return GoalPlan(
        reached=projection.months is not None,
        months=projection.months,
        years=None if projection.months is None else round(projection.months / 12, 1),
        target_capital=round(calculators.capital_needed(goal_monthly_income, annual_yield), 2),
        yearly=cents,
        assumptions=projection.assumptions,
    )


class Toolkit:
    """Tools over one :class:`Advisor`, created on first use when not given."""

    def __init__(self, advisor: Advisor | Callable[[], Advisor] | None = None) -> None:
        self._advisor = advisor
        self._lock = threading.Lock()

    @property
    def advisor(self) -> Advisor:
        from advisor.answering.service import Advisor

        with self._lock:
            if not isinstance(self._advisor, Advisor):
                self._advisor = self._advisor() if callable(self._advisor) else Advisor()
            return self._advisor

    def ask(
        self,
        question: Annotated[str, Field(description="the question, in plain words")],
        user: User = None,
    ) -> Answer:
        """Answer a question about passive and active income (investing for income,
        rental property, dividends, side hustles, online businesses, ...) from the
        advisor's source articles, with numbered [n] citations. Off-topic questions
        are declined. Not financial advice."""
        return self.advisor.ask(question, user=user)

    def search_library(
        self,
        query: Annotated[str, Field(description="what to look for")],
        k: Annotated[int, Field(ge=1, le=20, description="how many passages")] = 5,
        user: User = None,
    ) -> list[Passage]:
        """Find the passages of the advisor's source articles (and the user's own
        documents when a user is given) that best match a query, best first."""
        return self.advisor.search(query, user=user, k=k)

    def suggest_streams(
        self,
        capital: OptionalMoney = None,
        monthly_surplus: OptionalMoney = None,
        hours_per_week: Annotated[
            float | None, Field(ge=0, le=168, description="free hours a week")
        ] = None,
        risk_tolerance: Literal["low", "medium", "high"] | None = None,
        skills: Annotated[
            list[str] | None, Field(description="e.g. writing, coding, teaching")
        ] = None,
        horizon_years: Annotated[float | None, Field(ge=0, le=100)] = None,
        goal_monthly_income: OptionalMoney = None,
        currency: str = "USD",
        user: Annotated[
            str | None, Field(description="advisor user id whose saved profile fills the rest")
        ] = None,
        top: Annotated[int, Field(ge=1, le=15, description="how many suggestions")] = 5,
    ) -> Suggestions:
        """Rank passive-income streams (dividend funds, REITs, rental property, online
        courses, blogs, ...) for a person's situation, each with its reasons, quoted
        sources and first steps. Fields left out count as unknown; `missing` says
        which ones would change the ranking. Not financial advice."""
        given: dict[str, Any] = {
            "capital": capital,
            "monthly_surplus": monthly_surplus,
            "hours_per_week": hours_per_week,
            "risk_tolerance": risk_tolerance,
            "skills": skills,
            "horizon_years": horizon_years,
            "goal_monthly_income": goal_monthly_income,
        }
        base: dict[str, Any] = {}
        if user:
            base = load_profile(self.advisor.settings, user).model_dump()
        base.update({k: v for k, v in given.items() if v is not None})
        if currency != "USD" or "currency" not in base:
            base["currency"] = currency
        return suggest(validate_profile(base), top=top)

    def capital_needed(self, monthly_income: Money, annual_yield: Rate) -> CapitalNeeded:
        """Capital needed for a monthly income at a yearly yield (income x 12 / yield)."""
        return CapitalNeeded(
            capital=calculators.capital_needed(monthly_income, annual_yield),
            monthly_income=monthly_income,
            annual_yield=annual_yield,
        )

    def months_to_goal(
        self,
        goal_monthly_income: Money,
        annual_yield: Rate,
        monthly_contribution: Money,
        start_capital: Money = 0.0,
        annual_growth: Rate = 0.0,
        max_months: Annotated[int, Field(ge=1, le=1200)] = 1200,
    ) -> GoalPlan:
        """Months until invested capital pays a monthly income goal, adding a monthly
        contribution and reinvesting what the capital pays."""
        projection = calculators.months_to_goal(
            goal_monthly_income,
            annual_yield,
            monthly_contribution,
            start_capital=start_capital,
            annual_growth=annual_growth,
            max_months=max_months,
        )
        return goal_plan(projection, goal_monthly_income, annual_yield)

    def passivity(
        self,
        hours_per_month: Annotated[
            float, Field(ge=0, le=744, description="hours the source takes a month")
        ],
        monthly_income: Annotated[float, Field(gt=0, description="what it pays a month")],
    ) -> Passivity:
        """How passive an income source really is: hours it takes a month per 100 of
        monthly income, labelled passive, semi-passive or active."""
        return calculators.passivity(hours_per_month, monthly_income)

    def tools(self) -> list[Callable[..., Any]]:
        """Every tool, in the order a client lists them."""
        return [
            self.ask,
            self.search_library,
            self.suggest_streams,
            self.capital_needed,
            self.months_to_goal,
            self.passivity,
        ]
