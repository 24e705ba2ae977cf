"""Profile facts a person types in the chat: "I have $20,000 and 5 hours a week, low
risk, I write well" → capital 20000, hours_per_week 5, risk_tolerance low, skills
[writing]. Rules, no model: each pattern names the field it fills, and a message that
states no fact gives ``{}``. The facts are offered to the person to save; nothing here
saves them."""

from __future__ import annotations

import re
from typing import Any

_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CODES = {
    "usd": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "bucks": "USD",
    "eur": "EUR",
    "euros": "EUR",
    "euro": "EUR",
    "gbp": "GBP",
    "pounds": "GBP",
    "pound": "GBP",
    "inr": "INR",
    "rupees": "INR",
    "cad": "CAD",
    "aud": "AUD",
    "chf": "CHF",
}
_MONEY = (
    r"(?P<sym>[$€£¥₹])?\s?(?P<num>\d{1,3}(?:[,\s]\d{3})+|\d+(?:\.\d+)?)\s?"
    r"(?P<mult>k|K|thousand|grand|m|M|million|lakhs?|lacs?|crores?|(?-i:L))?\b\s?"
    r"(?P<code>usd|dollars?|bucks|eur|euros?|gbp|pounds?|inr|rupees|cad|aud|chf)?\b"
)
_PER_MONTH = r"(?:a|per|each|every|/)\s?(?:month|mo)\b|monthly"
_CAPITAL = re.compile(
    rf"\b(?:i\s+have|i've\s+got|i\s+got|(?:and|but|also)\s+(?:already\s+)?have(?:\s+got)?|i\s+own|i\s+hold|i\s+saved|i\s+have\s+saved|"
    rf"savings\s+of|saved\s+up|with|capital\s+of|invest|budget\s+of|sitting\s+on)\s+"
    rf"(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|some\s+|over\s+|)"
    rf"{_MONEY}(?!\s*(?:{_PER_MONTH}))(?!\s*(?:hours?|hrs?|h|years?|yrs?|months?)\b)",
    re.IGNORECASE,
)
_SURPLUS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\b(?:(?:i\s+)?(?:have|can\s+(?:spare|save|invest|put\s+(?:aside|away|in))|save|put\s+aside"
        rf"|set\s+aside|got)|surplus\s+(?:is|of)|leftover\s+of)\s+(?:about\s+|around\s+|)"
        rf"{_MONEY}\s*(?:left\s+over\s+|spare\s+|to\s+spare\s+|extra\s+|free\s+)?(?:{_PER_MONTH})",
        rf"{_MONEY}\s*(?:{_PER_MONTH})\s*(?:left\s+over|to\s+spare|spare|to\s+invest|surplus)",
        rf"{_MONEY}\s*(?:left\s+over|to\s+spare|spare|to\s+invest)\s*(?:{_PER_MONTH})",
    )
]
_GOAL = re.compile(
    rf"\b(?:make|earn|get|goal\s+(?:is|of)|target\s+(?:is|of)|want|reach|aim\s+for|need)\s+"
    rf"(?:at\s+least\s+|about\s+|around\s+|an\s+extra\s+|)?{_MONEY}\s*(?:{_PER_MONTH})",
    re.IGNORECASE,
)
# "How much would I need to earn $1,000 a month?": a goal asked about, not a goal stated
_HYPOTHETICAL = re.compile(
    r"\b(?:how\s+(?:much|long|many)|what\s+if|what\s+would|if\s+i\s+(?:wanted|want)|would|"
    r"could)\b",
    re.IGNORECASE,
)


def _asked_about(text: str, m: re.Match[str]) -> bool:
    """Whether ``m`` sits in a sentence that asks a what-if rather than states a fact."""
    start = max(text.rfind(c, 0, m.start()) for c in ".!?\n") + 1
    return bool(_HYPOTHETICAL.search(text[start : m.start()]))


