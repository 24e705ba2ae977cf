"""How a figure reads, wherever it is shown: chat answers, the recommender's reasons,
the suggestion cards and the calculators all format money, rates and fit scores here,
so that the same amount reads the same on every page.

Hand-written rather than Babel's ``format_currency``: the project shows one format
(the profile's three-letter currency code, ``$`` for US dollars) and Babel is not a
dependency; these few lines are the whole rule.
"""

from __future__ import annotations

CENTS_BELOW = 100  # amounts under this keep their cents ("$4.17"); larger are whole


def money(amount: float, currency: str | None = None) -> str:
    """``$1,000`` for US dollars, ``1,000 EUR`` for another currency, ``1,000`` when no
    currency is named (a figure inside a formula). Whole units with thousands
    separators; an amount under 100 keeps its cents when it has any."""
    digits = 2 if 0 < abs(amount) < CENTS_BELOW and amount != int(amount) else 0
    text = f"{abs(amount):,.{digits}f}"
    sign = "-" if amount < 0 and float(text.replace(",", "")) != 0 else ""
    if currency == "USD":
        return f"{sign}${text}"
    return f"{sign}{text} {currency}" if currency else f"{sign}{text}"


def percent(rate: float) -> str:
    """A yearly rate given as a fraction, in percent: 0.04 -> ``4%``, 0.045 -> ``4.5%``."""
    return f"{rate * 100:.2f}".rstrip("0").rstrip(".") + "%"


def fit(score: float) -> str:
    """A 0-100 fit score as it is shown: a whole number (``98``, never ``97.5``)."""
    return str(round(score))
