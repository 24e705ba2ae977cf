"""Dates and amounts as banks write them: the format of a column is chosen from all its
values (so 03/04/2024 is read the same way as 25/04/2024 beside it), and a decimal comma
from how the column's amounts end."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# Tried in this order; when several read every value of a column, the one that puts the
# rows in date order wins (statements are sorted), then the first.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%d-%m-%Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%Y/%m/%d",
    "%Y%m%d",
    "%m/%d/%y",
    "%d/%m/%y",
    "%b %d, %Y",
)
EXAMPLE_DATE = dt.date(2024, 1, 31)

SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD", "¥": "JPY", "₹": "INR", "CHF": "CHF"}
_CODE = re.compile(r"\b([A-Z]{3})\b")


@lru_cache(maxsize=65536)  # statements repeat their dates: parse each once
def parse_date(value: str, fmt: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value.strip()[:40], fmt).date()
    except ValueError:
        return None


def _ordered(dates: list[dt.date]) -> bool:
    pairs = list(zip(dates, dates[1:], strict=False))
    return all(a <= b for a, b in pairs) or all(a >= b for a, b in pairs)


def date_format(values: list[str]) -> tuple[str | None, int]:
    """The format that reads every value; else (the format reading most, index of the
    first value it fails on)."""
    readers: list[str] = []
    best: tuple[int, str, int] | None = None
    for fmt in DATE_FORMATS:
        failed = next((i for i, v in enumerate(values) if parse_date(v, fmt) is None), None)
        if failed is None:
            readers.append(fmt)
        elif best is None or failed > best[0]:
            best = (failed, fmt, failed)
    if readers:
        for fmt in readers:
            dates = [parse_date(v, fmt) for v in values]
            if _ordered([d for d in dates if d is not None]):
                return fmt, -1
        return readers[0], -1
    return None, 0 if best is None else best[2]


def decimal_comma(values: list[str], default: bool = False) -> bool:
    """Whether a column writes 1.234,56 rather than 1,234.56 (``default`` when no value
    ends in one or two decimals)."""
    commas = sum(1 for v in values if re.search(r",\d{1,2}\s*(?:[A-Za-z€£$-]*)\s*$", v.strip()))
    points = sum(1 for v in values if re.search(r"\.\d{1,2}\s*(?:[A-Za-z€£$-]*)\s*$", v.strip()))
    return default if commas == points else commas > points


def currency_in(value: str) -> str | None:
    """A currency written in the amount itself: a symbol or a code."""
    for symbol, code in SYMBOLS.items():
        if symbol in value:
            return code
    match = _CODE.search(value.upper())
    return match.group(1) if match and match.group(1) not in ("CR", "DR") else None


def parse_amount(value: str, comma: bool) -> Decimal | None:
    """-1.234,56 / (1,234.56) / 1 234.56- / £1,234.56 CR -> Decimal; None when it is not
    a number (the caller names the row and column)."""
    text = value.strip()
    if not text:
        return None
    negative = False
    upper = text.upper()
    if upper.endswith("DR"):
        negative, text = True, text[:-2]
    elif upper.endswith("CR"):
        text = text[:-2]
    text = re.sub(r"^[A-Za-z]{3}(?=[\s\d(+-])|(?<=[\d\s)])[A-Za-z]{3}$", "", text.strip())
    text = re.sub(r"[£€$¥₹\s'\u00a0\u202f]", "", text)
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.endswith("-"):
        negative, text = not negative, text[:-1]
    if text.startswith(("-", "+")):
        negative, text = (not negative if text[0] == "-" else negative), text[1:]
    thousands, point = (".", ",") if comma else (",", ".")
    if not re.fullmatch(
        rf"\d{{1,3}}(?:\{thousands}\d{{3}})*(?:\{point}\d+)?|\d+(?:\{point}\d+)?", text
    ):
        return None
    try:
        number = Decimal(text.replace(thousands, "").replace(point, "."))
    except InvalidOperation:
        return None
    return -number if negative else number
