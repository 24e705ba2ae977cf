"""Which chat messages ask about the person's own money in their statements ("how much
of my income is passive?", "what did my rentals bring in last quarter?", "if I moved my
surplus into dividend ETFs, when would ..."), by the patterns of
``prompts/statement_questions.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, cast

Kind = Literal["share", "projection", "stream"]
Period = Literal["month", "quarter", "year"]


@dataclass(frozen=True)
class StatementQuestion:
    kind: Kind
    streams: tuple[str, ...] = ()  # statement streams the question names
    period: Period | None = None


@cache
def _table() -> dict[str, Any]:
    from advisor.prompts import data

    return cast(dict[str, Any], data("statement_questions.yaml"))


@cache
def _asks() -> tuple[tuple[Kind, re.Pattern[str]], ...]:
    return tuple(
        (cast(Kind, kind), re.compile(p, re.IGNORECASE))
        for kind, patterns in _table()["asks"].items()
        for p in patterns
    )


@cache
def _words() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (stream, re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE))
        for stream, words in _table()["stream_words"].items()
    )


def named_streams(text: str) -> tuple[str, ...]:
    """The statement streams ``text`` names (rentals -> rent_received), in order."""
    found = [(m.start(), stream) for stream, p in _words() if (m := p.search(text))]
    return tuple(stream for _, stream in sorted(found))


def _period(text: str) -> Period | None:
    for period, patterns in _table()["periods"].items():
        if any(re.search(p, text, re.IGNORECASE) for p in patterns):
            return cast(Period, period)
    return None


def asks_statement(text: str) -> StatementQuestion | None:
    """What the message asks of the person's statements, or None when it does not."""
    for kind, pattern in _asks():
        match = pattern.search(text)
        if match is None:
            continue
        what = match.groupdict().get("what")
        streams = named_streams(what) if what else ()
        if what and not streams:  # "what does my vending route earn?": their notes may say
            continue
        return StatementQuestion(kind, streams, _period(text))
    return None
