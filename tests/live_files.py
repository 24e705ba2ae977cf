"""Copying a data folder whose SQLite files this test process may have open.

POSIX record locks belong to a process and an inode, and closing *any* descriptor of a
file drops all of that process's locks on it (https://www.sqlite.org/howtocorrupt.html,
section 2.2). ``shutil.copy*`` opens and closes the source, so copying the live
``index.sqlite3`` (or Chroma's ``chroma.sqlite3``) in this process silently unlocks every
connection this process has on it. Another process closing its last connection then
believes it is the last one: it deletes the ``-wal`` and ``-shm`` files under this
process's connections, and the next fresh connection here fails with "disk I/O error"
(SQLITE_IOERR_SHORT_READ) or worse, "database disk image is malformed".

So a live SQLite file is copied either by SQLite itself (the backup API: SQLite keeps a
descriptor it closes while this process holds locks on the file) or by another process.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

_COPYTREE = "import shutil, sys; shutil.copytree(sys.argv[1], sys.argv[2])"


def copy_tree(src: Path, dst: Path) -> Path:
    """``shutil.copytree(src, dst)`` in a child process, so no lock of this one is lost.
    Nothing may write to ``src`` meanwhile (the copy is file by file)."""
    subprocess.run(
        [sys.executable, "-c", _COPYTREE, str(src), str(dst)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return dst


def copy_manifest(src: Path, dst: Path) -> Path:
    """A consistent copy of the SQLite database ``src`` (what its write-ahead log holds
    included) at ``dst``, made through SQLite's backup API."""
    source = sqlite3.connect(src)
    target = sqlite3.connect(dst)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return dst
