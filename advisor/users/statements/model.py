"""One row of a statement, as every reader returns it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Transaction:
    """Money in (amount > 0) or out (amount < 0) on one day, in one currency."""

    file: str
    row: int  # 1-based line of the file (CSV) or position of the transaction (OFX)
    date: dt.date
    description: str
    amount: Decimal
    currency: str
    balance: Decimal | None = None

    def key(self) -> tuple[dt.date, str, Decimal, str]:
        """What makes two rows of overlapping exports the same transaction."""
        return (self.date, " ".join(self.description.lower().split()), self.amount, self.currency)
