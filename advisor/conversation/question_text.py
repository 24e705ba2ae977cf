"""A question as it arrives from any interface, checked before anything reads it: text,
valid UTF-8, not empty, not over the limit."""

from __future__ import annotations

from advisor.core.errors import InputError


def clean_question(question: object, limit: int) -> str:
    """``question`` stripped of NUL bytes and spaces, or a one-line :class:`InputError`."""
    if not isinstance(question, str):
        raise InputError("the question must be text")
    text = question.replace("\x00", "").strip()
    try:  # bytes that were not UTF-8 (a terminal's argv, a JSON "\udcff") reach us as
        text.encode("utf-8")  # lone surrogates, which the tokenizer cannot take
    except UnicodeEncodeError as exc:
        raise InputError(
            f"the question is not valid UTF-8 text (character {exc.start + 1}): "
            "type it again or save it as UTF-8"
        ) from None
    if not text:
        raise InputError("the question is empty: ask something about passive or active income")
    if len(text) > limit:
        raise InputError(
            f"the question is {len(text):,} characters; the limit is {limit:,} "
            "(ADVISOR_MAX_QUESTION_CHARS)"
        )
    return text
