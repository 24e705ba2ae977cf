"""Turning a file into a cleaned :class:`~advisor.corpus.Document`.

Text formats are read here; richer formats (pdf, docx, html, csv) use well-kept
loaders imported only when such a file arrives.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from advisor.corpus import Document, clean_text, load_article
from advisor.errors import InputError

TEXT_SUFFIXES = {".md", ".txt", ".markdown"}


def slug(name: str) -> str:
    """A document id from a file name: safe in paths, stable across runs."""
    s = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return s[:120] or "document"


def read_text_file(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputError(f"{path.name}: binary content, not text; convert it to .txt or .md")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and retry"
        ) from exc


def _load_text(path: Path) -> str:
    return read_text_file(path)


LOADERS: dict[str, Callable[[Path], str]] = {s: _load_text for s in TEXT_SUFFIXES}


def check_file(path: Path, max_bytes: int) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path.name}: the file is empty")
    if size > max_bytes:
        raise InputError(
            f"{path.name}: {size:,} bytes is over the {max_bytes:,}-byte limit "
            "(ADVISOR_MAX_FILE_BYTES)"
        )


def load_file(path: Path, *, max_bytes: int, as_article: bool = False) -> Document:
    """Load one file; raise :class:`InputError` naming the file when it cannot be used."""
    check_file(path, max_bytes)
    suffix = path.suffix.lower()
    if as_article and suffix in TEXT_SUFFIXES:
        read_text_file(path)  # binary / encoding check with a clear message
        return load_article(path)
    loader = LOADERS.get(suffix)
    if loader is None:
        known = ", ".join(sorted(LOADERS))
        raise InputError(f"{path.name}: unsupported file type {suffix or '(none)'}; use {known}")
    text = clean_text(loader(path))
    if not text.strip():
        raise InputError(f"{path.name}: no text found in the file")
    return Document(
        doc_id=slug(path.name), text=text, title=path.stem, source=path.name, kind=suffix[1:]
    )
