"""What a person told us a payer is (``advisor statement --user ann label "ACME PAYOUT"
royalties``), remembered in ``users/<id>/statement_labels.json`` (deleted with the
user's folder) and applied before the rules on the next import."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from advisor.core.errors import InputError, StoreError
from advisor.core.settings import Settings
from advisor.users.ids import validate_user_id

LABELS_FILE = "statement_labels.json"
NOT_INCOME = ("refund", "card_payment", "own_transfer")
MAX_LABELS = 1000


def labels_path(settings: Settings, user: str) -> Path:
    return settings.users_dir / validate_user_id(user) / LABELS_FILE


def load_labels(settings: Settings, user: str) -> dict[str, str]:
    """Payer text (lowercase, spaces tidied) -> stream or kind; empty when none saved."""
    path = labels_path(settings, user)
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, json.JSONDecodeError) as exc:
        raise StoreError(f"cannot read the statement labels of {user!r}: {exc}") from None
    if not isinstance(loaded, dict):
        raise StoreError(f"the statement labels of {user!r} are damaged: not an object")
    return {str(k): str(v) for k, v in loaded.items()}


def _tidy(text: str) -> str:
    tidy = " ".join(text.lower().split())
    if not 3 <= len(tidy) <= 120:
        raise InputError("a payer's text must be 3 to 120 characters, e.g. 'ACME PAYOUT'")
    return tidy


def save_label(settings: Settings, user: str, text: str, label: str) -> dict[str, str]:
    """Remember that rows whose description holds TEXT are LABEL (a stream, or refund,
    card_payment, own_transfer); ``unclassified`` forgets it."""
    from advisor.users.statements.classify import UNCLASSIFIED, stream_passivity

    choices = [*stream_passivity(), *NOT_INCOME]
    if label not in (*choices, UNCLASSIFIED):
        raise InputError(
            f"unknown label {label!r}: use one of {', '.join(choices)}, or unclassified"
        )
    labels = load_labels(settings, user)
    key = _tidy(text)
    if label == UNCLASSIFIED:
        labels.pop(key, None)
    else:
        labels[key] = label
    if len(labels) > MAX_LABELS:
        raise InputError(f"at most {MAX_LABELS} labels a person")
    path = labels_path(settings, user)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".labels-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(labels, handle, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except OSError as exc:
        raise StoreError(f"cannot save the statement labels of {user!r}: {exc}") from exc
    return labels
