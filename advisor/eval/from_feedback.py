"""``advisor eval import-feedback``: rated answers from the chat and the API as dataset
rows for a person to review, so what users meet becomes what the harness checks.

An up-vote drafts a row with the rated answer as its reference and the passages it cited
as its reference contexts (a rated decline or small-talk reply becomes an
``out_of_scope`` or ``small_talk`` row, so the harness expects the same kind of reply).
A down-vote is a row to fix: category ``feedback_down``, a reference that says to write
the right answer, and in ``note`` the answer users rejected and their comment. Every row
is ``source: feedback``, ``reviewed: false``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from advisor.core.errors import InputError
from advisor.core.reasons import DECLINE_REASONS
from advisor.eval.dataset import OUT_OF_SCOPE, SMALL_TALK, Row

if TYPE_CHECKING:
    from advisor.core.settings import Settings
    from advisor.users.feedback import Feedback

UP_CATEGORY = "feedback_up"
DOWN_CATEGORY = "feedback_down"
TO_FIX = "TODO: write the right answer (users down-voted the one in note)"
_MARKER = re.compile(r"\s*\[\d+\]")
NOTE_ANSWER_CHARS = 2000


def _category(record: Feedback) -> str:
    if record.rating == "down":
        return DOWN_CATEGORY
    if record.reason in DECLINE_REASONS:
        return OUT_OF_SCOPE
    if record.reason == SMALL_TALK:
        return SMALL_TALK
    return UP_CATEGORY


def _note(record: Feedback) -> str:
    parts = [f"{record.rating}-voted by {record.user} on {record.created}"]
    if record.comment:
        parts.append(f"comment: {record.comment}")
    if record.rating == "down":
        parts.append(f"answer rated: {record.answer[:NOTE_ANSWER_CHARS]}")
    return "; ".join(parts)


def feedback_row(record: Feedback) -> dict[str, Any]:
    """One rated exchange as a raw dataset row (a dict, as written to the file)."""
    category = _category(record)
    contexts: list[str] = []
    if category == UP_CATEGORY:
        contexts = list(dict.fromkeys(c.text.strip() for c in record.citations if c.text.strip()))
    reference = TO_FIX
    if record.rating == "up":
        reference = _MARKER.sub("", record.answer).strip() or record.answer
    return {
        "id": record.id,
        "category": category,
        "user_input": record.question,
        "reference": reference,
        "reference_contexts": contexts,
        "history": [t.model_dump() for t in record.history if t.content.strip()],
        "source": "feedback",
        "reviewed": False,
        "note": _note(record),
    }


def feedback_rows(records: Iterable[Feedback]) -> tuple[list[dict[str, Any]], list[str]]:
    """(rows that validate as dataset rows, why each other record was skipped)."""
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    for record in records:
        row = feedback_row(record)
        try:
            Row.model_validate(row)
        except ValidationError as exc:
            first = exc.errors()[0]
            skipped.append(f"{record.id}: {str(first['msg']).removeprefix('Value error, ')}")
            continue
        rows.append(row)
    return rows, skipped


def import_feedback(
    settings: Settings, users: Sequence[str] = ()
) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows from the feedback of ``users`` (everyone who rated an answer when empty),
    user by user, oldest first."""
    from advisor.users.feedback import feedback_users, load_feedback

    chosen = list(dict.fromkeys(users)) or feedback_users(settings)
    records = [record for user in chosen for record in load_feedback(settings, user)]
    if not records:
        who = ", ".join(chosen) if users else "anyone"
        raise InputError(
            f"no rated answers from {who}: rate answers in the chat (thumbs up or down) "
            "or with POST /v1/feedback first"
        )
    return feedback_rows(records)
