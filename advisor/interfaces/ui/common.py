"""What the tabs share: who is asking, and Markdown the handlers escaped themselves."""

from __future__ import annotations

from typing import Any

import gradio as gr

from advisor.core.errors import AdvisorError
from advisor.interfaces.ui import render
from advisor.interfaces.ui.auth import user_id_for
from advisor.users.profile import FIELD_LABELS


def user_of(request: gr.Request | None) -> str:
    """The user a request is from: Gradio's login name, or the one local user."""
    return user_id_for(getattr(request, "username", None) if request is not None else None)


def error_text(exc: AdvisorError) -> str:
    return render.escape_markdown(f"⚠️ {exc}")


def quote(text: str) -> str:
    """``text`` as an escaped Markdown block quote, line breaks kept."""
    lines = [line.strip() for line in text.strip().splitlines()]
    return "\n".join(f"> {render.escape_markdown(line)}" if line else ">" for line in lines)


def number(value: Any) -> float | None:
    """An empty form number (None or NaN) is 'not given'."""
    if value is None or value == "":
        return None
    try:
        parsed = float(value)
    except (TypeError, ValueError):
        return None
    return None if parsed != parsed else parsed


def missing_names(missing: list[str]) -> str:
    """Profile fields by the names the form gives them: "free hours a week, horizon"."""
    return ", ".join(FIELD_LABELS.get(m, m.replace("_", " ")) for m in missing)


def describe_missing(missing: list[str]) -> str:
    if not missing:
        return "Your profile has every fact the suggestions use."
    return "**Missing facts that would change the suggestions:** " + render.escape_markdown(
        f"{missing_names(missing)}."
    )


def markdown(value: str = "", **kwargs: Any) -> gr.Markdown:
    """Markdown for text we escaped ourselves; LaTeX off so '$' stays a dollar."""
    return gr.Markdown(value, latex_delimiters=[], sanitize_html=True, **kwargs)
