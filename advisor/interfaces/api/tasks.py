"""Background tasks of chat front ends (a title, tags, follow-up suggestions, search
queries), recognised before the advisor sees them and answered from the conversation in
the JSON the task asks for, without retrieval and without a decline.

Open WebUI sends each task as one user message that starts with ``### Task:``, holds the
chat in ``<chat_history>`` (``USER: ...`` / ``ASSISTANT: ...`` lines) and names the JSON
key it wants; LibreChat asks for a plain-text title. The phrases are in
``advisor/prompts/front_end_tasks.yaml``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from advisor import prompts
from advisor.core.sentences import STOPWORDS

_KEY = re.compile(r"\{\s*\"([A-Za-z_]+)\"\s*:")
_HISTORY = re.compile(r"<chat_history>(.*?)</chat_history>", re.DOTALL)
_ROLE_LINE = re.compile(r"^(USER|ASSISTANT)\s*:\s?", re.MULTILINE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d[\d,.]*")
_TITLE_WORDS = 5
_LIBRECHAT_USER = re.compile(r"\buser:\s*(.*?)(?:\n\s*(?:ai|assistant|title)\s*:|$)", re.I | re.S)


def _table() -> dict[str, Any]:
    return prompts.data("front_end_tasks.yaml")


def user_turns(prompt: str, earlier: list[str]) -> list[str]:
    """The user's messages of the chat the task is about: from the prompt's
    ``<chat_history>`` when it has one, else the conversation's earlier user turns."""
    found = _HISTORY.search(prompt)
    if not found:
        return earlier
    parts = _ROLE_LINE.split(found.group(1))
    # split gives [before, role, text, role, text, ...]
    return [
        text.strip()
        for role, text in zip(parts[1::2], parts[2::2], strict=True)
        if role == "USER" and text.strip()
    ]


def title(turns: list[str]) -> str:
    """Up to five words of the first question that are not stopwords, in title case."""
    first = turns[0] if turns else ""
    words = [w for w in _WORD.findall(first) if w.lower() not in STOPWORDS]
    picked = words[:_TITLE_WORDS] or ["Passive", "Income"]
    return " ".join(w if any(c.isupper() for c in w) else w.capitalize() for w in picked)


def _streams_named(turns: list[str]) -> list[str]:
    from advisor.worked.names import mentions

    named = [m.phrase for m in mentions(" ".join(turns)) if m.stream]
    return list(dict.fromkeys(named))


def tags(turns: list[str]) -> list[str]:
    named = [
        " ".join(w if w.isupper() else w.capitalize() for w in p.split())
        for p in _streams_named(turns)
    ]
    return list(dict.fromkeys([*_table()["broad_tags"], *named]))[:6]


def follow_ups(turns: list[str]) -> list[str]:
    table = _table()
    asked = {t.strip().lower() for t in turns}
    named = _streams_named(turns)
    out = [q.format(stream=named[-1]) for q in table["follow_ups_stream"]] if named else []
    out += table["follow_ups_general"]
    return [q for q in dict.fromkeys(out) if q.lower() not in asked][:3]


def _json_answer(key: str, turns: list[str]) -> str:
    value: Any
    if key == "title":
        value = title(turns)
    elif key == "tags":
        value = tags(turns)
    elif key == "follow_ups":
        value = follow_ups(turns)
    elif key == "queries":
        value = turns[-1:]  # the advisor searches its own library; this is what it would ask
    else:  # another task (autocompletion, an image prompt): nothing to add
        value = ""
    return json.dumps({key: value}, ensure_ascii=False)


def task_reply(prompt: str, earlier: list[str]) -> str | None:
    """The reply to a front end's background task, or None when ``prompt`` is a question.

    ``prompt``: the last message; ``earlier``: the user turns before it."""
    table = _table()
    text = prompt.strip()
    if any(text.startswith(opener) for opener in table["openers"]):
        instructions = _HISTORY.split(text, maxsplit=1)[0]
        key = _KEY.search(instructions)
        if key is None:
            return None
        return _json_answer(key.group(1), user_turns(text, earlier))
    lowered = text.lower()
    if any(phrase in lowered for phrase in table["plain_title"]):
        said = _LIBRECHAT_USER.search(text)
        return title([said.group(1).strip()] if said else earlier)
    return None
