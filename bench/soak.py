"""A bounded soak with bursts against a real ``advisor api`` on 127.0.0.1 (#31): steady
clients, then bursts of concurrent requests on new threads, every request a question the
server has not seen; the server's open files and RSS are read from /proc at the start,
after each burst (once it has been idle a while) and at the end. For bench/run.py
(section "soak").

The start is taken after warm-up bursts of the same size (until one leaves the open
files no higher than the one before, at most four), then steady clients: the process's
bounded pools reach their working size there once (Chroma's own SQLite pool,
in Rust, opens a few more connections at the first concurrency and keeps them; the
server's worker threads, up to anyio's 40, are started), and what is checked is that
bursts after that leave nothing behind. The open files before the warm-up burst are published too
(``soak_open_files_cold``), and the open files at the start and the end by what they
are (``soak_open_files_by_kind``), so a one-time fill is told from a leak.
"""

from __future__ import annotations

import collections
import os
import threading
import time
from pathlib import Path
from typing import Any


def open_files(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/fd").iterdir()))


def open_files_by_kind(pid: int) -> dict[str, int]:
    """The server's descriptors by what they are: the manifest (index.sqlite3), Chroma's
    SQLite, Chroma's vector files, sockets, other files."""
    kinds: collections.Counter[str] = collections.Counter()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        name = target.rsplit("/", 1)[-1]
        if name.startswith("index.sqlite3"):
            kinds["manifest"] += 1
        elif name.startswith("chroma.sqlite3"):
            kinds["chroma_sqlite"] += 1
        elif "/chroma/" in target:
            kinds["chroma_vectors"] += 1
        elif target.startswith("socket:"):
            kinds["socket"] += 1
        else:
            kinds["other"] += 1
    return dict(sorted(kinds.items()))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Load:
    """Sends questions, each once; counts answers by status and keeps latencies. The
    bursts draw from their own questions, so steady clients cannot use them up."""

    def __init__(self, base: str, steady: list[str], bursts: list[str]) -> None:
        self.base = base
        self.pools = {False: iter(steady), True: iter(bursts)}
        self.exhausted = False
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: collections.Counter[str] = collections.Counter()

    def one(self, burst: bool = False) -> bool:
        import httpx

        with self.lock:
            q = next(self.pools[burst], None)
            self.exhausted |= q is None
        if q is None:
            return False
        body = {"model": "passive-income-advisor", "messages": [{"role": "user", "content": q}]}
        started = time.perf_counter()
        try:
            with httpx.Client(base_url=self.base, timeout=120) as http:
                status = str(http.post("/v1/chat/completions", json=body).status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        with self.lock:
            self.latencies.append((time.perf_counter() - started) * 1000)
            self.statuses[status] += 1
        return True

    def clients(self, n: int, until: float) -> None:
        def client() -> None:
            while time.time() < until and self.one():
                pass

        threads = [threading.Thread(target=client) for _ in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def burst(self, n: int) -> None:
        threads = [threading.Thread(target=self.one, args=(True,)) for _ in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


WARMUP_BURSTS = 4  # at most; the pools' bounds (8 index connections) are reached in fewer


def warm_up(load: Load, pid: int, size: int, gap_s: float) -> int:
    """Warm-up bursts until one leaves the open files no higher than the one before (at
    most ``WARMUP_BURSTS``): the bounded pools (the index's, Chroma's own) grow to their
    working size over the first bursts, sooner or later with the machine's load, and the
    steady value is taken once they have. Returns the number of warm-up bursts sent."""
    before = open_files(pid)
    for n in range(1, WARMUP_BURSTS + 1):
        load.burst(size)
        time.sleep(gap_s)
        after = open_files(pid)
        if after <= before:
            return n
        before = after
    return WARMUP_BURSTS


def soak(
    base: str, pid: int, pool: list[str], *, steady_s: float, bursts: int, size: int, gap_s: float
) -> dict[str, Any]:
    from run import pct  # type: ignore[import-not-found]

    reserved = (bursts + WARMUP_BURSTS) * size
    load = Load(base, pool[:-reserved], pool[-reserved:])
    load.clients(4, time.time() + steady_s)
    cold = open_files(pid)
    warmups = warm_up(load, pid, size, gap_s)
    load.clients(4, time.time() + steady_s / 2)  # steady state
    files, rss, kinds = [open_files(pid)], [rss_mb(pid)], {"start": open_files_by_kind(pid)}
    for _ in range(bursts):
        load.burst(size)
        time.sleep(gap_s)  # idle: what the burst's requests held should be gone
        files.append(open_files(pid))
        rss.append(rss_mb(pid))
    load.clients(4, time.time() + steady_s / 2)
    files.append(open_files(pid))
    rss.append(rss_mb(pid))
    kinds["end"] = open_files_by_kind(pid)
    errors = {k: v for k, v in load.statuses.items() if k != "200"}
    return {
        "soak_requests": sum(load.statuses.values()),
        "soak_errors": sum(errors.values()),
        "soak_errors_by_status": errors,
        "soak_pool_exhausted": load.exhausted,
        "soak_p50_ms": round(pct(load.latencies, 0.5), 1),
        "soak_p95_ms": round(pct(load.latencies, 0.95), 1),
        "soak_bursts": f"{bursts} x {size} concurrent, {gap_s:g} s apart",
        "soak_open_files_cold": cold,
        "soak_warmup_bursts": warmups,
        "soak_open_files": files,
        "soak_open_files_by_kind": kinds,
        "soak_rss_mb": [round(x, 1) for x in rss],
        "soak_open_files_growth": round(max(files[1:]) / files[0], 3),
        "soak_rss_growth": round(max(rss[1:]) / rss[0], 3),
    }