# The basics: claimed before savings, surplus and goals, so "$20,000 of card debt" is
# never read as capital nor "$3,000 a month of expenses" as a surplus.
_DEBT_KIND = (
    r"(?:high[- ]interest\s+|credit[- ]?card\s+|card\s+|consumer\s+|personal[- ]loan\s+)"
    r"(?:debts?|balances?)|debts?\s+on\s+(?:my\s+)?(?:credit\s+)?cards?"
)
_DEBT = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"{_MONEY}\s*(?:of|in)\s+(?:{_DEBT_KIND}|debts?)",
        rf"\b(?:{_DEBT_KIND})\s+(?:of|is|are|totals?|at)\s+(?:about\s+|around\s+|)?{_MONEY}",
        rf"\bi\s+owe\s+(?:about\s+|around\s+|)?{_MONEY}",
    )
]
_DEBT_RATE = re.compile(
    r"\b(?:at|rate\s+of|charging|costs?)\s+(?:about\s+|around\s+|)?(?P<rate>\d{1,3}(?:\.\d+)?)\s*%"
    r"|(?P<rate2>\d{1,3}(?:\.\d+)?)\s*%\s*(?:apr|interest)",
    re.IGNORECASE,
)
_NO_DEBT = re.compile(
    r"\b(?:no|zero|don'?t\s+have\s+any)\s+(?:high[- ]interest\s+|credit[- ]?card\s+|card\s+"
    r"|consumer\s+)?debts?\b|\bdebt[- ]free\b",
    re.IGNORECASE,
)
_EXPENSES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\b(?:expenses|living\s+costs|bills|costs\s+of\s+living)\s+(?:are|is|of|come\s+to|"
        rf"total|run)\s+(?:about\s+|around\s+|roughly\s+|)?{_MONEY}(?:\s*(?:{_PER_MONTH}))?",
        rf"\bi\s+spend\s+(?:about\s+|around\s+|roughly\s+|)?{_MONEY}\s*(?:{_PER_MONTH})",
        rf"{_MONEY}\s*(?:{_PER_MONTH})\s+(?:in|of|for)\s+(?:living\s+)?(?:expenses|bills)",
    )
]
_NO_BUFFER = re.compile(
    r"\b(?:no|zero|don'?t\s+have\s+an?)\s+(?:emergency\s+(?:fund|savings|cushion|buffer)|savings)\b"
    r"|\bnothing\s+saved\b|\b[$€£]?0\s+(?:saved|in\s+savings)\b",
    re.IGNORECASE,
)
_BUFFER = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\bemergency\s+(?:fund|savings|cushion|buffer)\s+(?:of|is|has)\s+(?:about\s+|around\s+|)?{_MONEY}",
        rf"{_MONEY}\s*(?:in|as)\s+(?:an?\s+|my\s+)?emergency\s+(?:fund|savings|cushion|buffer)",
    )
]
_BUFFER_MONTHS = re.compile(
    r"\b(?P<num>\d{1,2}(?:\.\d+)?)\s+months?\s+(?:of\s+(?:expenses|living\s+costs)\s+)?"
    r"(?:saved|set\s+aside|in\s+(?:an?\s+|my\s+)?emergency|of\s+(?:an?\s+)?emergency|emergency)",
    re.IGNORECASE,
)
_HOURS = re.compile(
    r"(?<!work )(?<!working )(?P<num>\d+(?:\.\d+)?)\s*(?:free\s+|spare\s+)?(?:hours?|hrs?|h)\b\s*"
    r"(?:a|per|each|every|/)?\s*(?P<unit>week|wk|day|month)?",
    re.IGNORECASE,
)
_HOURS_CONTEXT = re.compile(
    r"\b(?:have|got|spare|free|available|only"
    r"|(?:can|could)\s+(?:put|give|spend|invest|devote|commit|do|manage|spare|find))\b",
    re.IGNORECASE,
)
_HORIZON = re.compile(
    r"\b(?:in|within|over|for|next|horizon\s+of)\s+(?:the\s+next\s+)?(?P<num>\d{1,2})\s*"
    r"(?:years?|yrs?)\b",
    re.IGNORECASE,
)
_RISK = [
    (
        "low",
        re.compile(
            r"\b(?:low|little|no|minimal)\s+risk\b|\brisk[- ]averse\b|\bcan'?t\s+afford\s+to\s+lose"
            r"|\bplay(?:ing)?\s+it\s+safe\b|\bconservative\b|\bsafe\s+options?\b",
            re.IGNORECASE,
        ),
    ),
    ("medium", re.compile(r"\b(?:medium|moderate|some)\s+risk\b|\bbalanced\b", re.IGNORECASE)),
    (
        "high",
        re.compile(
            r"\bhigh\s+risk\b|\blots?\s+of\s+risk\b|\brisk[- ]tolerant\b|\baggressive\b"
            r"|\bcomfortable\s+with\s+risk\b",
            re.IGNORECASE,
        ),
    ),
]
# "I write well", "I'm a programmer", "good at teaching": phrase → canonical skill
_SKILLS = [
    ("writing", r"\bi\s+(?:can\s+)?write\b|\bwriter\b|\bgood\s+at\s+writing\b|\bwriting\b"),
    (
        "programming",
        r"\bprogramm(?:er|ing)\b|\bdeveloper\b|\bi\s+(?:can\s+)?code\b|\bsoftware\s+engineer\b",
    ),
    ("teaching", r"\bteach(?:er|ing)?\b|\btutor(?:ing)?\b"),
    ("design", r"\bdesign(?:er|ing)?\b"),
    ("photography", r"\bphotograph(?:er|y)\b"),
    ("marketing", r"\bmarketing\b|\bmarketer\b"),
    ("video", r"\bvideo(?:s| editing)?\b|\byoutube\b"),
    ("music", r"\bmusic(?:ian)?\b"),
    ("sales", r"\bsales\b|\bselling\b"),
    ("investing", r"\binvestor\b|\binvesting\s+experience\b"),
]


