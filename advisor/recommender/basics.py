"""The basics before any investing: an emergency fund of about three months of
expenses, and no debt that costs more than a safe yield. Until both hold, the first
suggestion says so with the reason, nothing that can fall in value is suggested (that
money is the buffer, or is better spent repaying the debt), and questions such as
"should I put my emergency fund in a REIT?" get the principle instead of a pitch
(:func:`principle_answer`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from advisor.core.formats import money, percent
from advisor.recommender.catalog import Catalog, load_catalog
from advisor.users.profile import Profile, missing_basics

BUFFER_MONTHS = 3.0  # months of expenses an emergency fund should cover


def safe_yield(catalog: Catalog | None = None) -> float:
    """The best yield a capital-safe (risk 1) stream in the catalog pays: debt costing
    more than this is better repaid than invested around."""
    catalog = catalog or load_catalog()
    return max(s.returns.high for s in catalog.streams if s.risk == 1)


def buffer_months(p: Profile) -> float | None:
    """How many months of expenses the emergency fund covers, when that is known."""
    if p.emergency_fund is not None and p.monthly_expenses:
        return p.emergency_fund / p.monthly_expenses
    if p.emergency_fund_months is not None:
        return p.emergency_fund_months
    if p.emergency_fund == 0:
        return 0.0
    return None


@dataclass
class Basics:
    """What the basics say for one profile: the steps still to take (each worded with
    its reason), and the basics not known yet."""

    steps: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def unmet(self) -> bool:
        return bool(self.steps)

    def first_step(self) -> str | None:
        """The line that leads the suggestions while a basic is unmet (unknown basics
        are asked for first in ``missing`` instead)."""
        if self.steps:
            return "First things first: " + " Then: ".join(self.steps)
        return None


def _debt_step(p: Profile, safe: float) -> str | None:
    debt = p.high_interest_debt
    if not debt:
        return None
    rate = p.debt_rate
    if rate is not None and rate / 100 <= safe:
        return None
    cost = f"at {rate:g}% a year" if rate is not None else "(its rate is not known)"
    return (
        f"pay off the {money(debt, p.currency)} of high-interest debt {cost} before "
        f"investing. Every amount repaid earns what the debt costs, with no risk, and no "
        f"safe investment pays more than about {percent(safe)} a year"
    )


def _buffer_step(p: Profile) -> str | None:
    months = buffer_months(p)
    if months is None and p.capital == 0:
        months = 0.0  # no savings at all: there is no buffer either
    if months is None or months >= BUFFER_MONTHS:
        return None
    target = ""
    if p.monthly_expenses:
        target = f" ({money(BUFFER_MONTHS * p.monthly_expenses, p.currency)})"
    return (
        f"build an emergency fund of about {BUFFER_MONTHS:g} months of expenses{target} in "
        f"a savings account, money-market fund or T-bills; you have {months:.1f} months. "
        "Without it, a lost job or a repair forces you to sell investments at a bad time "
        "or to borrow at a high rate"
    )


def check(p: Profile, catalog: Catalog | None = None) -> Basics:
    """The basics for ``p``: debt first (it costs more than any buffer earns), then the
    buffer."""
    steps = [s for s in (_debt_step(p, safe_yield(catalog)), _buffer_step(p)) if s]
    steps = [s[0].upper() + s[1:] + "." for s in steps]
    return Basics(steps=steps, unknown=missing_basics(p))


_BUFFER_WORDS = re.compile(r"\b(?:emergency\s+(?:fund|savings|money|cash)|rainy[- ]day)", re.I)
_DEBT_WORDS = re.compile(
    r"\b(?:(?:credit[- ]?)?card\s+debt|credit\s+cards?|debts?|loans?\s+at|payday|overdraft)\b", re.I
)
_INVEST_WORDS = re.compile(
    r"\b(?:invest\w*|reits?|stocks?|shares?|etfs?|funds?\s+in|crypto\w*|bitcoin|p2p|"
    r"peer[- ]to[- ]peer|rental|property|dividend\w*|bonds?|market|put\s+(?:it|my|the))\b",
    re.I,
)


def principle_answer(question: str, profile: Profile | None = None) -> str | None:
    """The principle, when a question asks about investing an emergency fund or
    investing while carrying debt; None for any other question. The service should
    answer with this (plus the disclaimer) before the recommender or retrieval."""
    p = profile or Profile()
    invests = bool(_INVEST_WORDS.search(question))
    if _BUFFER_WORDS.search(question) and invests:
        months = buffer_months(p)
        have = "" if months is None else f" Yours covers about {months:.1f} months."
        return (
            "An emergency fund is not an investment: it is money you may need next week, so "
            "keep it where it cannot fall and can be withdrawn in days (a savings account, a "
            f"money-market fund or T-bills), about {BUFFER_MONTHS:g} months of expenses.{have} "
            "REITs, shares and other assets that can lose a third of their value in a bad "
            "year are for money beyond that buffer."
        )
    if _DEBT_WORDS.search(question) and invests:
        safe = safe_yield()
        rate = "" if p.debt_rate is None else f" Your debt costs {p.debt_rate:g}% a year."
        if p.debt_rate is not None and p.debt_rate / 100 <= safe:
            rate += " That is below a safe yield, so investing beside it can make sense."
        return (
            "Pay off high-interest debt (credit cards, personal loans) before investing: "
            "every amount repaid earns exactly what the debt costs, with no risk, while no "
            f"safe investment pays more than about {percent(safe)} a year and riskier ones are "
            f"not guaranteed to beat the interest.{rate} Keep a small emergency buffer so a "
            "surprise does not go back on the card, then invest once the costly debt is gone."
        )
    return None
