"""How a message is answered, decided before any engine runs, by rules and the stream
catalog (no model call): a calculation, a comparison, a passivity check or a
preference update is worked out by :mod:`advisor.worked`; anything else goes on to the
guard, the recommender or the engine. The service records the route on the answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from advisor.core.answers import Turn
from advisor.core.settings import Settings
from advisor.users.statements.questions import StatementQuestion, asks_statement
from advisor.worked.asks import (
    CAPITAL_CUE,
    FOLLOW_UP,
    INCOME_CUE,
    INCOME_WORDS,
    LIVE_OFF,
    MONTHS_CUE,
    MULTIPLY,
    NEEDS_YIELD,
    PERIOD_ONLY,
    asks_advice,
    asks_calculation,
    implied_with_earlier,
    implies_calculation,
    without_tax_word,
)
from advisor.worked.comparison import asks_comparison
from advisor.worked.effort import wants_less_effort
from advisor.worked.names import Mention, mentions
from advisor.worked.passive import asks_passivity, employed
from advisor.worked.preference import PREFERENCE_CUE, conversation_facts, stated_facts
from advisor.worked.reading import Numbers, read_numbers

# Every route an answer can carry, in the order the service tries them.
ROUTES = (
    "small_talk",
    "decline",
    "basics",
    "statement",
    "passivity",
    "calculation",
    "comparison",
    "preference",
    "suggestions",
    "general",
)
WORKED = frozenset({"passivity", "calculation", "comparison", "preference", "statement"})
# routes whose text is composed by code from the catalog and the calculators, around quotes
COMPOSED = WORKED | {"suggestions", "basics"}
_WHY = re.compile(r"\s*(?:but\s+|and\s+|so\s+)?why\b", re.IGNORECASE)


def streams(found: Sequence[Mention]) -> list[str]:
    return [m.stream for m in found if m.stream]


@dataclass
class Plan:
    """What the router read: the route (one of :data:`WORKED`, or None to leave the
    message to the guard and the engine) and what it read to choose it."""

    route: str | None
    numbers: Numbers
    found: list[Mention]
    earlier: list[Numbers] = field(default_factory=list)  # numbers of earlier user turns
    facts: dict[str, Any] = field(default_factory=dict)  # profile facts the message states
    known: dict[str, Any] = field(default_factory=dict)  # facts of the earlier turns
    statement: StatementQuestion | None = None  # what it asks of the person's statements
    settings: Settings | None = None  # where the person's statements are kept
    text: str = ""  # the message the route was read from (spelt right, if that chose it)
    asked: str = ""  # the words that say which calculation, for a follow-up ("and at 4%?")
    previous: str = ""  # the user's turn before this one


def plan(text: str, turns: Sequence[Turn] = (), settings: Settings | None = None) -> Plan:
    """The route for ``text`` after ``turns`` (``settings``: where the person's data is,
    for the routes that read it). Words typed on a phone ("hw mch", "wat") are read as
    the words meant first."""
    text = phone_words(text)
    numbers, found = read_numbers(text), mentions(text)
    earlier = [read_numbers(t.content) for t in turns if t.role == "user"]
    result = Plan(None, numbers, found, earlier, stated_facts(text), conversation_facts(turns))
    result.settings, result.text = settings, text
    result.previous = next((t.content for t in reversed(turns) if t.role == "user"), "")
    subject = asks_passivity(text)
    # the hours here, the pay here or in the turn before ("my blog earns €200 a month" ...
    # "I work on it 20 hours a month: passive?")
    pay = [*numbers.amounts, *(earlier[-1].amounts if earlier else [])]
    described = numbers.hours_per_month is not None and (
        any(a.per for a in pay) or bool(numbers.amounts)  # "6h a month for 200"
    )
    named = [m for m in mentions(subject or "") if m.stream]
    # "why would X be more passive than Y?" asks for reasons: the articles give them
    reasons = bool(_WHY.match(text))
    one = len(named) == 1 and len(streams(found)) == 1 and not reasons
    result.statement = asks_statement(text)  # the person's own money, from their statements
    if result.statement is not None:
        result.route = "statement"
    elif subject is not None and (described or one or employed(text)):
        result.route = "passivity"
    elif asks_calculation(text) and (_figured(numbers) or _refers(text, earlier, found)):
        result.route = "calculation"
    elif asks_comparison(text, found) and not reasons:
        result.route = "comparison"
    elif (_figured(numbers) or PERIOD_ONLY.match(text)) and (
        asked := _follows_calculation(text, turns)
    ):
        result.route, result.asked = "calculation", asked  # "and at 4 percent?"
    elif result.facts and (PREFERENCE_CUE.search(text) or (turns and "?" not in text)):
        result.route = "preference"
    elif implies_calculation(text, numbers, yields=_yields(found)):
        result.route = "calculation"  # "$750 a month at 4.5 percent: the capital?"
    elif implied_with_earlier(text, numbers, earlier, yields=_yields(found)):
        result.route = "calculation"  # "I have $80,000." ... "what's that monthly at 5%?"
    if result.route == "calculation" and not streams(found) and earlier and not earlier[-1].rates:
        # "Suppose I put 300k into REITs" ... "what's the monthly income?": that stream
        last = next((t.content for t in reversed(turns) if t.role == "user"), "")
        result.found = [*found, *(m for m in mentions(last) if m.stream)]
    elif not streams(found) and wants_less_effort(text, mid_chat=bool(turns)):
        result.route = "preference"  # "something with less hassle": a time criterion
    return result


_REFERENT = re.compile(r"\b(?:that|this|it|those|these|then)\b", re.IGNORECASE)


def phone_words(text: str) -> str:
    """``text`` with the words of ``advisor/prompts/phone_words.yaml`` written out, and
    "two thousand five hundred" as "2,500"."""
    table, pattern = _phone_table()
    return _thousands_in_words(pattern.sub(lambda m: table[m.group(0).lower()], text))


_UNITS = "one two three four five six seven eight nine".split()
_THOUSAND_HUNDRED = re.compile(
    rf"\b(?P<k>{'|'.join(_UNITS)}|ten|twenty|fifty)\s+thousand\s+(?:and\s+)?"
    rf"(?P<h>{'|'.join(_UNITS)})\s+hundred\b",
    re.IGNORECASE,
)
_WORD_VALUE = {w: i for i, w in enumerate(_UNITS, start=1)} | {"ten": 10, "twenty": 20, "fifty": 50}


def _thousands_in_words(text: str) -> str:
    def digits(m: re.Match[str]) -> str:
        value = _WORD_VALUE[m.group("k").lower()] * 1000 + _WORD_VALUE[m.group("h").lower()] * 100
        return f"{value:,}"

    return _THOUSAND_HUNDRED.sub(digits, text)


@cache
def _phone_table() -> tuple[dict[str, str], re.Pattern[str]]:
    from advisor import prompts

    table = {str(k).lower(): str(v) for k, v in prompts.data("phone_words.yaml").items()}
    words = "|".join(re.escape(w) for w in sorted(table, key=len, reverse=True))
    return table, re.compile(rf"(?<![\w'$€£.])(?:{words})(?![\w'.])", re.IGNORECASE)


def _figured(numbers: Numbers) -> bool:
    """An amount, a rate or a span of time ("how much will I have after 12 years?")."""
    return bool(numbers.amounts or numbers.rates or numbers.duration_months or numbers.tax_rate)


def _yields(found: Sequence[Mention]) -> bool:
    """Whether a stream named has a typical yield in the catalog (a rate to use)."""
    from advisor.recommender import load_catalog

    catalog = load_catalog()
    return any(catalog.get(s).returns.unit == "annual_yield" for s in streams(found))


_FILLER = re.compile(r"^\s*(?:(?:so|and|ok(?:ay)?|then|well|right|alright)\b[\s,]*)+", re.I)


def _refers(text: str, earlier: Sequence[Numbers], found: Sequence[Mention] = ()) -> bool:
    """A calculation asked with no figure of its own ("how much would I need?", "how long
    would that take?", "what would p2p lending pay me monthly?") takes the figures of the
    earlier turns, when they state some: a short question, one that points back at them,
    or one that names a stream with a typical yield. "How long to double?" needs none;
    "how much capital do I need for a monthly income?" asks for the income."""
    if MULTIPLY.search(text) and MONTHS_CUE.search(text):
        return True  # "how long until my savings double?": the return is asked for
    if INCOME_WORDS.search(text) and CAPITAL_CUE.search(text):
        return True  # answered with the one figure still needed
    if NEEDS_YIELD.search(text) or (LIVE_OFF.search(text) and MONTHS_CUE.search(text)):
        return True  # "what yield do I need?", "how long until I can live off it?"
    words = _FILLER.sub("", text).split()  # "so how much do I need?": five words
    short = len(words) <= 5 or bool(_REFERENT.search(text)) or _yields(found)
    # an income or a rate to work from; a sum alone answers only what it would pay
    usable = any(n.first("income") or n.rates for n in earlier) or bool(
        INCOME_CUE.search(text) and any(n.first("sum") for n in earlier)
    )
    return short and usable


def _follows_calculation(text: str, turns: Sequence[Turn]) -> str | None:
    """For "and at 4 percent?" right after a calculation question: that question and
    this message, whose words together say which calculation; else None."""
    plain = without_tax_word(text)  # "and after a 20% tax?"
    if not (FOLLOW_UP.match(text) or PERIOD_ONLY.match(text)) or asks_advice(plain):
        return None
    last = next((t.content for t in reversed(turns) if t.role == "user"), None)
    return f"{last} {text}" if last is not None and asks_calculation(last) else None


def plan_message(
    text: str, spelt: str, turns: Sequence[Turn] = (), settings: Settings | None = None
) -> Plan:
    """The route for ``text``, or, when it reads none, for ``spelt`` (the message spelt
    right: "how mcuh do I need ..." is a calculation too)."""
    result = plan(text, turns, settings)
    if result.route is None and spelt != text:
        corrected = plan(spelt, turns, settings)
        if corrected.route is not None:
            return corrected
    return result
