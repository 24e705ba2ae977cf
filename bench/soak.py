"""A bounded soak with bursts against a real ``advisor api`` on 127.0.0.1 (#31): steady
clients, then bursts of concurrent requests on new threads, every request a question the
server has not seen; the server's open files and RSS are read from /proc at the start
(after the steady phase), after each burst (once its threads have had time to end) and
at the end. For bench/run.py (section "soak").
"""

from __future__ import annotations

import collections
import threading
import time
from pathlib import Path
from typing import Any


def open_files(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/fd").iterdir()))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Load:
    """Sends questions, each once; counts answers by status and keeps latencies."""

    def __init__(self, base: str, pool: list[str]) -> None:
        self.base = base
        self.pool = iter(pool)
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: collections.Counter[str] = collections.Counter()

    def one(self) -> bool:
        import httpx

        with self.lock:
            q = next(self.pool, None)
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
        threads = [threading.Thread(target=self.one) for _ in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def soak(
    base: str, pid: int, pool: list[str], *, steady_s: float, bursts: int, size: int, gap_s: float
) -> dict[str, Any]:
    from run import pct  # type: ignore[import-not-found]

    load = Load(base, pool)
    load.clients(4, time.time() + steady_s)  # steady state: caches, pools, threads filled
    files = [open_files(pid)]
    rss = [rss_mb(pid)]
    for _ in range(bursts):
        load.burst(size)
        time.sleep(gap_s)  # idle worker threads end; what they held should go with them
        files.append(open_files(pid))
        rss.append(rss_mb(pid))
    load.clients(4, time.time() + steady_s / 2)
    files.append(open_files(pid))
    rss.append(rss_mb(pid))
    errors = {k: v for k, v in load.statuses.items() if k != "200"}
    return {
        "soak_requests": sum(load.statuses.values()),
        "soak_errors": sum(errors.values()),
        "soak_errors_by_status": errors,
        "soak_p50_ms": round(pct(load.latencies, 0.5), 1),
        "soak_p95_ms": round(pct(load.latencies, 0.95), 1),
        "soak_bursts": f"{bursts} x {size} concurrent, {gap_s:g} s apart",
        "soak_open_files": files,
        "soak_rss_mb": [round(x, 1) for x in rss],
        "soak_open_files_growth": round(max(files[1:]) / files[0], 3),
        "soak_rss_growth": round(max(rss[1:]) / rss[0], 3),
    }