_WHAT_TO_DO = re.compile(
    r"\b(?:what|which|where|how)\b[^.?!]{0,40}\b(?:should|could|can|would|do)\s+i\b"
    r"|\b(?:suggest|recommend|ideas?|options?|advice|advise|suits?\s+me|fits?\s+me)\b"
    r"|\bwhere\s+(?:do|should)\s+i\s+start\b|\bwhat\s+now\b",
    re.IGNORECASE,
)


def asks_what_to_do(text: str) -> bool:
    """Whether a message that states facts also asks what to do with them."""
    return bool(_WHAT_TO_DO.search(text))


def _amount(m: re.Match[str]) -> tuple[float, str | None]:
    num = float(re.sub(r"[,\s]", "", m.group("num")))
    mult = (m.group("mult") or "").lower()
    if mult in {"k", "thousand", "grand"}:
        num *= 1_000
    elif mult in {"m", "million"}:
        num *= 1_000_000
    elif mult in {"l", "lakh", "lakhs", "lac", "lacs"}:  # India: 1 lakh = 100,000
        num *= 100_000
    elif mult in {"crore", "crores"}:
        num *= 10_000_000
    currency = _SYMBOLS.get(m.group("sym") or "") or _CODES.get((m.group("code") or "").lower())
    return num, currency


def _basics(
    text: str,
    facts: dict[str, Any],
    spans: list[tuple[int, int]],
    free: Any,
) -> str | None:
    """The emergency fund, monthly expenses and high-interest debt stated in ``text``,
    into ``facts``; their spans are claimed so no other field reads the same money."""
    currency: str | None = None
    for field, patterns in (
        ("high_interest_debt", _DEBT),
        ("monthly_expenses", _EXPENSES),
        ("emergency_fund", _BUFFER),
    ):
        found = (m for pattern in patterns for m in pattern.finditer(text) if free(m))
        if m := next(found, None):
            facts[field], cur = _amount(m)
            currency = currency or cur
            spans.append(m.span())
    if "high_interest_debt" in facts and (rate := _DEBT_RATE.search(text)):
        facts["debt_rate"] = float(rate.group("rate") or rate.group("rate2"))
        spans.append(rate.span())
    elif "high_interest_debt" not in facts and (m := _NO_DEBT.search(text)):
        facts["high_interest_debt"] = 0.0
        spans.append(m.span())
    if "emergency_fund" not in facts:
        if m := _BUFFER_MONTHS.search(text):
            facts["emergency_fund_months"] = float(m.group("num"))
            spans.append(m.span())
        elif _NO_BUFFER.search(text):  # its span stays free: "$0 saved" is capital too
            facts["emergency_fund"] = 0.0
    return currency


