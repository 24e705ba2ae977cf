"""Whether a message asks to buy (or sell) a named pick: one company's shares, one fund
or one coin ("Should I buy Nvidia shares?", "is apple a good investment", "VOO or
QQQ?"), as opposed to a kind of investment ("should I buy dividend stocks?")."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from advisor import prompts
from advisor.conversation.vocabulary import is_word
from advisor.core.answers import Passage

_TOKEN = re.compile(r"\$?[A-Za-z][\w&'’.-]*[A-Za-z0-9]|\$?[A-Za-z]")
# Where a name goes: after a verb of buying, before a security's noun, or asked about.
_AFTER = re.compile(
    r"\b(?:buy(?:ing)?|sell(?:ing)?|short(?:ing)?|dump(?:ing)?|invest(?:ing)?\s+in(?:to)?|"
    r"put(?:ting)?\s+(?:[\w$]+\s+){1,2}?(?:in|into)|get(?:ting)?\s+into|load\s+up\s+on|pick\s+up|"
    r"own(?:ing)?|hold(?:ing)?|think\s+(?:of|about)|opinion\s+(?:of|on)|"
    r"(?:how|what)\s+about)\s+(?P<slot>[^?!.,;:]{1,60})",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    r"(?P<slot>(?:[\w$&'’.-]+\s+){1,3})(?:stocks?|shares?|coins?|tokens?|etfs?|funds?)\b",
    re.IGNORECASE,
)
_GOOD = re.compile(
    r"\b(?:is|are)\s+(?P<slot>[\w$&'’.\s-]{1,40}?)\s+(?:a\s+)?(?:good|bad|smart|safe|great|"
    r"solid|wise)\s+(?:buy|investment|stock|bet|pick|idea)\b",
    re.IGNORECASE,
)
NAME_WORDS = 4  # "the Vanguard S&P 500 ETF": a name is a few words after the verb
_STOP = frozenset(
    "in for with or and now today right this next at on to if because since so before "
    "after when than vs versus which what who whom whose is are was be myself yourself "
    "ourselves".split()
)
_SECURITY = frozenset(
    "stock stocks share shares coin coins token tokens etf etfs fund funds".split()
)
_POINTERS = frozenset(
    "it them that this these those one some more any all a an the my our your their "
    "something anything stuff things".split()
)


@cache
def _words(kind: str) -> frozenset[str]:
    return frozenset(str(prompts.data("picks.yaml")[kind]).lower().split())


def _slot_tokens(slot: str) -> list[str]:
    """The words of a slot up to a word that ends a name, at most :data:`NAME_WORDS`."""
    tokens: list[str] = []
    for token in _TOKEN.findall(slot)[:NAME_WORDS]:
        if token.lower() in _STOP:
            break
        tokens.append(token)
    return tokens


def _kind_of(token: str, shouting: bool, unknown: bool) -> str | None:
    """``coin``, ``fund`` or ``company`` when the word names one, else None. With
    ``unknown``, a word no vocabulary knows names a company too ("buy palantir"); only
    right after a verb of buying, where a typo ("dividned stocks") is unlikely."""
    bare = token.lstrip("$").rstrip(".'’")
    low = bare.lower()
    if low in _words("coins"):
        return "coin"
    if low in _words("fund_brands"):
        return "fund"
    if low in _words("companies") or (token.startswith("$") and bare.isalpha()):
        return "company"
    if low in _words("generic") or low in _words("acronyms"):
        return None
    ticker = bare.isupper() and bare.isalpha() and 2 <= len(bare) <= 5
    if ticker and not shouting:
        return "company"
    capitalised = bare[:1].isupper() and not shouting
    if (unknown or capitalised) and bare.isalpha() and len(low) > 2 and not is_word(low):
        return "company"
    return None


def named_pick(question: str) -> str | None:
    """``company``, ``fund`` or ``coin`` when the message asks about buying one by
    name; None for kinds of investment and everything else."""
    letters = [c for c in question if c.isalpha()]
    shouting = len(letters) > 8 and sum(c.isupper() for c in letters) > 0.7 * len(letters)
    slots = [(m.group("slot"), True) for m in _AFTER.finditer(question)]
    slots += [(m.group("slot"), False) for m in _GOOD.finditer(question)]
    slots += [(m.group(0), False) for m in _BEFORE.finditer(question)]
    for slot, after_verb in slots:
        tokens = _slot_tokens(slot)
        last = tokens[-1].lower() if tokens else ""
        if last in _words("generic") and last not in _SECURITY | _POINTERS:
            continue  # "Airbnb rentals", "London property": a kind of investment
        kinds = [k for t in tokens if (k := _kind_of(t, shouting, after_verb))]
        if kinds:
            fund = any(t.lower() in {"etf", "etfs", "fund", "funds"} for t in tokens)
            return "coin" if "coin" in kinds else ("fund" if fund or "fund" in kinds else kinds[0])
    return _named_elsewhere(question)


# "Is Dogecoin going to go up, should I buy?": the name and the wish to buy are apart
_INTENT = re.compile(
    r"\b(?:should\s+i\s+(?:buy|sell|invest|get\s+in)|worth\s+buying|go(?:es|ing)?\s+(?:to\s+go\s+)?up"
    r"|to\s+the\s+moon|moon(?:ing)?|pump(?:ing)?|(?:buy|sell)\s+(?:now|today|it|some))\b",
    re.IGNORECASE,
)


def _named_elsewhere(question: str) -> str | None:
    """``coin`` or ``company`` when the message names one from the lists of
    ``picks.yaml`` anywhere and asks, anywhere, whether to buy it or whether it will rise."""
    if not _INTENT.search(question):
        return None
    for token in _TOKEN.findall(question):
        low = token.lstrip("$").rstrip(".'’").lower()
        if low in _words("coins") and low not in _SECURITY:
            return "coin"
        if low in _words("companies"):
            return "company"
    return None


def principle(kind: str | None) -> tuple[str, list[str]]:
    """The principle a pick of this kind is answered with, in plain words, and the
    library sentences that state it."""
    table = prompts.data("pick_principles.yaml")
    entry: Any = table.get(kind or "other") or table["other"]
    return " ".join(str(entry["says"]).split()), [str(q) for q in entry["quotes"]]


def principle_answer(
    kind: str | None, search: Callable[[str], list[Passage]]
) -> tuple[str, list[Passage]]:
    """A pick's answer: the note, the principle in words, and each library sentence
    that states it, cited (``search`` finds it; one the library lacks is left out)."""
    from advisor.answering.engines.grounded import cite

    says, quotes = principle(kind)
    cited: list[Passage] = []
    lines: list[str] = []
    for quote in quotes:
        passage = next((p for p in search(quote) if quote in p.text), None)
        if passage is None:
            continue
        ids = [p.id for p in cited]
        if passage.id not in ids:
            cited.append(passage)
            ids.append(passage.id)
        lines.append(cite(quote, 1 + ids.index(passage.id)))
    note = prompts.text("specific_pick.txt").strip()
    return "\n\n".join(part for part in (note, says, " ".join(lines)) if part), cited
