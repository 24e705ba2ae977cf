"""Answers and documents as chat messages and Markdown, always shown as text.

An uploaded note may contain ``<script>`` or ``<img onerror=…>``; the reader should
see those characters, not have them run or vanish. Two renderings, one per kind of
Gradio component:

- The chatbot is created with ``render_markdown=False``: its messages are HTML, which
  Gradio sanitizes. :func:`to_html` escapes ``&``, ``<`` and ``>`` and turns line
  breaks into ``<br>``, so any text shows literally (a Markdown table as a ``<table>``
  of escaped cells); :func:`from_html` is its exact
  inverse, so the chat history handed back to the advisor is the text it wrote. A
  source is a ``<blockquote>`` and a ``<p>``, notes a ``<ul>``: every ``<`` left in a
  message after escaping is one of these tags of ours, so :func:`from_html` turns any
  message (what ``/chat`` returns to API clients too) into plain text with no markup:
  the passage, a blank line and ``Source: file``; notes as ``- `` lines.
- Markdown panels (suggestions, statuses) get :func:`escape_markdown`: every ASCII
  punctuation character is backslash-escaped, which CommonMark shows as that literal
  character, so no HTML, link or emphasis can come from data.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from advisor.core.answers import Answer, Citation, Turn

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_TAG = re.compile(r"<[^<>]*>")  # after escaping, only our own tags contain "<"
_STRUCTURE = (  # our block tags as plain text, applied in this order
    ("</blockquote><p>", "\n\n"),
    ("</li><li>", "\n- "),
    ("<li>", "- "),
)
ORIGIN_LABEL = {"library": "library", "user": "your documents"}
_RULE = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+$")  # a Markdown table's header rule
_TABLE = re.compile(r"<table>.*?</table>", re.DOTALL)
_ROW_TEXT = re.compile(r'<tr data-md="([^"]*)"')


def escape_markdown(text: str) -> str:
    """Markdown that displays exactly ``text``: no HTML, links, emphasis or code."""
    return _PUNCT.sub(r"\\\1", text)


def _is_row(line: str) -> bool:
    s = line.strip()
    return len(s) >= 2 and s.startswith("|") and s.endswith("|")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip()[1:-1].split("|")]


def _table(lines: list[str]) -> str:
    """A Markdown table (header, rule, rows) as an HTML table of escaped cells; each row
    keeps its own line in ``data-md``, so :func:`from_html` gives the text back."""
    rows = []
    for i, line in enumerate(lines):
        kept = html.escape(line, quote=True)
        if i == 1:  # the |---|---| rule
            rows.append(f'<tr data-md="{kept}" hidden></tr>')
            continue
        cell = "th" if i == 0 else "td"
        inner = "".join(f"<{cell}>{html.escape(c, quote=False)}</{cell}>" for c in _cells(line))
        rows.append(f'<tr data-md="{kept}">{inner}</tr>')
    return "<table>" + "".join(rows) + "</table>"


def to_html(text: str) -> str:
    """HTML that displays exactly ``text``, line breaks kept, and a Markdown table (a
    comparison) as a table."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        j = i
        while j < len(lines) and _is_row(lines[j]):
            j += 1
        if j - i >= 2 and _RULE.match(lines[i + 1].strip()):
            out.append(_table(lines[i:j]))
            i = j
        else:
            out.append(html.escape(lines[i], quote=False))
            i += 1
    return "<br>\n".join(out)


def from_html(markup: str) -> str:
    """Plain text of a message of ours: the exact inverse of :func:`to_html`, and for a
    source or notes message their text without tags (see the module docstring)."""
    text = _TABLE.sub(lambda m: "\n".join(_ROW_TEXT.findall(m.group(0))), markup)
    text = text.replace("<br>\n", "\n")
    for tags, plain in _STRUCTURE:
        text = text.replace(tags, plain)
    return html.unescape(_TAG.sub("", text))


def source_title(c: Citation) -> str:
    origin = ORIGIN_LABEL.get(c.origin, c.origin)
    warning = " · ⚠ holds orders to the model (ignored)" if c.suspicious else ""
    return f"[{c.n}] {c.title} · {origin}{warning}"


def source_message(c: Citation) -> dict[str, Any]:
    """One source as a collapsed 'thought' under the answer: title, origin, passage."""
    body = (
        f"<blockquote>{to_html(c.text.strip())}</blockquote><p>{to_html(f'Source: {c.source}')}</p>"
    )
    return {
        "role": "assistant",
        "content": body,
        "metadata": {"title": to_html(source_title(c)), "status": "done"},
    }


def shown_citations(answer: Answer) -> list[Citation]:
    """The sources the answer cites (all retrieved ones if it cites none); a plain
    decline shows none."""
    if answer.declined and answer.reason != "specific_pick":
        return []
    cited = [c for c in answer.citations if c.cited]
    return cited or list(answer.citations)


def answer_messages(answer: Answer, asked: str | None = None) -> list[dict[str, Any]]:
    """The final answer text followed by one expandable message per source, and how a
    follow-up was read when the conversation changed the question."""
    text, disclaimer = split_disclaimer(answer.answer)
    messages: list[dict[str, Any]] = [{"role": "assistant", "content": to_html(text)}]
    if asked is not None and answer.question and answer.question != asked.strip():
        messages.append(
            {
                "role": "assistant",
                "content": to_html("The follow-up was read with the conversation so far."),
                "metadata": {"title": to_html(f"Read as: {answer.question}"), "status": "done"},
            }
        )
    messages.extend(source_message(c) for c in shown_citations(answer))
    if disclaimer:  # the ranked ideas lead; the disclaimer waits, folded, under the sources
        messages.append(
            {
                "role": "assistant",
                "content": to_html(disclaimer),
                "metadata": {
                    "title": "General information, not financial advice",
                    "status": "done",
                },
            }
        )
    if answer.warnings:
        notes = "".join(f"<li>{to_html(w)}</li>" for w in answer.warnings)
        messages.append(
            {
                "role": "assistant",
                "content": f"<ul>{notes}</ul>",
                "metadata": {"title": "Notes", "status": "done"},
            }
        )
    return messages


def split_disclaimer(text: str) -> tuple[str, str | None]:
    """A recommender answer's text without its closing disclaimer, and the disclaimer
    (None when the text does not end with it)."""
    from advisor.recommender.suggestions import DISCLAIMER

    body = text.rstrip()
    if not body.endswith(DISCLAIMER) or not body[: -len(DISCLAIMER)].strip():
        return text, None
    return body[: -len(DISCLAIMER)].rstrip(), DISCLAIMER


def _is_extra(message: Mapping[str, Any]) -> bool:
    """Sources and notes are titled 'thought' messages; answers have no title."""
    metadata = message.get("metadata") or {}
    return bool(metadata.get("title"))


def message_text(content: Any) -> str | None:
    """Plain text of a Gradio message content (a string or a list of text parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") if isinstance(p, dict) else p for p in content]
        texts = [p for p in parts if isinstance(p, str)]
        return "\n".join(texts) if texts else None
    return None


def history_turns(history: Iterable[Mapping[str, Any]]) -> list[Turn]:
    """The conversation as it was typed and answered: sources and notes dropped, the
    advisor's messages turned back from HTML into its text."""
    turns: list[Turn] = []
    for message in history:
        role = message.get("role")
        text = message_text(message.get("content"))
        if role not in ("user", "assistant") or text is None or _is_extra(message):
            continue
        turns.append(Turn(role=role, content=from_html(text) if role == "assistant" else text))
    return turns