def extract_facts(text: str) -> dict[str, Any]:
    """The profile fields stated in ``text`` (only those; ``{}`` when none)."""
    facts: dict[str, Any] = {}
    currency: str | None = None
    spans: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return not any(m.start() < end and start < m.end() for start, end in spans)

    currency = _basics(text, facts, spans, free)
    for field, patterns in (("goal_monthly_income", [_GOAL]), ("monthly_surplus", _SURPLUS)):
        found = (
            m
            for pattern in patterns
            for m in pattern.finditer(text)
            if free(m) and not (field == "goal_monthly_income" and _asked_about(text, m))
        )
        if m := next(found, None):
            facts[field], cur = _amount(m)
            currency = currency or cur
            spans.append(m.span())
    for m in _CAPITAL.finditer(text):
        if free(m) and (m.group("sym") or m.group("mult") or m.group("code") or m.group("num")):
            amount, cur = _amount(m)
            if amount >= 10 or m.group("sym") or m.group("code"):
                facts["capital"], currency = amount, currency or cur
                spans.append(m.span())
                break
    for m in _HOURS.finditer(text):
        before, after = text[max(0, m.start() - 30) : m.start()], text[m.end() : m.end() + 20]
        if re.search(r"\bwork", before, re.IGNORECASE) or not (
            _HOURS_CONTEXT.search(before) or _HOURS_CONTEXT.search(m.group(0) + after)
        ):
            continue
        unit = (m.group("unit") or "week").lower()
        hours = float(m.group("num")) * {"day": 7, "month": 12 / 52}.get(unit, 1)
        facts["hours_per_week"] = round(hours, 1)
        break
    if m := _HORIZON.search(text):
        facts["horizon_years"] = float(m.group("num"))
    for level, pattern in _RISK:
        if pattern.search(text):
            facts["risk_tolerance"] = level
            break
    skills = [name for name, pattern in _SKILLS if re.search(pattern, text, re.IGNORECASE)]
    if skills:
        facts["skills"] = skills
    money_fields = ("capital", "monthly_surplus", "goal_monthly_income", "high_interest_debt",
                    "monthly_expenses", "emergency_fund")  # fmt: skip
    if currency and any(k in facts for k in money_fields):
        facts["currency"] = currency
    return facts


def describe(facts: dict[str, Any]) -> str:
    """The facts as a person would say them back: "savings of $20,000; 5 hours a week"."""
    from advisor.core.formats import money

    cur = facts.get("currency") or None
    parts: list[str] = []
    if "capital" in facts:
        parts.append(f"savings of {money(facts['capital'], cur)}")
    if "monthly_surplus" in facts:
        parts.append(f"{money(facts['monthly_surplus'], cur)} a month to spare")
    if "goal_monthly_income" in facts:
        parts.append(f"a goal of {money(facts['goal_monthly_income'], cur)} a month")
    if "hours_per_week" in facts:
        parts.append(f"{facts['hours_per_week']:g} hours a week")
    if "risk_tolerance" in facts:
        parts.append(f"{facts['risk_tolerance']} risk tolerance")
    if "horizon_years" in facts:
        parts.append(f"a {facts['horizon_years']:g}-year horizon")
    if "skills" in facts:
        parts.append("skills: " + ", ".join(facts["skills"]))
    if facts.get("emergency_fund") == 0:
        parts.append("no emergency fund")
    elif "emergency_fund" in facts:
        parts.append(f"an emergency fund of {money(facts['emergency_fund'], cur)}")
    if "emergency_fund_months" in facts:
        parts.append(f"an emergency fund of {facts['emergency_fund_months']:g} months of expenses")
    if "monthly_expenses" in facts:
        parts.append(f"expenses of {money(facts['monthly_expenses'], cur)} a month")
    if facts.get("high_interest_debt") == 0:
        parts.append("no high-interest debt")
    elif "high_interest_debt" in facts:
        debt = f"high-interest debt of {money(facts['high_interest_debt'], cur)}"
        rate = f" at {facts['debt_rate']:g}% a year" if "debt_rate" in facts else ""
        parts.append(debt + rate)
    return "; ".join(parts)
