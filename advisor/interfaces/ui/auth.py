"""Who is using the UI: Gradio's login name mapped to an advisor user id."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from advisor.core.errors import InputError
from advisor.users.ids import validate_user_id

LOCAL_USER = "local"  # the one user of a UI started without --auth


def user_id_for(username: str | None) -> str:
    """A login name that is already a valid user id is used as is; any other name gets a
    slug plus a hash of the full name, so two different names never share data."""
    if not username:
        return LOCAL_USER
    try:
        return validate_user_id(username)
    except InputError:
        pass
    base = re.sub(r"[^A-Za-z0-9]+", "-", username).strip("-")[:40] or "user"
    digest = hashlib.sha256(username.encode("utf-8")).hexdigest()[:12]
    return validate_user_id(f"{base}-{digest}")


def parse_credential(text: str, where: str = "--auth") -> tuple[str, str]:
    user, sep, password = text.partition(":")
    if not sep or not user.strip() or not password:
        raise InputError(f"{where}: expected USER:PASS, got {text[:40]!r}")
    return user.strip(), password


def load_credentials(auth: list[str], users_file: Path | None) -> list[tuple[str, str]]:
    """``--auth USER:PASS`` values plus a users file (one ``USER:PASS`` a line, ``#``
    comments); empty means no login."""
    pairs = [parse_credential(a) for a in auth]
    if users_file is not None:
        try:
            lines = users_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise InputError(f"--users-file {users_file}: cannot read it ({exc.strerror})") from exc
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if line and not line.startswith("#"):
                pairs.append(parse_credential(line, f"{users_file.name} line {number}"))
    names = [u for u, _ in pairs]
    duplicates = sorted({u for u in names if names.count(u) > 1})
    if duplicates:
        raise InputError(f"user {duplicates[0]!r} is given more than once: keep one password")
    return pairs
