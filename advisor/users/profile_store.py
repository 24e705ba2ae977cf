"""Where a person's profile is kept: a JSON file in their folder, or the shared
PostgreSQL table when ``ADVISOR_DATABASE_URL`` names one. What a profile holds and
how typed values are read is :mod:`advisor.users.profile`."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from advisor.core.errors import InputError, StoreError
from advisor.core.settings import Settings
from advisor.users.ids import validate_user_id
from advisor.users.profile import Profile, one_buffer_form, validate_profile

PROFILE_FILE = "profile.json"


def profile_path(settings: Settings, user: str) -> Path:
    return settings.users_dir / validate_user_id(user) / PROFILE_FILE


def _shared(settings: Settings) -> Any:
    """The PostgreSQL manifest when ADVISOR_DATABASE_URL names one, else None (files)."""
    if not settings.uses_postgres:
        return None
    from advisor.store.pg_manifest import PostgresManifest

    assert settings.database_url is not None
    return PostgresManifest(settings.database_url)


def has_profile(settings: Settings, user: str) -> bool:
    shared = _shared(settings)
    if shared is not None:
        return shared.profile(validate_user_id(user)) is not None
    return profile_path(settings, user).exists()


def delete_saved_profile(settings: Settings, user: str) -> bool:
    """Remove the saved profile (in the shared database); files go with the user's folder."""
    shared = _shared(settings)
    if shared is not None:
        return bool(shared.delete_profile(validate_user_id(user)))
    path = profile_path(settings, user)
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def _damaged(user: str, exc: Exception) -> StoreError:
    return StoreError(
        f"the saved profile of {user!r} is damaged ({str(exc).splitlines()[0]}): "
        "save the profile again to replace it",
        cli_hint=f"import a new one with `advisor profile --user {user} import FILE`",
    )


def load_profile(settings: Settings, user: str) -> Profile:
    """The user's saved profile, or an empty one when none is saved.

    Saved as ``users/<id>/profile.json`` in ADVISOR_HOME, or in the shared database when
    ADVISOR_DATABASE_URL is PostgreSQL, so every worker reads the same profile."""
    shared = _shared(settings)
    if shared is not None:
        data = shared.profile(validate_user_id(user))
        if data is None:
            return Profile()
        try:
            return validate_profile(data)
        except InputError as exc:
            raise _damaged(user, exc) from exc
    path = profile_path(settings, user)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Profile()
    except OSError as exc:
        raise StoreError(f"cannot read the profile of {user!r}: {exc}") from exc
    try:
        return validate_profile(json.loads(raw))
    except (json.JSONDecodeError, InputError) as exc:
        raise _damaged(user, exc) from exc


def save_profile(settings: Settings, user: str, profile: Profile) -> None:
    """Write the profile atomically: readers see the old file or the new, never half
    (on PostgreSQL, the old row or the new)."""
    path = profile_path(settings, user)
    body = json.dumps(profile.model_dump(mode="json"), indent=2, ensure_ascii=False)
    try:
        body.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            f"the profile of {user!r} holds text that is not valid UTF-8: type it again"
        ) from None
    shared = _shared(settings)
    if shared is not None:
        shared.put_profile(validate_user_id(user), profile.model_dump(mode="json"))
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".profile-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(body + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise StoreError(f"cannot save the profile of {user!r}: {exc}") from exc


def save_facts(settings: Settings, user: str, facts: dict[str, Any]) -> Profile:
    """Merge facts a person stated in the chat into their saved profile, with their
    consent (every interface asks first); the facts win over older values."""
    saved = load_profile(settings, user).model_dump(mode="json")
    profile = validate_profile({**saved, **one_buffer_form(*facts), **facts})
    save_profile(settings, user, profile)
    return profile


def read_profile_file(path: Path) -> Profile:
    """A profile from a JSON or YAML file (``advisor suggest --profile``, ``import``)."""
    import yaml

    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"profile file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the profile file {path}: {exc}") from exc
    try:
        data = yaml.safe_load(raw)  # JSON is YAML, so one parser reads both
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0]
        raise InputError(f"{path.name}: not valid JSON or YAML ({first})") from None
    return validate_profile({} if data is None else data)
