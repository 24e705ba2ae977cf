"""Copy a data folder in a child process, never in this one.

POSIX record locks belong to a process and an inode, and closing *any* descriptor of a
file drops all of that process's locks on it: ``shutil.copytree`` in a process that has
the folder's SQLite files open (the manifest, or Chroma's ``chroma.sqlite3`` behind a
client still alive) silently unlocks that process's connections, and another process
may then delete the ``-wal`` and ``-shm`` files under them (tests/live_files.py, #33).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_COPYTREE = "import shutil, sys; shutil.copytree(sys.argv[1], sys.argv[2])"


def copy_tree(src: Path | str, dst: Path) -> Path:
    """``shutil.copytree(src, dst)`` in a child process; nothing may write to ``src``."""
    subprocess.run([sys.executable, "-c", _COPYTREE, str(src), str(dst)], check=True, timeout=600)
    return dst
