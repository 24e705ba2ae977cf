"""User ids and where each user's data lives."""

from __future__ import annotations

import re

from advisor.errors import InputError

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
