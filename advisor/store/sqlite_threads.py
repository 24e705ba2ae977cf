"""One SQLite connection per thread, closed when its thread ends.

A ``sqlite3.Connection`` is in a reference cycle (its statement cache refers back to
it), so one left in an ended thread's ``threading.local`` slot keeps its file
descriptors until the garbage collector happens to run: a server whose worker threads
come and go would pile them up. Here each connection is closed when its thread ends
(its slot goes, and a finalizer with it), or failing that when the next connection is
opened, and all of them when the owner goes. Only SQLite opens or closes the database's
files: closing any descriptor of them outside SQLite drops this process's locks.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Callable

Opened = list[tuple[threading.Thread, sqlite3.Connection]]


class _Slot:
    """Lives in one thread's slot of the thread-local; its finalizer closes that
    thread's connection when the thread ends."""


def _close_ended(opened: Opened) -> None:
    """Close the connections of threads that have ended; the caller holds the lock."""
    ended = [c for t, c in opened if not t.is_alive()]
    opened[:] = [(t, c) for t, c in opened if t.is_alive()]
    for con in ended:
        con.close()


def _close_one(con: sqlite3.Connection, opened: Opened, lock: threading.RLock) -> None:
    with lock:
        opened[:] = [(t, c) for t, c in opened if c is not con]
    con.close()


def _close_all(opened: Opened, lock: threading.RLock) -> None:
    with lock:
        for _, con in opened:
            con.close()
        opened.clear()


class ThreadConnections:
    """``get()`` is this thread's connection, made by ``connect`` on first use."""

    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._connect = connect
        self._local = threading.local()
        self._opened: Opened = []
        self._lock = threading.RLock()  # a finalizer may run while this thread holds it
        weakref.finalize(self, _close_all, self._opened, self._lock)

    def get(self) -> sqlite3.Connection:
        con: sqlite3.Connection | None = getattr(self._local, "con", None)
        if con is None:
            con = self._connect()
            with self._lock:
                _close_ended(self._opened)
                self._opened.append((threading.current_thread(), con))
            self._local.slot = slot = _Slot()
            self._local.closer = weakref.finalize(slot, _close_one, con, self._opened, self._lock)
            self._local.con = con
        return con

    def close(self) -> None:
        """Close this thread's connection (and those of threads that have ended)."""
        closer = getattr(self._local, "closer", None)
        if closer is not None:
            closer()  # closes it and forgets it, once
            self._local.con = self._local.closer = self._local.slot = None
        with self._lock:
            _close_ended(self._opened)

    def count(self) -> int:
        """How many are open (the live threads that used them)."""
        with self._lock:
            _close_ended(self._opened)
            return len(self._opened)
