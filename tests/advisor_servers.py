"""Helpers for the interface tests (API, MCP, LangChain): real servers on loopback and
a data folder with two users' notes beside the library."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from helpers import make_settings
from live_files import copy_tree

from advisor.core.offline import OFFLINE_ENV

ROOT = Path(__file__).resolve().parent.parent
ADVISOR_BIN = str(Path(sys.executable).with_name("advisor"))
# Longest wait for a server to start: well under the 300 s per-test timeout (pyproject),
# so a server that never starts fails with its own message and log instead of a timeout.
START_TIMEOUT = 120

ALICE_NOTE = (
    "My vending machine route earns 340 pounds a month in net profit. "
    "Restocking the vending machines takes me four hours every month."
)
BOB_NOTE = (
    "My self-storage units bring in 900 euros a month in rent. "
    "Managing the storage units takes two hours a month."
)


def with_user_notes(library_home: Path, root: Path, embedder: Any) -> Path:
    """A copy of the ingested library plus a note for alice and one for bob, each in
    their own collection."""
    from advisor.ingest.pipeline import ingest_files
    from advisor.store import Store
    from advisor.users.ids import user_collection

    home = root / "home"
    copy_tree(library_home, home)
    store = Store(make_settings(home), embedder)
    for user, text in (("alice", ALICE_NOTE), ("bob", BOB_NOTE)):
        note = root / f"{user}-notes.txt"
        note.write_text(text, encoding="utf-8")
        report = ingest_files(store, [note], collection=user_collection(user), origin="user")
        assert not report.errors, report.errors
    store.manifest.close()
    return home


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run an ASGI app under uvicorn on a free loopback port; yield its base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        assert thread.is_alive(), "the server thread died before it started"
        assert time.monotonic() < deadline, f"server did not start within {START_TIMEOUT} s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def child_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for an ``advisor`` child process over ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    env.update(
        ADVISOR_HOME=str(home),
        ADVISOR_CORPUS_DIR=str(ROOT / "corpus"),
    )
    env.update(OFFLINE_ENV)
    env.update(extra)
    return env


@contextmanager
def advisor_process(
    args: list[str], env: dict[str, str], port: int
) -> Iterator[subprocess.Popen[str]]:
    """Run ``advisor ARGS`` until it accepts connections on ``port``; stop it after."""
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen([ADVISOR_BIN, *args], env=env, stdout=log, stderr=log, text=True)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    raise AssertionError(f"advisor {args} exited: {log.read()}")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        log.seek(0)
                        raise AssertionError(
                            f"advisor {args} did not listen on port {port} within "
                            f"{START_TIMEOUT} s: {log.read()[-2000:]}"
                        ) from None
                    time.sleep(0.2)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
