"""Answers as plain text with a short "Sources" list, for clients that show only text
(chat UIs over the API, MCP hosts, LangChain agents)."""

from __future__ import annotations

from advisor.core.answers import Answer, Citation

SOURCES_HEADING = "Sources:"


def cited(answer: Answer) -> list[Citation]:
    """The passages the answer text actually cites, in citation order."""
    return [c for c in answer.citations if c.cited]


def source_line(c: Citation) -> str:
    where = "your documents" if c.origin == "user" else "library"
    return f"- [{c.n}] {c.title} ({c.source}, {where})"


def sources_block(answer: Answer) -> str:
    """The "Sources" list that follows the answer text; empty when nothing is cited."""
    lines = [source_line(c) for c in cited(answer)]
    return f"\n\n{SOURCES_HEADING}\n" + "\n".join(lines) if lines else ""


def with_sources(answer: Answer) -> str:
    return answer.answer + sources_block(answer)


def strip_sources(text: str) -> str:
    """An earlier reply without its Sources list, so history carries only the answer."""
    head, sep, _ = text.rpartition(f"\n\n{SOURCES_HEADING}\n")
    return head if sep else text
