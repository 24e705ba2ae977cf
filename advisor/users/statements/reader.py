"""Every statement file a person hands over, read into one list of rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from advisor.core.errors import InputError
from advisor.users.statements.model import Transaction

OFX_SUFFIXES = {".ofx", ".qfx"}


def read_statement(path: Path, default_currency: str = "USD") -> list[Transaction]:
    """The rows of one export, by its suffix or, for other names, by its first bytes."""
    from advisor.users.statements.csv_reader import read_csv
    from advisor.users.statements.ofx_reader import read_ofx

    if not path.is_file():
        raise InputError(f"statement file not found: {path}")
    head = path.read_bytes()[:512].lstrip().upper()
    if path.suffix.lower() in OFX_SUFFIXES or head.startswith((b"OFXHEADER", b"<?XML")):
        return read_ofx(path, default_currency)
    return read_csv(path, default_currency)


def merge(files: Iterable[list[Transaction]]) -> list[Transaction]:
    """The rows of several exports, with the rows two overlapping exports share counted
    once: a transaction appearing n times in one file and m in another is kept max(n, m)
    times (two equal coffees on one day are two rows, not a duplicate)."""
    kept: list[Transaction] = []
    seen: Counter[tuple[object, ...]] = Counter()
    for rows in files:
        here: Counter[tuple[object, ...]] = Counter()
        for row in rows:
            key = row.key()
            here[key] += 1
            if here[key] > seen[key]:
                kept.append(row)
        for seen_key, count in here.items():
            seen[seen_key] = max(seen[seen_key], count)
    kept.sort(key=lambda r: (r.date, r.file, r.row))
    return kept


def read_statements(paths: Iterable[Path], default_currency: str = "USD") -> list[Transaction]:
    """All rows of all files; any bad file stops the whole import (nothing half-read)."""
    return merge(read_statement(Path(p), default_currency) for p in paths)
