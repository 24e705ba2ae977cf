"""Chroma segment folders no collection uses any more.

An embedded Chroma (``PersistentClient``) keeps each collection's vector index in a
folder named by its segment id beside ``chroma.sqlite3``; deleting the collection
(a user deleted) drops its rows but leaves the folder behind. This removes such
folders: a folder is removed only when its name is a UUID, no segment in Chroma's
database has that id, and it holds nothing but the index files Chroma writes there.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import uuid
from pathlib import Path

log = logging.getLogger(__name__)

# what chromadb's local HNSW segment writes in its folder
INDEX_FILES = frozenset(
    {"header.bin", "data_level0.bin", "length.bin", "link_lists.bin", "index_metadata.pickle"}
)


def _segment_ids(database: Path) -> set[str] | None:
    """The ids of every segment Chroma knows, or None when they cannot be read."""
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as db:
            return {str(row[0]) for row in db.execute("SELECT id FROM segments")}
    except sqlite3.Error as exc:
        log.warning("not sweeping Chroma segment folders: %s", exc)
        return None


def _is_uuid(name: str) -> bool:
    try:
        return str(uuid.UUID(name)) == name
    except ValueError:
        return False


def sweep_orphan_segments(chroma_dir: Path) -> list[str]:
    """Remove the segment folders in ``chroma_dir`` that no collection uses; their names."""
    database = chroma_dir / "chroma.sqlite3"
    if not database.is_file():
        return []
    known = _segment_ids(database)
    if known is None:
        return []
    removed = []
    for folder in chroma_dir.iterdir():
        if not folder.is_dir() or folder.is_symlink() or not _is_uuid(folder.name):
            continue
        if folder.name in known:
            continue
        if any(f.name not in INDEX_FILES or not f.is_file() for f in folder.iterdir()):
            continue  # not only an index: not ours to judge
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder.name)
    return sorted(removed)
