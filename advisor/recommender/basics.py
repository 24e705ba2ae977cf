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
# Money needed soon must not sit in what can fall: streams that can fall are excluded for
# a horizon under NO_FALLS_YEARS and penalised up to CALM_YEARS (advisor.recommender.scoring).
NO_FALLS_YEARS = 2.0
CALM_YEARS = 5.0


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


# money needed within NO_FALLS_YEARS: "in 6 months", "next year", "for a down payment soon"
_SOON = re.compile(
    r"\b(?:in|within|over\s+the\s+next)\s+(?:the\s+next\s+|about\s+|just\s+)?(?P<n>\d+(?:\.\d+)?|a|an|one"
    r"|two|three|four|five|six|nine|eighteen|a\s+few|a\s+couple\s+of)\s+(?P<unit>months?|years?)\b"
    r"|\b(?P<word>next\s+year|this\s+year|short[- ]term|very\s+soon|soon)\b",
    re.I,
)
_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_SMALL |= {"nine": 9, "eighteen": 18, "a few": 3, "a couple of": 2}
_CAN_FALL = re.compile(
    r"\b(?:stocks?|shares?|equit\w+|reits?|etfs?|index\s+funds?|crypto\w*|bitcoin|p2p|"
    r"peer[- ]to[- ]peer|dividend\s+\w+|property|real\s+estate|the\s+(?:stock\s+)?market)\b",
    re.I,
)


def _needed_soon(question: str) -> str | None:
    """ "within 6 months", "next year" when the question says the money is needed
    within :data:`NO_FALLS_YEARS`; else None."""
    m = _SOON.search(question)
    if m is None:
        return None
    if m.group("word"):
        word = re.sub(r"\s+", " ", m.group("word").lower())
        return "in the short term" if word.startswith("short") else word
    raw = re.sub(r"\s+", " ", m.group("n").lower())
    count = float(raw) if raw[0].isdigit() else float(_SMALL[raw])
    months = count * (12 if m.group("unit").lower().startswith("y") else 1)
    if months >= NO_FALLS_YEARS * 12:
        return None
    return f"within {m.group('n')} {m.group('unit')}"


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
    """The principle, when a question asks about investing an emergency fund, money
    needed within two years in what can fall, or investing while carrying debt; None for
    any other question. The service should
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
    if (soon := _needed_soon(question)) and _CAN_FALL.search(question):
        return (
            f"Money you need {soon} should not be in anything that can fall: shares, REITs, "
            "crypto and property can lose a third of their value in a bad year and take "
            "years to recover. Keep it where it cannot fall and can be withdrawn when you "
            "need it (a savings account, a money-market fund, or T-bills or CDs that mature "
            f"before then). Assets that can fall are for money you will not need for at "
            f"least {CALM_YEARS:g} years."
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
