"""Amounts, rates, hours and what each amount is for, read from one message by rules:
"$1,500 a month" is an income, "add $400 a month" a contribution, "$50k" a sum, "at 4%"
a yearly rate, "25 hours a month" time. Amounts may be written "20k", "$1.5k", "1,500",
"10 000", "USD 20,000" or with a decimal comma ("1,5 million"); rates "4%", "4 percent",
"4,5 %" or "4 pct"; periods "a month", "monthly", "/mo", "per year", "annually", "p.a.".
Nothing is guessed: what is not written is None."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from advisor import prompts
from advisor.conversation.facts import _CODES, _SYMBOLS
from advisor.worked.rates import ages, parse_number, read_rates, read_tax, span_months

# "1,500.50", "10 000" (a space between thousands), "1,5" (a decimal comma: 1.5), "2.5"
_NUM = (  # "2.000 €": a thousands point, read only before a euro sign or word
    r"(?P<num>(?P<dotted>\d{1,3}(?:\.\d{3})+)(?=\s?(?:€|eur\b|euros?\b))"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.])"
    r"|\d+,\d{1,2}(?![\d,])|\d+(?:\.\d+)?)"
)
_CODES_RE = r"usd|eur|gbp|inr|cad|aud|chf|au?(?=\$)|ca?(?=\$)"  # "A$500", "C$3,000"
_DOLLAR_PREFIX = {"a": "AUD", "au": "AUD", "c": "CAD", "ca": "CAD"}
_POWER = r"(?:\s?(?:\^|\*\*)\s?(?P<power>\d{1,3})|e(?P<exp>\d{1,3}))"
_AFTER = (  # a currency and a period written after the number
    r"(?:\s?(?P<post>[$€£¥₹]))?(?:\s?(?P<code>usd|dollars?|bucks|eur|euros?|gbp|pounds?|quid|inr|rupees|cad|aud|chf)\b)?"
    r"(?P<per>\s?(?:a|per|each|every|/|in\s+a)\s?(?:month|mo|mth|mnth|year|yr|annum|week|wk|quarter|qtr|day)\b"
    r"|\s?(?:pcm|p\.?m\.?|p/m)(?![\w/])"
    r"|\s?(?:monthly|montly|monthy|mothly|mnthly|weekly|yearly|annually|quarterly|daily)\b"
    r"|\s?p\.\s?a\.?(?!\w))?"
)
_MONEY = re.compile(
    rf"(?P<neg>-\s?|minus\s)?(?:\b(?P<pre>{_CODES_RE})\s?)?(?P<sym>[$€£¥₹])?\s?{_NUM}{_POWER}?"
    r"(?:\s?(?P<mult>k|thousand|grand|m|mn|million|bn|billion|trillion|lakhs?|lacs?|crores?|cr|mil|mill"
    r"|(?-i:L))\b)?" + _AFTER,
    re.IGNORECASE,
)
# "401k", "403(b)": a retirement account's name, not money
_ACCOUNT = re.compile(r"(?:401|403|457)\s?\(?[kb]\)?(?!\w)", re.IGNORECASE)
_NOT_MONEY = re.compile(
    r"\s?(?:%|percent|per\s?cent|hours?|hrs?|h\b|years?|yrs?|months?|weeks?|days?|x\b|times)",
    re.IGNORECASE,
)
_HOUR_WORDS = {"zero": 0.0, "a": 1.0, "an": 1.0, "half an": 0.5, "half a": 0.5}
# "30 min a month": time in minutes, read as hours
_MINUTES = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*(?:min|mins|minutes?)\b\s*(?:a|per|each|every|/)?\s*"
    r"(?P<unit>week|wk|day|month)?",
    re.IGNORECASE,
)
_HOURS = re.compile(
    r"(?P<num>\d+(?:\.\d+)?|\b(?:zero|half\s+an?|an?|one|two|three|four|five|six|seven|eight|nine"
    r"|ten|eleven|twelve|fifteen|twenty|thirty|forty))\s*(?:hours?|hrs?|h)\b\s*"
    r"(?:of\s+(?:work|my\s+time|effort)\s*)?(?:a|per|each|every|/)?\s*"
    r"(?P<unit>week|wk|day|month)?",
    re.IGNORECASE,
)
_CONTRIBUTION = re.compile(
    r"\b(?:add(?:ing|ed|s)?|contribut\w*|sav(?:e|ed|ing)|put(?:ting)?(?:\s+(?:in|aside|away))?|deposit\w*|"
    r"invest(?:ing)?|set(?:ting)?\s+aside|top(?:ping)?\s+up|sip\s+of)\s+(?:another\s+|an\s+extra\s+)?$",
    re.IGNORECASE,
)
# "$200 monthly contributions", "$300 a month in deposits": a contribution named after it
_CONTRIBUTION_AFTER = re.compile(
    r"\s*(?:in\s+|of\s+|as\s+an?\s+)?(?:contributions?|deposits?|savings|saved|added|invested|sips?)\b",
    re.IGNORECASE,
)
_YEAR_BEFORE = re.compile(
    r"\b(?:by|in|until|till|before|after|since|from|of|year|around|end\s+of)\s+$", re.IGNORECASE
)
# a sum written after these words is one to reach: "until I have $50k", "to hit $1M",
# "grow to $80,000", "from $20,000 to $80,000", "how long to $50,000", "I'm at 250k"
_TARGET_BEFORE = re.compile(
    r"(?:\breach(?:es|ing)?|\bhit(?:s|ting)?|\bget(?:s|ting)?\s+(?:me\s+|us\s+)?to|\buntil|\btill|\bgrow(?:s|n)?\s+(?:\S+\s+){0,3}?to"
    r"|\b(?:until|till|before|when)\s+(?:i|we|it|my\s+\w+)\s+(?:have|has|hit|reach|get\s+to)"
    r"|(?:\bi\s*'?\s*m|\bam|\bis|\bare)\s+at|\b(?:to|will|would|i'?ll|i'?d)\s+have"
    r"|\baccumulat\w*|\bbuild(?:ing)?(?:\s+up)?(?:\s+(?:a|an|my))?|\bsav(?:e|ing)(?:\s+up)?"
    r"|\bamass|\bbecomes?|\bto\s+get|\bturn\s+into|\b(?:i|we)\s+(?:want|need)|^\s*need"
    r"|\b(?:goal|target)\s*(?:is|of|:)|\bhow\s+long\s+to|\bturn(?:s|ed)?\s+(?:\S+\s+){0,3}?into"
    r"|(?:\d|\bk|\bthousand|\bmillion|\bgrand)\s+to)"
    r"\s+(?:about\s+|around\s+|roughly\s+|a\s+total\s+of\s+|at\s+least\s+)?$",
    re.IGNORECASE,
)
# a sum that is the start of a growth: "$50k becomes $100k", "$5,000 grows to"
_GROWS_AFTER = re.compile(
    r"\s*(?:will\s+|would\s+)?(?:becomes?|grows?|turns?\s+into|reach(?:es)?|hits?|doubles?)\b",
    re.IGNORECASE,
)
# what an amount pays for, when no period is written: "my $1,800 rent" is a month's,
# "a $70k salary" a year's (a salary under 12,000 is taken as a month's)
_COST_AFTER = re.compile(
    r"\s*(?:in\s+|of\s+|for\s+)?(?:monthly\s+|annual\s+|yearly\s+)?"
    r"(?P<noun>rent|mortgage|bills|expenses|living\s+costs|salary|wages?|paycheck|pension)\b",
    re.IGNORECASE,
)
_COST_BEFORE = re.compile(
    r"\b(?P<noun>rent|mortgage|bills|expenses|living\s+costs|salary|wages?|paycheck|pension)"
    r"\s+(?:of|is|are|at|was|costs?|runs?)?\s*(?:about\s+|around\s+)?$",
    re.IGNORECASE,
)
# "from 0 capital", "with 50 saved": a small bare number that is money all the same
_SUM_AFTER = re.compile(r"\s*(?:capital|savings|saved|invested|in\s+savings)\b", re.IGNORECASE)
_BARE_PM = re.compile(r"\s?p\.?m\.?", re.IGNORECASE)
WEEKS_A_YEAR = 52
_RATE_OF = re.compile(r"(?:%|\bpercent|\bper\s?cent|\bpct)\s+of\s*$", re.IGNORECASE)
_MULT = {
    "hundred": 1e2,
    "hundred thousand": 1e5,
    "hundred million": 1e8,
    "k": 1e3,
    "thousand": 1e3,
    "grand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mil": 1e6,
    "mill": 1e6,
    "lakh": 1e5,  # India: 1 lakh = 100,000; 1 crore = 10,000,000; "1.5L"
    "l": 1e5,
    "lakhs": 1e5,
    "lac": 1e5,
    "lacs": 1e5,
    "crore": 1e7,
    "crores": 1e7,
    "cr": 1e7,
    "million": 1e6,
}
_MULT |= {"bn": 1e9, "billion": 1e9, "trillion": 1e12}


@dataclass
class Amount:
    value: float
    currency: str | None
    per: str | None  # "month", "year" or None (a sum)
    role: str  # "income", "contribution" or "sum"
    marked: bool  # written as money ($, a code, k/million) or with a period
    start: int = -1  # where the message writes it (-1: not from a message)
    target: bool = False  # a sum to reach ("until I have $50k", "to hit $1M")


@dataclass
class Numbers:
    """What one message states; lists keep the order they were written in."""

    amounts: list[Amount] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)  # fractions a year: 0.04
    hours_per_month: float | None = None
    hours_per_week: float | None = None
    duration_months: float | None = None  # "in 25 years", "after 18 months"
    tax_rate: float | None = None  # "with a 25% tax": a fraction
    age_now: int | None = None  # "I'm 40"
    age_by: int | None = None  # "by 60", "at age 65"

    @property
    def currency(self) -> str | None:
        return next((a.currency for a in self.amounts if a.currency), None)

    def first(self, role: str) -> Amount | None:
        return next((a for a in self.amounts if a.role == role), None)


@cache
def _word_money() -> tuple[re.Pattern[str], dict[str, float]]:
    """An amount written with words ("two thousand a month", "a grand"), with the
    words of ``advisor/prompts/number_words.yaml``, and the value of each word."""
    table: dict[str, dict[str, float]] = prompts.data("number_words.yaml")  # type: ignore[assignment]
    values = {str(k).lower(): float(v) for k, v in table["whole"].items()} | {"a": 1.0, "an": 1.0}
    values |= {"half a": 0.5, "a half": 0.5, "quarter of a": 0.25, "a quarter of a": 0.25}
    ordered = sorted(values, key=len, reverse=True)
    words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)
    tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    units = "one|two|three|four|five|six|seven|eight|nine"
    pattern = re.compile(  # "twenty-five thousand", "fifty thousand euros", "a grand"
        rf"\b(?P<sym>)(?P<pre>)(?P<neg>)(?P<power>)(?P<exp>)"
        rf"(?P<num>(?P<dotted>)(?:(?:{tens})[\s-](?:{units})|{words}))\s+"
        r"(?P<mult>hundred\s+thousand|hundred\s+million|hundred|thousand|grand|million|mil|mill"
        r"|billion)\b" + _AFTER,
        re.IGNORECASE,
    )
    return pattern, values


def _words_value(raw: str) -> float:
    """ "fifty" -> 50, "twenty-five" -> 25, "half a" -> 0.5."""
    values = _word_money()[1]
    key = re.sub(r"\s+", " ", raw.lower())
    if key in values:
        return values[key]
    return sum(values[part] for part in re.split(r"[\s-]+", key))


def _value(m: re.Match[str]) -> float:
    raw = m.group("num")
    if raw[0].isalpha():
        value = _words_value(raw)
    else:
        value = float(raw.replace(".", "")) if m.group("dotted") else parse_number(raw)
    if m.group("power"):
        value = value ** int(m.group("power"))
    elif m.group("exp"):
        value *= 10 ** int(m.group("exp"))
    value *= _MULT.get(re.sub(r"\s+", " ", (m.group("mult") or "").lower()), 1.0)
    return -value if m.group("neg") else value


def _per(text: str | None) -> str | None:
    """ "year", "quarter", "week", "day" or "month" for the period written after an
    amount."""
    if not text:
        return None
    if re.search(r"year|yr|annum|annually|p\.\s?a", text, re.IGNORECASE):
        return "year"
    if re.search(r"quarter|qtr", text, re.IGNORECASE):
        return "quarter"
    if re.search(r"day|daily", text, re.IGNORECASE):
        return "day"
    return "week" if re.search(r"week|wk", text, re.IGNORECASE) else "month"


def _cost_period(text: str, m: re.Match[str], before: str, value: float) -> str | None:
    """ "month" for "$1,800 rent", "year" for "a $70k salary", else None."""
    found = _COST_AFTER.match(text, m.end()) or _COST_BEFORE.search(before)
    if found is None:
        return None
    pay = found.group("noun").lower() in {"salary", "wage", "wages", "pension"}
    return "year" if pay and value >= 12_000 else "month"


def _calendar_year(text: str, m: re.Match[str], value: float) -> bool:
    """ "by 2030", "in 2028": a year written as a bare number, not money."""
    return 1900 <= value <= 2100 and bool(_YEAR_BEFORE.search(text[: m.start("num")]))


def _amounts(text: str, taken: list[tuple[int, int]]) -> list[Amount]:
    found: list[Amount] = []
    matches = [*_MONEY.finditer(text), *_word_money()[0].finditer(text)]
    for m in sorted(matches, key=lambda m: m.start()):
        if any(m.start("num") < b and a < m.end("num") for a, b in taken):
            continue
        if _ACCOUNT.match(text, m.start("num")):
            continue
        if not m.group("per") and _NOT_MONEY.match(text, m.end()):
            continue
        marked = bool(
            m.group("sym")
            or m.group("post")
            or m.group("code")
            or m.group("pre")
            or m.group("mult")
            or m.group("per")
        )
        if _BARE_PM.fullmatch(m.group("per") or "") and not (
            m.group("sym")
            or m.group("post")
            or m.group("code")
            or m.group("pre")
            or m.group("mult")
        ):
            continue  # "at 5 pm": a time of day, not 5 a month
        value = _value(m)
        small = abs(value) < 100 and not _SUM_AFTER.match(text, m.end())
        if not marked and (small or _calendar_year(text, m, value)):
            continue  # "2 streams", "in 10": a count, not money; "by 2030": a year
        before = text[max(0, m.start() - 40) : m.start()].rstrip() + " "
        per = _per(m.group("per")) or _cost_period(text, m, before, value)
        if per == "week":  # "$500 a week": read as the same money a month
            value, per = value * WEEKS_A_YEAR / 12, "month"
        elif per == "quarter":  # "$1,000 a quarter": a third of it a month
            value, per = value / 3, "month"
        elif per == "day":  # "$50 a day": the same money a month
            value, per = value * 365 / 12, "month"
        if _RATE_OF.search(before):  # "4% of 500k per month": the rate's base, a sum
            per = None
        if per and (_CONTRIBUTION.search(before) or _CONTRIBUTION_AFTER.match(text, m.end())):
            role = "contribution"
        elif per:
            role = "income"
        else:
            role = "sum"
        code = (m.group("code") or m.group("pre") or "").lower()
        code = "gbp" if code == "quid" else code
        currency = _DOLLAR_PREFIX.get(code) or (
            _SYMBOLS.get(m.group("sym") or m.group("post") or "") or _CODES.get(code)
        )
        target = per is None and bool(_TARGET_BEFORE.search(before))
        target = target and not _GROWS_AFTER.match(text, m.end())  # "until $50k becomes"
        found.append(Amount(value, currency, per, role, marked, m.start(), target))
    return found


def read_numbers(text: str) -> Numbers:
    """Amounts, yearly rates and hours stated in ``text``."""
    numbers = Numbers()
    taken: list[tuple[int, int]] = []
    numbers.tax_rate = read_tax(text, taken)
    numbers.rates = read_rates(text, taken)
    stated: tuple[float, str | None] | None = None  # the first hours and their period
    for m in _MINUTES.finditer(text):
        taken.append(m.span())
        if stated is None:
            stated = float(m.group("num")) / 60, m.group("unit")
    for m in _HOURS.finditer(text):
        taken.append(m.span())
        if stated is None:
            raw = re.sub(r"\s+", " ", m.group("num").lower())
            hours = float(raw) if raw[0].isdigit() else _HOUR_WORDS.get(raw)
            if hours is None:
                hours = _word_money()[1][raw]
            stated = hours, m.group("unit")
    numbers.amounts = _amounts(text, taken)
    numbers.duration_months = span_months(text)
    numbers.age_now, numbers.age_by = ages(text)
    if stated is not None:
        hours, unit = stated
        # "$20,000 a month for 160 hours": hours without a period share the pay's
        pay = next((a.per for a in numbers.amounts if a.per == "month"), None)
        unit = (unit or pay or "week").lower()
        numbers.hours_per_week = {"day": hours * 7, "month": hours * 12 / 52}.get(unit, hours)
        numbers.hours_per_month = {"month": hours, "day": hours * 365 / 12}.get(
            unit, hours * 52 / 12
        )
    return numbers
