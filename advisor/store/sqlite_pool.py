"""A bounded pool of SQLite connections, owned by the object that made it, not by threads.

Connections used to be kept one per thread and closed when their thread ended. A server's
worker threads outlive their requests (anyio keeps idle workers until a later request
finds them idle for 10 s), so after a burst of concurrent requests the process kept one
connection per worker (two descriptors each: the database and its ``-wal``) for as long
as the workers lived: 40 workers, 80 more open files, seen in the soak of #31.

Here a connection is lent for one operation (:meth:`ConnectionPool.connection`) and
given back: at most ``keep`` idle ones stay open, at most ``limit`` are open at once
(a caller beyond that waits for one to come back), and one lent beyond ``keep`` is
closed when it returns. So the open files after a burst are what they were before it,
whichever threads ran it. A thread that already holds a connection gets the same one
again (nested calls never wait on themselves). Hand-written rather than SQLAlchemy's
``QueuePool``: SQLAlchemy is an optional extra (PostgreSQL), and that pool would lend a
nested call a second connection.

One descriptor outlives its connection: in WAL mode every open connection keeps a shared
lock on the database file, and SQLite will not close a closed connection's descriptor of
it while this process holds locks there (closing it would drop them all); it keeps it
for the next connection to reuse. So the database file's descriptors stay at the most
connections ever open at once (``limit`` at worst), the ``-wal`` file's at those open.
Only SQLite opens or closes the database's files: closing any descriptor of them outside
SQLite drops this process's locks (tests/live_files.py).
"""

from __future__ import annotations

import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from advisor.core.errors import StoreError

# Reads take a millisecond or two and writes are serialised by SQLite anyway: a few
# connections serve a busy server (on these 2 cores) and more only hold descriptors.
KEEP = 4
LIMIT = 8
WAIT_S = 60.0


def _close_all(idle: list[sqlite3.Connection], lock: threading.Condition) -> None:
    with lock:
        for con in idle:
            con.close()
        idle.clear()


class ConnectionPool:
    """Connections made by ``connect``, lent one at a time per thread."""

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        *,
        keep: int = KEEP,
        limit: int = LIMIT,
        wait_s: float = WAIT_S,
        name: str = "the database",
    ) -> None:
        self._connect = connect
        self._keep, self._limit, self._wait_s, self._name = keep, max(limit, 1), wait_s, name
        self._idle: list[sqlite3.Connection] = []  # last returned first: its cache is warm
        self._open = 0
        self._cond = threading.Condition(threading.Lock())
        self._held = threading.local()  # the connection this thread has borrowed, if any
        # idle connections close when the pool goes; nothing here refers back to its owner
        weakref.finalize(self, _close_all, self._idle, self._cond)

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """A connection for this thread until the block ends (the same one when nested)."""
        con: sqlite3.Connection | None = getattr(self._held, "con", None)
        if con is not None:
            yield con
            return
        con = self._take()
        self._held.con = con
        try:
            yield con
        finally:
            self._held.con = None
            self._give_back(con)

    def _take(self) -> sqlite3.Connection:
        deadline = time.monotonic() + self._wait_s
        with self._cond:
            while not self._idle and self._open >= self._limit:
                left = deadline - time.monotonic()
                if left <= 0 or not self._cond.wait(left):
                    raise StoreError(
                        f"{self._name} is busy: all {self._limit} connections stayed in use "
                        f"for {self._wait_s:g} s; try again"
                    )
            if self._idle:
                return self._idle.pop()
            self._open += 1
        try:
            return self._connect()
        except BaseException:
            with self._cond:
                self._open -= 1
                self._cond.notify()
            raise

    def _give_back(self, con: sqlite3.Connection) -> None:
        if con.in_transaction:  # an interrupted operation: leave nothing half done
            try:
                con.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        with self._cond:
            if len(self._idle) < self._keep:
                self._idle.append(con)
                self._cond.notify()
                return
            self._open -= 1
            self._cond.notify()
        con.close()

    def close(self) -> None:
        """Close the idle connections (a lent one closes when it comes back, if over
        ``keep``); the pool stays usable and opens new ones when asked."""
        with self._cond:
            idle = list(self._idle)
            self._idle.clear()
            self._open -= len(idle)
            self._cond.notify_all()
        for con in idle:
            con.close()

    def count(self) -> int:
        """How many connections are open (lent and idle)."""
        with self._cond:
            return self._open
