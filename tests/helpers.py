"""Helpers the tests share (fixtures are in ``conftest.py``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Generator
from pathlib import Path
from typing import TypeVar

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def in_ci() -> bool:
    """CI runs with CI=true; unset, "", "0", "false", "no" and "off" mean a dev machine."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``advisor ARGV`` in this process: (exit code, stdout, stderr)."""
    from advisor.interfaces.cli.main import run

    capsys.readouterr()  # only this command's output
    code = 0
    try:
        run(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


T = TypeVar("T")
R = TypeVar("R")


def drain(stream: Generator[T, object, R]) -> tuple[list[T], R]:
    """Every item a generator yields, and the value it returns at the end."""
    out: list[T] = []
    while True:
        try:
            out.append(next(stream))
        except StopIteration as stop:
            return out, stop.value


def make_settings(home: Path, **overrides: object):  # type: ignore[no-untyped-def]
    from advisor.core.settings import Settings

    return Settings(home=home, corpus_dir=CORPUS, **overrides)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_chroma(path: Path, port: int | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Start `chroma run` on loopback and wait for its heartbeat; fail loudly if it won't."""
    import urllib.request

    chroma = Path(sys.executable).parent / "chroma"
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = path.parent / f"chroma-{port}.log"
    with open(log_path, "wb") as log:  # the child keeps its own copy of the handle
        proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as resp:
                if resp.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    proc.wait()
    tail = log_path.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"`chroma run` did not start on {url}:\n{tail}")


def stop_chroma(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def create_database(server_url: str) -> str:
    """A new, empty database on the server at ``server_url``; returns its URL."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"
