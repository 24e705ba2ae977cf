"""bench/soak.py's warm-up: bursts until one leaves the server's open files where they
were, so a bounded pool filling over the first bursts is not read as growth after them."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture
def soak(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        module = importlib.import_module("soak")
    finally:
        sys.path.remove(str(BENCH))
    monkeypatch.setattr(module.time, "sleep", lambda _s: None)
    return module


class Server:
    """Open files after each burst: a pool that grows by ``steps`` and then stays."""

    def __init__(self, counts: list[int]) -> None:
        self.counts = counts
        self.bursts = 0

    def burst(self, _n: int) -> None:
        self.bursts += 1

    def open_files(self, _pid: int) -> int:
        return self.counts[min(self.bursts, len(self.counts) - 1)]


def test_warm_up_stops_after_the_first_burst_that_adds_no_open_file(
    soak: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = Server([38, 41, 44, 44, 44])  # the pools fill over two bursts, then stay
    monkeypatch.setattr(soak, "open_files", server.open_files)
    assert soak.warm_up(server, 1, 50, 12.0) == 3
    assert server.bursts == 3


def test_warm_up_of_a_server_already_at_its_working_size_is_one_burst(
    soak: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = Server([38, 38, 38])
    monkeypatch.setattr(soak, "open_files", server.open_files)
    assert soak.warm_up(server, 1, 50, 12.0) == 1


def test_warm_up_of_a_server_that_keeps_growing_stops_at_the_bound(
    soak: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = Server(list(range(30, 60, 3)))  # a leak: every burst adds files
    monkeypatch.setattr(soak, "open_files", server.open_files)
    assert soak.warm_up(server, 1, 50, 12.0) == soak.WARMUP_BURSTS
    assert server.bursts == soak.WARMUP_BURSTS  # the leak then shows in the soak's growth
