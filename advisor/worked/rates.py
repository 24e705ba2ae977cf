"""Yearly rates, a tax rate and spans of time, read from one message by rules: "4%",
"4 percent", "four and a half percent", "4,5 %"; "3% inflation" is not a yield and
"with a 25% tax" is a tax; "in 25 years", "after 18 months", "by 60 if I'm 35", "by
2040". Used by :mod:`advisor.worked.reading`."""

from __future__ import annotations

import re
from functools import cache

from advisor import prompts

_RATE = re.compile(
    r"(?P<neg>-\s?)?(?P<num>\d+(?:\.\d+|,\d{1,2}(?!\d))?)\s?(?:%|percent\b|per\s?cent\b|pct\b)",
    re.IGNORECASE,
)
# a rate that is inflation, not a yield: "3% inflation", "inflation of 3%"
_INFLATION = re.compile(
    r"\s*(?:a\s+year\s+|annual\s+|yearly\s+)?inflation\b(?![\s-]*(?:adjusted|protected|linked))",
    re.IGNORECASE,
)
# a rate that is a tax: "25% tax", "a tax rate of 30%", "15% withholding"
_TAX_AFTER = re.compile(
    r"\s*(?:income\s+|capital\s+gains\s+|dividend\s+|marginal\s+|flat\s+)?"
    r"(?:tax(?:es)?|tax\s+rate|withholding)\b",
    re.IGNORECASE,
)
_TAX_BEFORE = re.compile(
    r"\b(?:tax(?:ed)?|tax\s+rate|withholding|bracket)\s+(?:of|at|is|rate\s+of|around|about)?\s*$",
    re.IGNORECASE,
)
_INFLATION_BEFORE = re.compile(
    r"\binflation\s+(?:of|at|is|rate\s+of|runs\s+at|around|about)?\s*$", re.IGNORECASE
)
# a span of time: "in 25 years", "after 18 months", "for the next 10 years"
_DURATION = re.compile(
    r"\b(?:in|after|for|over|within|during)\s+(?:the\s+next\s+|another\s+|about\s+)?"
    r"(?P<num>\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|fifteen|twenty|thirty|forty|fifty)\s*-?\s*(?P<unit>years?|yrs?|months?|mos?)\b",
    re.IGNORECASE,
)


def parse_number(text: str) -> float:
    """ "1,500" -> 1500, "10 000" -> 10000, "1,5" (a decimal comma) -> 1.5."""
    if re.fullmatch(r"\d+,\d{1,2}", text):
        return float(text.replace(",", "."))
    return float(re.sub(r"[,\s\u00a0\u202f]", "", text))


@cache
def _word_rate() -> tuple[re.Pattern[str], dict[str, float]]:
    """A rate written with words (``advisor/prompts/number_words.yaml``): "four percent",
    "3 and a half percent", "half a percent", and the value of each word."""
    table: dict[str, dict[str, float]] = prompts.data("number_words.yaml")  # type: ignore[assignment]
    values = {str(k).lower(): float(v) for part in table.values() for k, v in part.items()}

    def alternatives(words: dict[str, float]) -> str:
        ordered = sorted((str(w) for w in words), key=len, reverse=True)
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)

    whole, frac = alternatives(table["whole"]), alternatives(table["fractions"])
    pattern = re.compile(
        rf"\b(?:(?P<whole>{whole}|\d+(?:\.\d+)?)(?:\s+and\s+an?\s+(?P<more>{frac}))?"
        rf"|(?:an?\s+)?(?P<part>{frac})(?:\s+(?:of\s+)?(?:a|an|one))?)\s*"
        r"(?:%|percent\b|per\s?cent\b|pct\b)",
        re.IGNORECASE,
    )
    return pattern, values


