"""CSV exports: the delimiter, encoding and header sniffed; each bad cell is one line
naming the file, row and column."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from advisor.core.errors import InputError
from advisor.users.statements.columns import Layout, find_layout
from advisor.users.statements.model import Transaction
from advisor.users.statements.values import (
    DATE_FORMATS,
    EXAMPLE_DATE,
    currency_in,
    date_format,
    decimal_comma,
    parse_amount,
    parse_date,
)

ENCODINGS = ("utf-8-sig", "cp1252")


def _text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the statement {path}: {exc.strerror or exc}") from None
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")  # every byte is a character in latin-1


def _rows(name: str, text: str) -> tuple[list[list[str]], str]:
    """The non-blank rows and the delimiter."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        rows = [row for row in reader if any(c.strip() for c in row)]
    except csv.Error as exc:
        raise InputError(f"{name}: row {reader.line_num}: not a CSV file ({exc})") from None
    return rows, str(dialect.delimiter)


def _cell(row: list[str], col: int | None) -> str:
    return row[col].strip() if col is not None and col < len(row) else ""


def _amount(where: str, layout: Layout, row: list[str], comma: bool) -> tuple[Decimal | None, str]:
    """The signed amount of a row (money out negative) and the raw text it came from."""
    if layout.amount is not None:
        raw = _cell(row, layout.amount)
        cols = [(layout.amount, raw, 1)]
    else:
        cols = [
            (c, _cell(row, c), sign)
            for c, sign in ((layout.debit, -1), (layout.credit, 1))
            if c is not None and _cell(row, c)
        ]
        raw = " ".join(text for _, text, _ in cols)
    total: Decimal | None = None
    for col, text, sign in cols:
        if not text:
            continue
        value = parse_amount(text, comma)
        if value is None:
            name = layout.names[col] if col is not None else "amount"
            raise InputError(f"{where}, column {name!r}: {text!r} is not an amount")
        signed = value if layout.amount is not None else sign * abs(value)
        total = signed if total is None else total + signed
    return total, raw


def _date(value: str, fmt: str) -> dt.date:
    parsed = parse_date(value, fmt)
    assert parsed is not None  # the format was chosen because it reads every value
    return parsed


def read_csv(path: Path, default_currency: str) -> list[Transaction]:
    rows, delimiter = _rows(path.name, _text(path))
    layout = find_layout(rows)
    if layout is None:
        raise InputError(
            f"{path.name}: unknown layout: no header row names a date column and an amount "
            "(or debit/credit) column in its first lines"
        )
    body = [(layout.header_row + 2 + i, r) for i, r in enumerate(rows[layout.header_row + 1 :])]
    body = [(n, r) for n, r in body if _cell(r, layout.date)]
    if not body:
        raise InputError(f"{path.name}: no transactions under the header")
    dates = [_cell(r, layout.date) for _, r in body]
    fmt, failed = date_format(dates)
    date_name = layout.names[layout.date]
    if fmt is None:
        line, value = body[failed][0], dates[failed]
        raise InputError(
            f"{path.name}: row {line}, column {date_name!r}: {value!r} is not a date "
            f"(read like {', '.join(EXAMPLE_DATE.strftime(f) for f in DATE_FORMATS[:4])})"
        )
    money_cols = [c for c in (layout.amount, layout.debit, layout.credit) if c is not None]
    # where no amount says (1.234 or 12), a ';'-separated file is European: decimal commas
    comma = decimal_comma(
        [_cell(r, c) for _, r in body for c in money_cols], default=delimiter == ";"
    )
    out: list[Transaction] = []
    for line, row in body:
        where = f"{path.name}: row {line}"
        amount, raw = _amount(where, layout, row, comma)
        if amount is None:
            names = " or ".join(repr(layout.names[c]) for c in money_cols)
            raise InputError(f"{where}, column {names}: no amount")
        currency = _cell(row, layout.currency).upper() or currency_in(raw) or default_currency
        balance_text = _cell(row, layout.balance)
        out.append(
            Transaction(
                file=path.name,
                row=line,
                date=_date(_cell(row, layout.date), fmt),
                description=" ".join(
                    dict.fromkeys(t for c in layout.description if (t := _cell(row, c)))
                ),
                amount=amount,
                currency=currency,
                balance=parse_amount(balance_text, comma) if balance_text else None,
            )
        )
    return out
