"""User ids and where each user's data lives."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from advisor.core.errors import InputError

_USER_ID = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62}[A-Za-z0-9])?$")


def validate_user_id(user: str) -> str:
    """A user id is 1–64 letters, digits, '-' or '_', starting and ending alnum."""
    if not isinstance(user, str) or not _USER_ID.fullmatch(user):  # "$" would allow "id\n"
        shown = repr(user)[:40]
        raise InputError(
            f"invalid user id {shown}: use 1-64 letters, digits, '-' or '_' "
            "(starting and ending with a letter or digit)"
        )
    return user


def user_collection(user: str) -> str:
    return f"user-{validate_user_id(user)}"


def user_folders(base: Path) -> Iterator[Path]:
    """The folders under ``base`` named by a valid user id, in name order (anything
    else there, such as a stray file or a name no user could have, is skipped)."""
    if not base.is_dir():
        return
    for entry in sorted(base.iterdir()):
        try:
            validate_user_id(entry.name)
        except InputError:
            continue
        if entry.is_dir():
            yield entry
