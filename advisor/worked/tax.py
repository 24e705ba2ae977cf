"""A tax rate in a calculation: "with a 25% tax, how much at 4% to net $1,000 a month?".
The income wanted after tax is grossed up before the capital, the yield or the months are
worked out, and what a sum pays is also given after the tax; the answer says both. With
"after tax" or "net" but no rate, the answer says its figures are before tax."""

from __future__ import annotations

import re
from collections.abc import Sequence

from advisor.worked.base import Worked, money, percent
from advisor.worked.reading import Amount, Numbers

NET = re.compile(
    r"\b(?:after[\s-]tax(?:es)?|net(?:\s+of\s+tax(?:es)?)?|take[\s-]home|post[\s-]tax)\b",
    re.IGNORECASE,
)


def tax_rate(numbers: Numbers, earlier: Sequence[Numbers] = ()) -> float | None:
    """The tax rate this message states, else the latest earlier turn's."""
    for source in [numbers, *reversed(earlier)]:
        if source.tax_rate is not None:
            return source.tax_rate
    return None


def impossible(tax: float | None) -> str | None:
    if tax is not None and not 0 <= tax < 1:
        return f"A tax of {percent(tax)} leaves no income at all: check the tax rate."
    return None


def gross_up(income: Amount, tax: float) -> Amount:
    """The income before ``tax`` that leaves ``income`` after it."""
    return Amount(
        income.value / (1 - tax),
        income.currency,
        income.per,
        income.role,
        income.marked,
        income.start,
    )


def with_tax(
    worked: Worked, tax: float | None, net: Amount | None, currency: str | None, asked: str
) -> Worked:
    """The worked answer with what the tax changes said after its first line."""
    if not worked.figures:
        return worked
    note = ""
    if tax and net is not None:
        monthly = net.value / 12 if net.per == "year" else net.value
        note = (
            f"That is {money(monthly / (1 - tax), currency)} a month before {percent(tax)} "
            f"tax, to keep {money(monthly, currency)} a month after it."
        )
    elif tax:
        paid = [f.value for f in worked.figures if f.label == "monthly income"]
        after = " to ".join(dict.fromkeys(money(v * (1 - tax), currency) for v in paid))
        note = f"After {percent(tax)} tax: {after} a month." if paid else ""
    elif NET.search(asked):
        note = (
            "These figures are before tax: say your tax rate (“with a 25% tax”) for the "
            "figure after it."
        )
    if tax:
        worked.text = worked.text.replace("no taxes, fees or inflation", "no fees or inflation")
    if note:
        lead, _, rest = worked.text.partition("\n\n")
        worked.text = f"{lead} {note}\n\n{rest}" if rest else f"{lead} {note}"
    return worked
