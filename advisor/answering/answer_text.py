"""Answers as plain text with a short "Sources" list, for clients that show only text
(chat UIs over the API, MCP hosts, LangChain agents)."""

from __future__ import annotations

import re
from collections.abc import Generator

from advisor import prompts
from advisor.core.answers import Answer, Citation
from advisor.core.sentences import markers

SOURCES_HEADING = "Sources:"
ADVICE_CUE = "not financial advice"  # a text that says it already needs no label
_NOT_COVERED = re.compile(r"\b(?:do(?:es)?\s+not|don[’']t|doesn[’']t)\s+cover\b", re.IGNORECASE)


def not_advice() -> str:
    """The one not-financial-advice line every answer that gives money guidance ends
    with (:func:`advisor.answering.citations.finish_answer` adds it)."""
    return prompts.text("not_advice.txt").strip()


def labelled(text: str) -> str:
    """``text`` ending with the not-financial-advice line, unless it already says so
    or gives no guidance: it cites nothing and says its sources do not cover the
    question (the grounded engine's line, or an LLM's)."""
    if ADVICE_CUE in text.lower() or (not markers(text) and _NOT_COVERED.search(text)):
        return text
    return f"{text.rstrip()}\n\n{not_advice()}"


def label_tail(final: str, streamed: str) -> str:
    """What a stream still has to show of the label ``finish_answer`` added: the line, when
    the final text ends with it and the streamed text has not shown it."""
    line = not_advice()
    return f"\n\n{line}" if final.endswith(line) and line not in streamed else ""


def strip_label(text: str) -> str:
    """An answer without the label: history and the eval take the answer alone."""
    line = not_advice()
    return text[: -len(line)].rstrip() if text.rstrip().endswith(line) else text


def cited(answer: Answer) -> list[Citation]:
    """The passages the answer text actually cites, in citation order."""
    return [c for c in answer.citations if c.cited]


def source_line(c: Citation, bullet: str = "- ") -> str:
    """One line of the Sources list (the terminal indents instead of a bullet)."""
    where = "your documents" if c.origin == "user" else "library"
    return f"{bullet}[{c.n}] {c.title} ({c.source}, {where})"


def sources_block(answer: Answer) -> str:
    """The "Sources" list that follows the answer text; empty when nothing is cited."""
    lines = [source_line(c) for c in cited(answer)]
    return f"\n\n{SOURCES_HEADING}\n" + "\n".join(lines) if lines else ""


def with_sources(answer: Answer) -> str:
    return answer.answer + sources_block(answer)


def strip_sources(text: str) -> str:
    """An earlier reply without its Sources list and its not-financial-advice line, so
    history carries only the answer."""
    head, sep, _ = text.rpartition(f"\n\n{SOURCES_HEADING}\n")
    return strip_label(head if sep else text)


def with_label(events: Generator[str, None, Answer]) -> Generator[str, None, Answer]:
    """An answer's text as it streams, then the not-financial-advice line ``finish_answer``
    put at the end of the answer, so a stream shows what the final answer says."""
    streamed: list[str] = []
    while True:
        try:
            piece = next(events)
        except StopIteration as stop:
            answer: Answer = stop.value
            tail = label_tail(answer.answer, "".join(streamed))
            if tail:
                yield tail
            return answer
        streamed.append(piece)
        yield piece
