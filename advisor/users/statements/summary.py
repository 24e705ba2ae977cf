"""The figures a statement gives the advisor, one set per currency (amounts in two
currencies are never added: the summary lists each)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from advisor.recommender.calculators import PassivityLabel
from advisor.users.statements.classify import UNCLASSIFIED, Label, classify, stream_passivity
from advisor.users.statements.model import Transaction

# Money in that the surplus leaves out: it only came back from the person's own money.
NOT_IN_SURPLUS = ("own_transfer", "card_payment")
CENT = Decimal("0.01")


@dataclass
class Stream:
    name: str
    passivity: PassivityLabel | None
    total: Decimal = Decimal(0)
    rows: int = 0
    guessed: int = 0  # rows the embedding model named (no rule or label did)
    examples: list[str] = field(default_factory=list)  # payers, for the unclassified


@dataclass
class CurrencySummary:
    currency: str
    first: dt.date
    last: dt.date
    months: int
    rows: int
    streams: dict[str, Stream] = field(default_factory=dict)
    money_in: Decimal = Decimal(0)
    money_out: Decimal = Decimal(0)
    refunds: Decimal = Decimal(0)
    transfers: Decimal = Decimal(0)
    balances: dict[str, Decimal] = field(default_factory=dict)  # last balance, a file

    def balance(self) -> Decimal | None:
        """What the exported accounts hold at the end: each file's last balance, summed."""
        return sum(self.balances.values(), Decimal(0)) if self.balances else None

    def income(self) -> Decimal:
        return sum((s.total for s in self.streams.values()), Decimal(0))

    def per_month(self, amount: Decimal) -> Decimal:
        return (amount / self.months).quantize(CENT)

    def passive_share(self) -> float | None:
        """Passive income over all income (unclassified included in the whole)."""
        total = self.income()
        if not total:
            return None
        passive = sum(
            (s.total for s in self.streams.values() if s.passivity == "passive"), Decimal(0)
        )
        return float(passive / total)

    def monthly_surplus(self) -> Decimal:
        return self.per_month(self.money_in - self.money_out)

    def as_dict(self) -> dict[str, Any]:
        share = self.passive_share()
        return {
            "currency": self.currency,
            "first_date": self.first.isoformat(),
            "last_date": self.last.isoformat(),
            "months_covered": self.months,
            "rows": self.rows,
            "income_per_month": {
                s.name: {
                    "per_month": float(self.per_month(s.total)),
                    "total": float(s.total),
                    "rows": s.rows,
                    "guessed_rows": s.guessed,
                    "passivity": s.passivity,
                    **({"examples": s.examples} if s.name == UNCLASSIFIED else {}),
                }
                for s in sorted(self.streams.values(), key=lambda s: -s.total)
            },
            "income_per_month_total": float(self.per_month(self.income())),
            "passive_share": None if share is None else round(share, 6),
            "monthly_surplus": float(self.monthly_surplus()),
            "money_in": float(self.money_in),
            "money_out": float(self.money_out),
            "own_transfers_left_out": float(self.transfers),
            "refunds": float(self.refunds),
            "balance_at_end": None if self.balance() is None else float(self.balance() or 0),
            "balances_by_file": {name: float(v) for name, v in sorted(self.balances.items())},
        }


def months_between(first: dt.date, last: dt.date) -> int:
    """Calendar months from the first row's to the last row's, both counted."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def summarize(
    rows: list[Transaction],
    labels: Mapping[str, str] | None = None,
    guess: Callable[[list[str]], list[str | None]] | None = None,
) -> list[CurrencySummary]:
    """One summary per currency, the currency with most rows first; ``labels`` are the
    person's own (advisor.users.statements.labels); ``guess`` names the income rows no
    rule or label names (advisor.users.statements.guess), or leaves them unclassified."""
    labelled = [(row, classify(row, labels)) for row in rows]
    if guess is not None:
        labelled = _guessed(labelled, guess)
    by_currency: dict[str, list[tuple[Transaction, Label]]] = defaultdict(list)
    for row, label in labelled:
        by_currency[row.currency].append((row, label))
    out = [_one(currency, these) for currency, these in by_currency.items()]
    out.sort(key=lambda s: (-s.rows, s.currency))
    return out


def _guessed(
    labelled: list[tuple[Transaction, Label]], guess: Callable[[list[str]], list[str | None]]
) -> list[tuple[Transaction, Label]]:
    unsure = sorted(
        {
            r.description
            for r, lab in labelled
            if lab.kind == "income" and lab.stream == UNCLASSIFIED
        }
    )
    if not unsure:
        return labelled
    passivity = stream_passivity()
    named = {d: s for d, s in zip(unsure, guess(unsure), strict=True) if s in passivity}
    return [
        (r, Label("income", named[r.description], passivity[named[r.description]], guessed=True))
        if lab.stream == UNCLASSIFIED and r.description in named
        else (r, lab)
        for r, lab in labelled
    ]


def _one(currency: str, labelled: list[tuple[Transaction, Label]]) -> CurrencySummary:
    dates = [row.date for row, _ in labelled]
    summary = CurrencySummary(
        currency, min(dates), max(dates), months_between(min(dates), max(dates)), len(labelled)
    )
    # A card bill paid from checking is spending, unless the card's own statement (its
    # purchases and the payment received) is imported too: then it only moves money.
    card_imported = any(lab.kind == "card_payment" and r.amount > 0 for r, lab in labelled)
    summary.balances = last_balances([row for row, _ in labelled])
    for row, label in labelled:
        bill_paid = label.kind == "card_payment" and row.amount < 0
        if label.kind in NOT_IN_SURPLUS and (card_imported or not bill_paid):
            summary.transfers += abs(row.amount)
            continue
        if row.amount >= 0:
            summary.money_in += row.amount
        else:
            summary.money_out -= row.amount
        if label.kind == "refund":
            summary.refunds += row.amount
        if label.kind == "income":
            name = label.stream or UNCLASSIFIED
            stream = summary.streams.setdefault(name, Stream(name, label.passivity))
            stream.total += row.amount
            stream.rows += 1
            stream.guessed += label.guessed
            if name == UNCLASSIFIED and len(stream.examples) < 5:
                stream.examples.append(row.description)
    return summary


def last_balances(rows: list[Transaction]) -> dict[str, Decimal]:
    """Each file's balance after its last transaction: files list rows oldest first or
    newest first, so the file's own order says which of a day's rows came last."""
    by_file: dict[str, list[Transaction]] = defaultdict(list)
    for row in rows:
        if row.balance is not None:
            by_file[row.file].append(row)
    out = {}
    for name, these in by_file.items():
        these.sort(key=lambda r: r.row)
        newest_first = these[0].date > these[-1].date
        ordered = sorted(these, key=lambda r: (r.date, -r.row if newest_first else r.row))
        balance = ordered[-1].balance
        assert balance is not None
        out[name] = balance
    return out