def read_tax(text: str, taken: list[tuple[int, int]]) -> float | None:
    """The tax rate the message states ("with a 25% tax", "taxed at 30%"), as a fraction;
    its span goes to ``taken`` so it is not read as a yield."""
    for m in _RATE.finditer(text):
        if _TAX_AFTER.match(text, m.end()) or _TAX_BEFORE.search(text[: m.start()]):
            taken.append(m.span())
            return parse_number(m.group("num")) / 100
    return None


def read_rates(text: str, taken: list[tuple[int, int]]) -> list[float]:
    """Yearly rates as fractions, in the order written; their spans go to ``taken``."""
    pattern, words = _word_rate()
    found: list[tuple[int, float]] = []
    for m in pattern.finditer(text):
        whole, more, part = m.group("whole"), m.group("more"), m.group("part")
        if whole and whole[0].isdigit() and not more:
            continue  # "4 percent": the plain form below
        key = re.sub(r"\s+", " ", (whole or part or "").lower())
        value = float(whole) if whole and whole[0].isdigit() else words[key]
        found.append((m.start(), (value + words.get((more or "").lower(), 0.0)) / 100))
        taken.append(m.span())
    for m in _RATE.finditer(text):
        if any(m.start() < b and a < m.end() for a, b in taken):
            continue
        if _INFLATION.match(text, m.end()) or _INFLATION_BEFORE.search(text[: m.start()]):
            taken.append(m.span())  # "3% inflation" is not a yield
            continue
        rate = parse_number(m.group("num")) / 100
        found.append((m.start(), -rate if m.group("neg") else rate))
        taken.append(m.span())
    return [rate for _, rate in sorted(found)]


# "by 60 ... I'm 35", "by age 65, I am 40": the span between two ages; "by 2040": until then
_BY_AGE = re.compile(
    r"\b(?:by|at|until|till)\s+(?:the\s+)?(?:age\s+(?:of\s+)?)?(?P<age>[2-9]\d)\b(?!\s*%)", re.I
)
_AGE_NOW = re.compile(
    r"\b(?:i\s*'?\s*m|i\s+am|aged)\s+(?P<age>[1-9]\d)\b(?!\s*%)"
    r"|\b(?P<old>[1-9]\d)\s+(?:years?\s+old|y/?o)\b",
    re.I,
)
_BY_YEAR = re.compile(
    r"\b(?:by|in|until|till|before)\s+(?:the\s+end\s+of\s+)?(?P<year>20\d\d)\b", re.I
)


def _until(text: str) -> float | None:
    """Months until an age or a calendar year the message names, or None."""
    import datetime as dt

    now, by = _AGE_NOW.search(text), _BY_AGE.search(text)
    if now and by:
        gap = int(by.group("age")) - int(now.group("age") or now.group("old"))
        return gap * 12.0 if gap > 0 else None
    if (year := _BY_YEAR.search(text)) is not None:
        gap = int(year.group("year")) - dt.date.today().year
        return gap * 12.0 if gap > 0 else None
    return None


def span_months(text: str) -> float | None:
    """The first span of time written in ``text`` ("in 25 years", "by 60 if I'm 35",
    "by 2040"), in months."""
    m = _DURATION.search(text)
    if m is None:
        return _until(text)
    raw = m.group("num").lower()
    words = {"a": 1.0, "an": 1.0}
    value = float(raw) if raw[0].isdigit() else words.get(raw) or _whole_words()[raw]
    return value * (12 if m.group("unit").lower().startswith("y") else 1)


@cache
def _whole_words() -> dict[str, float]:
    table: dict[str, dict[str, float]] = prompts.data("number_words.yaml")  # type: ignore[assignment]
    return {str(k).lower(): float(v) for k, v in table["whole"].items()}


def ages(text: str) -> tuple[int | None, int | None]:
    """The age the message says the person is ("I'm 40") and the age it names as a
    deadline ("by 60", "at age 65")."""
    now, by = _AGE_NOW.search(text), _BY_AGE.search(text)
    return (
        int(now.group("age") or now.group("old")) if now else None,
        int(by.group("age")) if by else None,
    )
