"""Shared fixtures. Every test gets its own ADVISOR_HOME; nothing reaches the network.
Helpers tests import (``cli``, ``make_settings``, ``start_chroma``, ...) are in
``helpers.py``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
from helpers import (
    CORPUS,
    create_database,
    free_port,
    in_ci,
    make_settings,
    start_chroma,
    stop_chroma,
)
from live_files import copy_tree

from advisor.core.offline import OFFLINE_ENV

os.environ.update(OFFLINE_ENV)

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> object:
    """Tests may talk to servers they start on this machine, and nothing else."""
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if not (host.startswith("127.") or host in {"localhost", "::1", "0.0.0.0"}):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)  # type: ignore[arg-type]


socket.socket.connect = _loopback_only  # type: ignore[method-assign]


# Hypothesis profiles, loaded before any test module builds its @settings(...): those take
# the loaded profile as their parent, so they inherit derandomize unless they set it.
# "ci": the same examples on every run, so a CI failure reproduces anywhere (and prints
# the blob to replay it); "dev": fresh random examples each run, remembered in the
# example database. `pytest --hypothesis-profile=dev|ci` overrides the choice.
_DEFAULTS = hypothesis.settings.get_profile("default")  # not whichever profile is loaded
hypothesis.settings.register_profile(
    "ci",
    _DEFAULTS,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[hypothesis.HealthCheck.too_slow],
)
hypothesis.settings.register_profile("dev", _DEFAULTS, deadline=None)
hypothesis.settings.load_profile("ci" if in_ci() else "dev")


# -- Two sets: `unit` (make test-fast) and `integration` ----------------------------------
# A test is `integration` when it needs a fixture below (each ingests the whole corpus or
# starts a server or a database, also through a fixture that needs one) or sits in one
# of the modules below (their tests start processes, run whole evaluations, load torch or
# ingest through the CLI with the real model). Every other test that is not marked slow,
# browser, server or postgres is `unit`: `make test-fast` runs those (`pytest -m unit`),
# `make test` runs everything. Markers, not folders, so no test file moves.
INTEGRATION_FIXTURES = frozenset(
    {"library_home", "server_home", "chroma_server", "postgres_server"}
)
INTEGRATION_MODULES = frozenset(
    {
        "test_embeddings_numpy.py",  # torch and sentence-transformers, new processes
        "test_eval_generate.py",  # drafts rows from documents through a model server
        "test_eval_resume.py",  # eval runs killed halfway and resumed, workers
        "test_eval_targets.py",  # eval runs against OpenAI-compatible servers
        "test_first_hour.py",  # `advisor` processes, busy ports
        "test_manifest_stress.py",  # threads and two processes for seconds
        "test_langchain.py",  # a new process checks that `import advisor` stays cheap
        "test_mcp.py",  # `advisor mcp` processes over stdio and HTTP
        "test_userdata.py",  # users' files through the CLI with the real model, new processes
    }
)
OTHER_SETS = ("slow", "browser", "server", "postgres")


def is_integration(item: pytest.Item) -> bool:
    """Whether ``item`` belongs to the integration set (see above; a test may also say so
    itself with ``@pytest.mark.integration``)."""
    fixtures = set(getattr(item, "fixturenames", ()))
    return (
        bool(fixtures & INTEGRATION_FIXTURES)
        or item.path.name in INTEGRATION_MODULES
        or item.get_closest_marker("integration") is not None
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test ``integration`` or ``unit`` (never both; slow, browser, server and
    postgres tests that are not integration get neither)."""
    for item in items:
        if is_integration(item):
            item.add_marker(pytest.mark.integration)
        elif not any(item.get_closest_marker(name) for name in OTHER_SETS):
            item.add_marker(pytest.mark.unit)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "advisor-home"
    monkeypatch.setenv("ADVISOR_HOME", str(home))
    monkeypatch.setenv("ADVISOR_CORPUS_DIR", str(CORPUS))
    for var in ("ADVISOR_CHROMA_URL", "ADVISOR_DATABASE_URL", "ADVISOR_ENGINE", "ADVISOR_API_KEYS"):
        monkeypatch.delenv(var, raising=False)
    from advisor.core.settings import get_settings

    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    """The real packaged MiniLM, loaded once per test session."""
    from advisor.embeddings import get_embedder

    return get_embedder("st:all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def library_home(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:  # type: ignore[no-untyped-def]
    """A data folder with the real corpus ingested once; copy it before writing."""
    from advisor.ingest.corpus import corpus_files
    from advisor.ingest.pipeline import ingest_files
    from advisor.store import Store

    home = tmp_path_factory.mktemp("library") / "home"
    store = Store(make_settings(home), embedder)
    report = ingest_files(store, corpus_files(CORPUS))
    assert not report.errors, report.errors
    store.manifest.close()
    return home


@pytest.fixture
def home_copy(library_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, writable copy of the ingested library; ADVISOR_HOME points at it."""
    home = tmp_path / "home-copy"
    copy_tree(library_home, home)
    monkeypatch.setenv("ADVISOR_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def advisor(library_home: Path, embedder):  # type: ignore[no-untyped-def]
    """A read-only Advisor over the ingested corpus (do not write through it)."""
    from advisor.answering.service import Advisor

    return Advisor(make_settings(library_home), embedder=embedder)


@pytest.fixture
def writable_advisor(home_copy: Path, embedder):  # type: ignore[no-untyped-def]
    """An Advisor over a private copy of the ingested corpus."""
    from advisor.answering.service import Advisor

    return Advisor(make_settings(home_copy), embedder=embedder)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on a free loopback port for the session; yields its URL."""
    proc, url = start_chroma(tmp_path_factory.mktemp("chroma-server") / "data")
    yield url
    stop_chroma(proc)


@pytest.fixture(scope="session")
def server_home(chroma_server: str, tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:  # type: ignore[no-untyped-def]
    """A data folder (SQLite manifest) whose vectors live on the session Chroma server,
    with the corpus ingested. Shared: write only under user ids of your own."""
    from advisor.ingest.corpus import corpus_files
    from advisor.ingest.pipeline import ingest_files
    from advisor.store import Store

    home = tmp_path_factory.mktemp("server-home") / "home"
    store = Store(make_settings(home, chroma_url=chroma_server), embedder)
    report = ingest_files(store, corpus_files(CORPUS))
    assert not report.errors, report.errors
    store.manifest.close()
    return home


# -- PostgreSQL: a real server from the machine's packages, as a non-root user ------------


def postgres_bindir() -> Path | None:
    """Where initdb and pg_ctl live: on PATH, or Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def _postgres_user() -> str | None:
    """initdb refuses root: as root (CI), the server runs as an unprivileged user."""
    if os.geteuid() != 0:
        return None
    import pwd

    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root with no 'postgres' or 'nobody' user to run PostgreSQL")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A real PostgreSQL (initdb + pg_ctl in a temp folder, loopback TCP only, trust auth)
    for the session; yields the URL of its ``postgres`` database. Skipped only off CI when
    the server packages are missing (``make test`` installs them)."""
    import tempfile

    bindir = postgres_bindir()
    if bindir is None:
        if in_ci():
            raise RuntimeError("CI=true but PostgreSQL's initdb is not installed (make postgres)")
        pytest.skip("PostgreSQL server packages not installed (apt-get install postgresql)")
    owner = _postgres_user()
    # /tmp, not pytest's tmp_path: that sits under a 0700 folder of root's
    root = Path(tempfile.mkdtemp(prefix="advisor-pg-"))
    data, log = root / "data", root / "server.log"
    if owner is not None:
        import pwd

        entry = pwd.getpwnam(owner)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    run_as: dict[str, object] = {"user": owner} if owner else {}
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    subprocess.run(
        [str(bindir / "initdb"), "-D", str(data), "-U", "advisor", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
        env=env,
        **run_as,  # type: ignore[arg-type]
    )
    port = free_port()
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    started = subprocess.run(
        [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"],
        capture_output=True,
        text=True,
        env=env,
        **run_as,  # type: ignore[arg-type]
    )
    if started.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else started.stderr
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start on port {port}:\n{tail}")
    try:
        yield f"postgresql://advisor@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            env=env,
            **run_as,  # type: ignore[arg-type]
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database on the session's PostgreSQL server (its URL)."""
    return create_database(postgres_server)
