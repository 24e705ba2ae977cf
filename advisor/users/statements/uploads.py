"""Statements that arrive as bytes (an API upload, an MCP tool's argument, the UI's
upload box) go through the same import as files named on the command line."""

from __future__ import annotations

import base64
import binascii
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from advisor.core.errors import InputError
from advisor.core.settings import Settings

Encoding = Literal["text", "base64"]


def content_bytes(name: str, content: str, encoding: Encoding = "text") -> bytes:
    """A file's content as a tool argument: its text, or base64 for any bytes."""
    if encoding == "base64":
        try:
            return base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise InputError(f"{name[:80]}: the content is not valid base64") from None
    try:
        return content.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{name[:80]}: the content is not valid text; send base64") from None


def import_uploads(
    settings: Settings,
    user: str,
    uploads: Sequence[tuple[str, bytes]],
    *,
    currency: str | None = None,
    save_facts: bool = False,
) -> dict[str, Any]:
    """Import (file name, content) pairs as :func:`saved.import_statements` imports
    files: any bad one keeps nothing."""
    from advisor.users.statements.saved import import_statements, statement_name

    if not uploads:
        raise InputError("no statement file sent: send a CSV, OFX or QFX export")
    with tempfile.TemporaryDirectory(prefix="advisor-statements-") as tmp:
        paths = []
        for i, (name, data) in enumerate(uploads):
            safe = statement_name(name or "")
            if not data:
                raise InputError(f"{safe}: the file is empty")
            if len(data) > settings.max_file_bytes:
                raise InputError(
                    f"{safe}: {len(data):,} bytes, over the {settings.max_file_bytes:,} a file "
                    "may have (ADVISOR_MAX_FILE_BYTES)"
                )
            folder = Path(tmp) / str(i)  # two uploads of one name stay apart until checked
            folder.mkdir()
            path = folder / safe
            path.write_bytes(data)
            paths.append(path)
        return import_statements(settings, user, paths, currency=currency, save_facts=save_facts)
