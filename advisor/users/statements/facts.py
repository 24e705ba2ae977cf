"""The profile facts a statement proposes (``monthly_surplus``, ``income_sources``), and
saving them only when the person asks (as with facts stated in the chat)."""

from __future__ import annotations

from typing import Any

from advisor.core.errors import InputError
from advisor.core.settings import Settings
from advisor.users.statements.summary import CurrencySummary

# Money fields whose meaning changes with the profile's currency.
_MONEY_FIELDS = (
    "capital",
    "monthly_surplus",
    "goal_monthly_income",
    "emergency_fund",
    "monthly_expenses",
    "high_interest_debt",
)


def source_name(stream: str) -> str:
    return stream.replace("_", " ") + (" income" if stream == "unclassified" else "")


def proposed_facts(summary: CurrencySummary) -> dict[str, Any]:
    """Facts in the summary's currency: the surplus (never below zero: a profile holds
    what is left over), each stream as an income source a month, and where the export
    has a balance column, what the accounts hold at the end as savings (``capital``)."""
    facts: dict[str, Any] = {
        "currency": summary.currency,
        "monthly_surplus": max(0.0, float(summary.monthly_surplus())),
        "income_sources": [
            {"name": source_name(s.name), "monthly_income": float(summary.per_month(s.total))}
            for s in sorted(summary.streams.values(), key=lambda s: -s.total)
        ],
    }
    balance = summary.balance()
    if balance is not None and balance > 0:
        facts["capital"] = float(balance)
    return facts


def check_currency(settings: Settings, user: str, facts: dict[str, Any]) -> None:
    """A profile holding money in another currency is left alone (one line says why)."""
    from advisor.users.profile_store import load_profile

    saved = load_profile(settings, user)
    if saved.currency != facts["currency"] and any(
        getattr(saved, name) is not None for name in _MONEY_FIELDS
    ):
        raise InputError(
            f"not saved: the profile of {user!r} holds amounts in {saved.currency} and the "
            f"statement is in {facts['currency']}; amounts are never converted"
        )


def save_statement_facts(settings: Settings, user: str, facts: dict[str, Any]) -> Any:
    """Merge the facts into the saved profile: statement streams replace the sources of
    the same name, other sources stay. A profile holding money in another currency is
    left alone (one line says why)."""
    from advisor.users.profile_store import load_profile, save_facts

    check_currency(settings, user, facts)
    saved = load_profile(settings, user)
    names = {src["name"] for src in facts["income_sources"]}
    kept = [s.model_dump() for s in saved.income_sources if s.name not in names]
    return save_facts(settings, user, {**facts, "income_sources": kept + facts["income_sources"]})
