"""Files a user uploaded through the UI that are not ingested yet: who sent each one,
from which login session, and when.

Gradio keeps an upload in its own temp folder (one folder for every user, named by the
content's hash) until a handler uses it. The advisor notes each upload here, under
``ADVISOR_HOME/ui-uploads/<user>/``, one small JSON file per upload, so that

- a handler accepts only files uploaded by the same user in the same login session
  (a path another session uploaded, or that was never uploaded, is refused);
- every temp copy is removed once its batch is ingested or refused, when it has waited
  longer than :data:`PENDING_SECONDS` (a batch Gradio refused before our handler ran,
  an upload never followed by its event), and with its user (``delete_user``, also
  from another process such as ``advisor users delete``).

A file two users uploaded (the same content and name: the same path) is removed only
when no one else is still waiting on it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.users.ids import validate_user_id

if TYPE_CHECKING:
    from advisor.core.settings import Settings

# an upload not used by its handler within this time is removed (Gradio's front end
# calls the handler as soon as the upload finishes)
PENDING_SECONDS = 15 * 60


def ledger_dir(settings: Settings) -> Path:
    return settings.home / "ui-uploads"


def _user_dir(settings: Settings, user: str) -> Path:
    return ledger_dir(settings) / validate_user_id(user)


def _note_name(path: Path) -> str:
    return hashlib.sha256(str(path).encode("utf-8", "surrogatepass")).hexdigest()[:32] + ".json"


def session_key(secret: str | None) -> str:
    """What identifies a login session without keeping its cookie: a hash of it."""
    if not secret:
        return ""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def record(settings: Settings, user: str, session: str, paths: list[Path]) -> None:
    """Note that ``user`` uploaded ``paths`` in ``session``; sweep stale uploads first."""
    sweep(settings)
    folder = _user_dir(settings, user)
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for path in (p.resolve() for p in paths):  # as handlers see it (symlinks followed)
        note = {"path": str(path), "session": session, "time": now}
        (folder / _note_name(path)).write_text(json.dumps(note), encoding="utf-8")


def owned(settings: Settings, user: str, session: str, path: Path) -> bool:
    """Whether ``user`` uploaded ``path`` (resolved) in ``session`` and it still waits."""
    note = _read(_user_dir(settings, user) / _note_name(path))
    return note is not None and note.get("path") == str(path) and note.get("session") == session


def release(settings: Settings, user: str, session: str, paths: list[Path]) -> None:
    """Forget the uploads ``paths`` ``user`` sent in ``session`` and remove each file no
    one else waits on. A path anyone else uploaded, or this user in another session,
    stays."""
    folder = _user_dir(settings, user)
    for path in paths:
        note_file = folder / _note_name(path)
        note = _read(note_file)
        if note is None or note.get("path") != str(path) or note.get("session") != session:
            continue
        note_file.unlink(missing_ok=True)
        _remove_if_unclaimed(settings, path)


def discard_user(settings: Settings, user: str) -> int:
    """Remove every upload ``user`` left waiting, and their notes; the count removed."""
    folder = _user_dir(settings, user)
    if not folder.is_dir():
        return 0
    paths = [p for p in map(_path, map(_read, folder.glob("*.json"))) if p is not None]
    shutil.rmtree(folder, ignore_errors=True)
    for path in paths:
        _remove_if_unclaimed(settings, path)
    return len(paths)


def waiting(settings: Settings, user: str) -> bool:
    folder = _user_dir(settings, user)
    return folder.is_dir() and any(folder.glob("*.json"))


def sweep(settings: Settings, older_than: float | None = None) -> int:
    """Remove uploads that have waited longer than ``older_than`` seconds (default
    :data:`PENDING_SECONDS`); the count removed."""
    root = ledger_dir(settings)
    if not root.is_dir():
        return 0
    cutoff = time.time() - (PENDING_SECONDS if older_than is None else older_than)
    removed = 0
    for note_file in root.glob("*/*.json"):
        note = _read(note_file)
        if note is not None and _time(note) > cutoff:
            continue
        note_file.unlink(missing_ok=True)
        path = _path(note)
        if path is not None:
            removed += _remove_if_unclaimed(settings, path)
    for folder in root.iterdir():
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return removed


def _remove_if_unclaimed(settings: Settings, path: Path) -> int:
    """Remove an uploaded file (and its hash folder, when empty) unless another user's
    note still points at it."""
    if any(ledger_dir(settings).glob(f"*/{_note_name(path)}")):
        return 0
    if not _looks_uploaded(path) or not path.is_file() or path.is_symlink():
        return 0
    path.unlink(missing_ok=True)
    try:
        path.parent.rmdir()  # Gradio's folder for this content, now empty
    except OSError:
        pass
    return 1


def _looks_uploaded(path: Path) -> bool:
    """Gradio keeps an upload in a folder named by its content's hash: never remove a
    file anywhere else, whatever a note says."""
    name = path.parent.name
    return len(name) >= 40 and all(c in "0123456789abcdef" for c in name)


def _path(note: dict[str, object] | None) -> Path | None:
    value = note.get("path") if note is not None else None
    return Path(value) if isinstance(value, str) and value else None


def _time(note: dict[str, object]) -> float:
    value = note.get("time")
    return float(value) if isinstance(value, int | float) else 0.0


def _read(note_file: Path) -> dict[str, object] | None:
    try:
        note = json.loads(note_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return note if isinstance(note, dict) else None
