"""Finding the header row of a CSV export and what each of its columns holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, cast

ROLES = ("date", "description", "amount", "debit", "credit", "balance", "currency")
HEADER_SEARCH_ROWS = 40  # exports put account details above the header


def rules() -> dict[str, Any]:
    from advisor.prompts import data

    return cast(dict[str, Any], data("statements.yaml"))


def normalize(cell: str) -> str:
    return re.sub(r"[^a-z0-9äöüß]", "", cell.lower())


@dataclass
class Layout:
    """Where each role sits: one column each, several for the description."""

    header_row: int  # 0-based index of the header among the file's rows
    names: list[str]
    date: int
    description: list[int] = field(default_factory=list)
    amount: int | None = None
    debit: int | None = None
    credit: int | None = None
    balance: int | None = None
    currency: int | None = None


def _pick(cells: list[str], synonyms: list[str]) -> int | None:
    """The column whose name comes first in the synonym list."""
    best: tuple[int, int] | None = None
    for col, cell in enumerate(cells):
        if cell in synonyms:
            rank = synonyms.index(cell)
            if best is None or rank < best[0]:
                best = (rank, col)
    return None if best is None else best[1]


def layout_of(header: list[str], index: int) -> Layout | None:
    """The layout this row names, or None when it is not a header with a date and an
    amount (one signed column, or debit and/or credit columns)."""
    names = cast(dict[str, list[str]], rules()["columns"])
    cells = [normalize(c) for c in header]
    date = _pick(cells, names["date"])
    amount = _pick(cells, names["amount"])
    debit = _pick(cells, names["debit"])
    credit = _pick(cells, names["credit"])
    if date is None or (amount is None and debit is None and credit is None):
        return None
    described = [i for i, c in enumerate(cells) if c in names["description"]]
    described.sort(key=lambda i: names["description"].index(cells[i]))
    return Layout(
        header_row=index,
        names=[c.strip() for c in header],
        date=date,
        description=described,
        amount=amount,
        debit=None if amount is not None else debit,
        credit=None if amount is not None else credit,
        balance=_pick(cells, names["balance"]),
        currency=_pick(cells, names["currency"]),
    )


def find_layout(rows: list[list[str]]) -> Layout | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = layout_of(row, index)
        if found is not None:
            return found
    return None
