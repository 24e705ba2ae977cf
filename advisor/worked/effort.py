"""A time and effort criterion in a message ("which takes less hassle?", "something more
hands-off", "fewer hours"), read with the words of ``advisor/prompts/effort.yaml``: a
comparison that names it is decided on hours a week, and a wish for less of it is a
preference for the least hands-on streams."""

from __future__ import annotations

import re
from functools import cache

from advisor import prompts

# a message that asks for something, not about something ("is a REIT hands-off?")
_WANTS = re.compile(
    r"\b(?:i\s*(?:'d|would)\s+(?:rather|prefer|like)|i\s+prefer|i\s+want|i\s+need|want\s+to"
    r"|looking\s+for|prefer|rather|something|anything|options?|ideas?|which\s+streams?"
    r"|suggest\w*|recommend\w*|what\s+if|instead|actually)\b",
    re.IGNORECASE,
)


def _alternatives(words: list[str]) -> str:
    ordered = sorted((str(w) for w in words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in ordered)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    table = prompts.data("effort.yaml")
    effort = _alternatives(table["effort"])
    named = re.compile(rf"(?<![\w-])(?:{effort})(?![\w-])", re.IGNORECASE)
    wish = re.compile(
        rf"(?<![\w-])(?:(?:{_alternatives(table['less'])})[\s-]+(?:\w+[\s-]+){{0,2}}(?:{effort})"
        rf"|{_alternatives(table['hands_off'])})(?![\w-])",
        re.IGNORECASE,
    )
    return named, wish


def names_effort(text: str) -> bool:
    """Whether ``text`` weighs time or effort ("which takes less time?", "less hassle")."""
    named, wish = _patterns()
    return bool(named.search(text) or wish.search(text))


def wants_less_effort(text: str, mid_chat: bool = False) -> bool:
    """Whether ``text`` asks for streams that take less of the person's time: a wish
    ("I'd rather something with less hassle", "anything more hands-off?"), or, mid-chat,
    a statement of it ("fewer hours would be better")."""
    _, wish = _patterns()
    return bool(wish.search(text)) and (mid_chat or bool(_WANTS.search(text)))
