"""Follow-ups and savings in a calculation question: which monthly sum is the saving
("how long to reach $500 a month with $200 a month"), and what one new amount in a
follow-up replaces ("and for $4,000?", "what if I add $1,500 instead?"). Used by
:mod:`advisor.worked.calculation`."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace

from advisor.worked.reading import Amount, Numbers

# "how long to reach $500 a month with $200 a month": the second monthly sum is a saving
_SAVING_BEFORE = re.compile(r"\b(?:with|by|from)\s+(?:about\s+|around\s+)?$", re.IGNORECASE)


def split_saving(text: str, numbers: Numbers) -> tuple[Amount, Amount] | None:
    """The goal and the saving, of two monthly sums in a "how long" question that names
    no saving as such: the one written after "with"/"by" (else the second) is added each
    month, the other is the income wanted."""
    monthly = [a for a in numbers.amounts if a.role == "income"]
    if len(monthly) < 2:
        return None
    said = next((a for a in monthly if _SAVING_BEFORE.search(text[: a.start])), monthly[1])
    goal = next(a for a in monthly if a is not said)
    return goal, Amount(said.value, said.currency, said.per, "contribution", said.marked)


def new_saving(text: str, numbers: Numbers) -> Numbers:
    """In a follow-up to a "how long" question ("and with $1,500 a month?"), the one
    monthly sum written after "with"/"by" is the saving, not a new goal."""
    monthly = [a for a in numbers.amounts if a.role == "income"]
    if len(monthly) != 1 or not _SAVING_BEFORE.search(text[: monthly[0].start]):
        return numbers
    said = monthly[0]
    saving = Amount(said.value, said.currency, said.per, "contribution", said.marked, said.start)
    amounts = [saving if a is said else a for a in numbers.amounts]
    return replace(numbers, amounts=amounts)


_ADDED = re.compile(
    r"\b(?:add|adding|added|save|saving|put(?:ting)?\s+(?:in|away|aside)|contribut\w*|deposit\w*"
    r"|invest(?:ing)?)\s+(?:only\s+|just\s+|another\s+)?$",
    re.IGNORECASE,
)


_START = re.compile(
    r"\b(?:to\s+start|start(?:ing)?\s+(?:with|from|out)|(?:i|we)\s+(?:had|have|own)|already|up\s*front"
    r"|lump\s+sum|initial(?:ly)?|saved|savings|invested)\b",
    re.IGNORECASE,
)


_MORE = re.compile(r"\b(?:more|extra|additional|another|on\s+top)\b", re.IGNORECASE)


def as_before(text: str, numbers: Numbers, earlier: Sequence[Numbers]) -> Numbers:
    """In a follow-up ("and for $4,000?", "how about $500k?", "what if I add $1,500
    instead?"), the one amount written without a period takes the role and period of the
    earlier amount it replaces: the saving, after a verb of adding; else the amount of
    the latest earlier turn nearest to it in size. "20k more" is added to the earlier sum."""
    if len(numbers.amounts) != 1 or numbers.amounts[0].per is not None:
        return numbers
    said = numbers.amounts[0]
    previous = next((n.amounts for n in reversed(earlier) if n.amounts), [])
    more = _MORE.search(text)
    if said.value <= 0 or (_START.search(text) and not more):
        return numbers  # "and if I had 50k to start?": a sum to start from, as read
    if more and (like := next((a for a in previous if a.per is None), None)) is not None:
        # "ok and with 20k more": added to the earlier sum
        value = like.value + said.value
        more_of = Amount(value, said.currency or like.currency, None, like.role, True, said.start)
        return replace(numbers, amounts=[more_of])
    if _ADDED.search(text[: said.start]):
        like = next((a for a in previous if a.role == "contribution"), None)
        like = like or Amount(0.0, None, "month", "contribution", True)
    else:
        sized = [a for a in previous if a.value > 0]
        if not sized:
            return numbers
        like = min(sized, key=lambda a: abs(math.log(a.value / said.value)))
    same = Amount(
        said.value, said.currency, like.per, like.role, said.marked, said.start, like.target
    )
    return replace(numbers, amounts=[same])
