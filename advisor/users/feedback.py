"""Ratings of the advisor's answers, stored per user: thumbs up or down, an optional
comment, and the exchange rated (the question, earlier turns, the answer, its citations,
the engine and the reason it answered as it did).

Each record is one JSON line appended to ``users/<id>/feedback.jsonl`` in ADVISOR_HOME
(a lock serialises writers, so concurrent ratings never interleave), next to the user's
profile and documents; with ADVISOR_DATABASE_URL on PostgreSQL, one row of the shared
``feedback`` table (migration 0002), so every worker sees it. Deleting the user deletes
their feedback. ``advisor eval import-feedback`` turns the records into unreviewed
dataset rows.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from advisor.core.errors import InputError, StoreError
from advisor.core.settings import Settings
from advisor.users.ids import user_folders, validate_user_id

FEEDBACK_FILE = "feedback.jsonl"
MAX_COMMENT_CHARS = 2000
MAX_ANSWER_CHARS = 20_000
MAX_CITATIONS = 50
MAX_CITATION_CHARS = 4000
MAX_HISTORY_TURNS = 50

Rating = Literal["up", "down"]


def _utf8(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("holds text that is not valid UTF-8: type it again") from None
    return value


class FeedbackCitation(BaseModel):
    """A passage the rated answer cited."""

    model_config = ConfigDict(extra="ignore")

    source: str = Field(default="", max_length=500)
    title: str = Field(default="", max_length=500)
    text: str = Field(default="", max_length=MAX_CITATION_CHARS)

    _check_text = field_validator("source", "title", "text")(_utf8)


class FeedbackTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_ANSWER_CHARS)

    _check_text = field_validator("content")(_utf8)


class Feedback(BaseModel):
    """One rated exchange."""

    model_config = ConfigDict(extra="forbid")

    id: str
    user: str
    created: str  # ISO 8601, UTC
    rating: Rating
    comment: str = Field(default="", max_length=MAX_COMMENT_CHARS)
    question: str = Field(min_length=1)
    history: list[FeedbackTurn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS)
    answer: str = Field(min_length=1, max_length=MAX_ANSWER_CHARS)
    citations: list[FeedbackCitation] = Field(default_factory=list, max_length=MAX_CITATIONS)
    engine: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, max_length=200)

    _check_text = field_validator("comment", "question", "answer")(_utf8)


def _shared(settings: Settings) -> Any:
    """The PostgreSQL manifest when ADVISOR_DATABASE_URL names one, else None (files)."""
    if not settings.uses_postgres:
        return None
    from advisor.store.pg_manifest import PostgresManifest

    assert settings.database_url is not None
    return PostgresManifest(settings.database_url)


def feedback_path(settings: Settings, user: str) -> Path:
    return settings.users_dir / validate_user_id(user) / FEEDBACK_FILE


def _one_line(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "feedback"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if where == "rating":
        return "rating must be 'up' or 'down'"
    return f"feedback {where}: {msg}"


def record_feedback(
    settings: Settings,
    user: str,
    *,
    question: str,
    answer: str,
    rating: str,
    comment: str | None = None,
    history: Sequence[dict[str, Any]] = (),
    citations: Sequence[dict[str, Any]] = (),
    engine: str | None = None,
    reason: str | None = None,
) -> Feedback:
    """Validate and append one rating for ``user``; bad input is a one-line InputError."""
    validate_user_id(user)
    question = question.strip() if isinstance(question, str) else question
    answer = answer.strip() if isinstance(answer, str) else answer
    comment = "" if comment is None else comment
    comment = comment.strip() if isinstance(comment, str) else comment
    if isinstance(question, str) and len(question) > settings.max_question_chars:
        raise InputError(
            f"feedback question is longer than {settings.max_question_chars:,} characters"
        )
    try:
        record = Feedback(
            id=f"fb-{uuid.uuid4().hex[:16]}",
            user=user,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            rating=rating,  # type: ignore[arg-type]  # validated here
            comment=comment,
            question=question,
            history=list(history),  # type: ignore[arg-type]  # validated here
            answer=answer,
            citations=list(citations),  # type: ignore[arg-type]  # validated here
            engine=engine,
            reason=reason,
        )
    except ValidationError as exc:
        raise InputError(_one_line(exc)) from None
    shared = _shared(settings)
    if shared is not None:
        _insert(shared, record)
    else:
        _append(feedback_path(settings, user), record)
    return record


def _insert(shared: Any, record: Feedback) -> None:
    from sqlalchemy import text

    body = json.dumps(record.model_dump(mode="json"), ensure_ascii=False)
    shared._write(
        "saving feedback",
        lambda con: con.execute(
            text("INSERT INTO feedback(id, user_id, body) VALUES (:i, :u, CAST(:b AS jsonb))"),
            {"i": record.id, "u": record.user, "b": body},
        ),
    )


def _append(path: Path, record: Feedback) -> None:
    import fcntl

    line = json.dumps(record.model_dump(mode="json"), ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                handle.write(line)
                handle.flush()
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError as exc:
        raise StoreError(
            f"cannot save feedback for {record.user!r}: {exc.strerror or exc}"
        ) from exc


def load_feedback(settings: Settings, user: str) -> list[Feedback]:
    """The user's ratings, oldest first; a damaged line (a write cut short) is skipped."""
    shared = _shared(settings)
    if shared is not None:
        rows = shared._read(
            "reading feedback",
            "SELECT body FROM feedback WHERE user_id=:u ORDER BY seq",
            u=validate_user_id(user),
        )
        bodies = [r[0] if isinstance(r[0], dict) else json.loads(r[0]) for r in rows]
        return [Feedback.model_validate(b) for b in bodies]
    path = feedback_path(settings, user)
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(f"cannot read the feedback of {user!r}: {exc.strerror or exc}") from exc
    out = []
    for line in lines:
        try:
            out.append(Feedback.model_validate_json(line))
        except ValidationError:
            continue
    return out


def feedback_users(settings: Settings) -> list[str]:
    """Users who rated an answer: a feedback file in ADVISOR_HOME, or rows in PostgreSQL."""
    shared = _shared(settings)
    if shared is not None:
        rows = shared._read(
            "listing users", "SELECT DISTINCT user_id FROM feedback ORDER BY user_id"
        )
        return [r[0] for r in rows]
    return [f.name for f in user_folders(settings.users_dir) if (f / FEEDBACK_FILE).is_file()]


def delete_feedback(settings: Settings, user: str) -> int:
    """Remove the user's ratings from PostgreSQL (files go with the user's folder)."""
    shared = _shared(settings)
    if shared is None:
        return 0
    from sqlalchemy import text

    user = validate_user_id(user)
    return int(
        shared._write(
            "deleting feedback",
            lambda con: (
                con.execute(text("DELETE FROM feedback WHERE user_id=:u"), {"u": user}).rowcount
            ),
        )
    )
