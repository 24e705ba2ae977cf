"""The PostgreSQL manifest behaves like the SQLite one (commit, replace, delete, lexical
search, the journal), and holds what many workers must share: a live writer's journal
entry, profiles, the user list. Run against a real PostgreSQL started by the fixture."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import make_settings

from advisor.core.errors import InputError, StoreError
from advisor.store.manifest import Manifest, open_manifest
from advisor.store.sqlite_manifest import DocRow, SqliteManifest

pytestmark = pytest.mark.postgres


@pytest.fixture(params=["sqlite", "postgres"])
def manifest(request, tmp_path: Path) -> Manifest:  # type: ignore[no-untyped-def]
    """Each backend, empty."""
    if request.param == "sqlite":
        return SqliteManifest(tmp_path / "index.sqlite3")
    from advisor.store.pg_manifest import PostgresManifest

    return PostgresManifest(request.getfixturevalue("postgres_url"))


def row(doc_id: str, content_hash: str, n: int, collection: str = "user-ann") -> DocRow:
    source, title = f"{doc_id}.txt", doc_id.title()
    return DocRow(collection, doc_id, source, title, "text", "user", content_hash, n, 1.0)


def test_a_committed_document_is_readable_and_a_new_version_replaces_it(manifest) -> None:  # type: ignore[no-untyped-def]
    first = [("a1", 0, "Dividend stocks pay a share of profits."), ("a2", 1, "REITs own property.")]
    assert manifest.commit_doc(row("notes", "h1", 2), first) == set()
    assert manifest.doc("user-ann", "notes") == row("notes", "h1", 2)
    assert manifest.chunk_ids("user-ann", "notes") == {"a1", "a2"}
    got = manifest.get(["a1", "a2", "missing"])
    assert set(got) == {"a1", "a2"} and got["a2"].text == "REITs own property."
    assert got["a1"].source == "notes.txt" and got["a1"].origin == "user"

    second = [("a2", 0, "REITs own property."), ("a3", 1, "Royalties come from books.")]
    assert manifest.commit_doc(row("notes", "h2", 2), second) == {"a1"}
    assert manifest.chunk_ids("user-ann") == {"a2", "a3"}
    assert manifest.get(["a2"])["a2"].ord == 0
    assert manifest.doc("user-ann", "notes").content_hash == "h2"  # type: ignore[union-attr]
    assert manifest.count("user-ann") == 2 and manifest.count("library") == 0
    assert sorted(manifest.texts("user-ann")) == sorted(t for _, _, t in second)


def test_deleting_a_document_or_a_collection_removes_its_rows_and_lexical_hits(manifest) -> None:  # type: ignore[no-untyped-def]
    manifest.commit_doc(row("a", "h", 1), [("x1", 0, "Vending machines earn coins monthly.")])
    manifest.commit_doc(row("b", "h", 1), [("x2", 0, "Storage units earn rent monthly.")])
    assert manifest.lexical(["user-ann"], "vending machines", 5) == ["x1"]
    assert manifest.delete_doc("user-ann", "a") == {"x1"}
    assert manifest.doc("user-ann", "a") is None and manifest.get(["x1"]) == {}
    assert manifest.lexical(["user-ann"], "vending machines", 5) == []
    assert manifest.delete_collection("user-ann") == {"x2"}
    assert manifest.docs("user-ann") == [] and manifest.lexical(["user-ann"], "rent", 5) == []


def test_lexical_search_ranks_matching_chunks_within_the_given_collections_only(manifest) -> None:  # type: ignore[no-untyped-def]
    manifest.commit_doc(
        row("lib", "h", 3, collection="library"),
        [
            ("l1", 0, "A REIT is a real estate investment trust that pays dividends."),
            ("l2", 1, "Peer-to-peer lending pays interest on loans."),
            ("l3", 2, "Online courses sell once and earn royalties while you sleep."),
        ],
    )
    manifest.commit_doc(row("mine", "h", 1), [("u1", 0, "My REIT dividends paid 40 euros.")])
    hits = manifest.lexical(["library"], "What does a real estate investment trust pay?", 3)
    assert hits[0] == "l1" and "u1" not in hits
    both = manifest.lexical(["library", "user-ann"], "REIT dividends", 5)
    assert set(both) == {"l1", "u1"}
    assert manifest.lexical(["library"], "the and of", 5) == []  # only stop words
    assert manifest.lexical([], "REIT", 5) == []


def test_the_collection_version_changes_when_its_text_does(manifest) -> None:  # type: ignore[no-untyped-def]
    empty = manifest.version("user-ann")
    manifest.commit_doc(row("n", "h1", 1), [("v1", 0, "one")])
    first = manifest.version("user-ann")
    manifest.commit_doc(row("n", "h2", 1), [("v2", 0, "two")])
    assert len({empty, first, manifest.version("user-ann")}) == 3
    assert manifest.user_collections() == ["user-ann"]


def test_sentence_vectors_are_kept_once_per_key(manifest) -> None:  # type: ignore[no-untyped-def]
    manifest.put_sentence_vectors([("k1", b"\x00\x01"), ("k2", b"\x02")])
    manifest.put_sentence_vectors([("k1", b"\xff")])  # first write wins, as on SQLite
    assert manifest.sentence_vectors(["k1", "k2", "k3"]) == {"k1": b"\x00\x01", "k2": b"\x02"}


def test_a_journal_entry_is_listed_until_it_ends(manifest) -> None:  # type: ignore[no-untyped-def]
    token = manifest.begin_pending("user-ann", ["p2", "p1"])
    other = open_manifest_like(manifest)
    if isinstance(manifest, SqliteManifest):  # SQLite: one writer process at a time sweeps it
        assert other.pending() == [(token, "user-ann", ["p1", "p2"])]
    else:  # PostgreSQL: a live writer's entry is not another worker's to sweep
        assert other.pending() == []
    manifest.end_pending(token)
    assert other.pending() == [] and manifest.pending() == []


def open_manifest_like(manifest: Manifest) -> Manifest:
    """A second handle on the same database, as another worker would open it."""
    if isinstance(manifest, SqliteManifest):
        return SqliteManifest(manifest.path)
    from advisor.store.pg_manifest import PostgresManifest

    assert isinstance(manifest, PostgresManifest)
    return PostgresManifest(manifest.url)


CHILD = """
import sys, time
from advisor.store.pg_manifest import PostgresManifest
token = PostgresManifest(sys.argv[1]).begin_pending("user-ann", ["dead1", "dead2"])
print(token, flush=True)
time.sleep(600)
"""


def test_a_killed_writers_journal_entry_is_swept_by_another_worker(postgres_url: str) -> None:
    from advisor.store.pg_manifest import PostgresManifest

    worker = PostgresManifest(postgres_url)
    live_writer = PostgresManifest(postgres_url)  # a third worker, writing "dead2" again
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, postgres_url], stdout=subprocess.PIPE, text=True
    )
    try:
        token = int(child.stdout.readline())  # type: ignore[union-attr]
        assert worker.pending() == [], "the writer is alive: its entry is not swept"
        live = live_writer.begin_pending("user-ann", ["dead2"])
        child.send_signal(signal.SIGKILL)
        child.wait()
        deadline = time.monotonic() + 30  # the server notices the closed connection
        while not (taken := worker.pending()):
            assert time.monotonic() < deadline, "the dead writer's entry was never freed"
            time.sleep(0.05)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()  # type: ignore[union-attr]
    # "dead2" is also a live writer's: its vector must stay for that writer's commit
    assert taken == [(token, "user-ann", ["dead1"])]
    assert PostgresManifest(postgres_url).pending() == [], "held by the sweeping worker"
    worker.end_pending(token)
    live_writer.end_pending(live)
    assert worker.pending() == []


def test_two_workers_committing_one_document_at_once_leave_one_version(postgres_url: str) -> None:
    from advisor.store.pg_manifest import PostgresManifest

    versions = {
        name: [(f"{name}-{i}", i, f"{name} paragraph {i}") for i in range(200)]
        for name in ("left", "right")
    }
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(name: str) -> None:
        manifest = PostgresManifest(postgres_url)
        try:
            barrier.wait()
            for _ in range(5):
                manifest.commit_doc(row("shared", name, 200), versions[name])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in versions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    manifest = PostgresManifest(postgres_url)
    doc = manifest.doc("user-ann", "shared")
    assert doc is not None
    winner = doc.content_hash
    assert manifest.chunk_ids("user-ann") == {c[0] for c in versions[winner]}
    assert manifest.count("user-ann") == 200


def test_migrations_run_once_and_again_without_change(postgres_url: str) -> None:
    import psycopg

    from advisor.store.pg_engine import migrate

    open_manifest(make_settings(Path("unused"), database_url=postgres_url))
    migrate(postgres_url)  # a second worker starting: nothing to do, no error
    with psycopg.connect(postgres_url) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0002",)]
        tables = {
            r[0]
            for r in con.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        }
    assert {"docs", "chunks", "pending", "sentence_vectors", "profiles", "feedback"} <= tables


def test_profiles_are_saved_in_the_database_not_in_the_data_folder(
    postgres_url: str, tmp_path: Path
) -> None:
    from advisor.users.profile import Profile
    from advisor.users.profile_store import has_profile, load_profile, save_profile

    one = make_settings(tmp_path / "worker-one", database_url=postgres_url)
    two = make_settings(tmp_path / "worker-two", database_url=postgres_url)
    assert load_profile(two, "ann") == Profile() and not has_profile(two, "ann")
    save_profile(one, "ann", Profile(capital=5000, skills=["writing"], currency="EUR"))
    assert load_profile(two, "ann") == Profile(capital=5000, skills=["writing"], currency="EUR")
    assert has_profile(two, "ann")
    assert not (tmp_path / "worker-one").exists(), "nothing of the user on a worker's disk"


def test_feedback_is_saved_in_the_database_every_worker_sees_and_deleted_with_the_user(
    postgres_url: str, tmp_path: Path
) -> None:
    from advisor.answering.service import Advisor
    from advisor.users.documents import list_users
    from advisor.users.feedback import (
        delete_feedback,
        feedback_users,
        load_feedback,
        record_feedback,
    )

    one = make_settings(tmp_path / "worker-one", database_url=postgres_url)
    two = make_settings(tmp_path / "worker-two", database_url=postgres_url)
    first = record_feedback(
        one, "fay", question="What is a REIT?", answer="A trust [1].", rating="down",
        comment="say how it pays", citations=[{"source": "a.md", "title": "A", "text": "t"}],
    )  # fmt: skip
    record_feedback(one, "fay", question="And bonds?", answer="Loans.", rating="up")
    stored = load_feedback(two, "fay")
    assert [f.id for f in stored] == [first.id, stored[1].id] and stored[0] == first
    assert "fay" in feedback_users(two) and "fay" in list_users(Advisor(two))
    assert not (tmp_path / "worker-one").exists(), "nothing of the user on a worker's disk"
    assert delete_feedback(two, "fay") == 2
    assert load_feedback(one, "fay") == [] and "fay" not in feedback_users(one)


def test_an_unknown_database_scheme_is_a_one_line_error_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from advisor.core.settings import get_settings

    monkeypatch.setenv("ADVISOR_DATABASE_URL", "mysql://db/advisor")
    get_settings.cache_clear()
    with pytest.raises(InputError) as err:
        get_settings()
    assert "ADVISOR_DATABASE_URL" in str(err.value) and "postgresql://" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_database_that_is_down_is_a_one_line_error_saying_what_to_do(tmp_path: Path) -> None:
    from helpers import free_port

    url = f"postgresql://advisor:secret@127.0.0.1:{free_port()}/advisor"
    with pytest.raises(StoreError) as err:
        open_manifest(make_settings(tmp_path, database_url=url))
    message = str(err.value)
    assert message.startswith("cannot reach PostgreSQL at postgresql+psycopg://advisor:***@")
    assert "ADVISOR_DATABASE_URL" in message and "secret" not in message
    assert "\n" not in message


def test_the_cli_reports_a_database_that_is_down_in_one_line_without_a_traceback(
    tmp_path: Path,
) -> None:
    from advisor_servers import ADVISOR_BIN, child_env
    from helpers import free_port

    url = f"postgresql://advisor@127.0.0.1:{free_port()}/advisor"
    done = subprocess.run(
        [ADVISOR_BIN, "users", "list"],
        env=child_env(tmp_path / "home", ADVISOR_DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot reach PostgreSQL" in lines[0], done.stderr


def test_unset_or_a_sqlite_url_keeps_the_manifest_in_a_sqlite_file(tmp_path: Path) -> None:
    default = open_manifest(make_settings(tmp_path / "home"))
    assert (
        isinstance(default, SqliteManifest) and default.path == tmp_path / "home" / "index.sqlite3"
    )
    moved = make_settings(tmp_path / "home", database_url=f"sqlite:///{tmp_path}/elsewhere.db")
    manifest = open_manifest(moved)
    assert isinstance(manifest, SqliteManifest) and manifest.path == tmp_path / "elsewhere.db"
    assert not moved.uses_postgres and manifest.path.exists()


def test_users_with_documents_or_a_profile_in_the_database_are_listed(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    import json

    from helpers import cli

    from advisor.answering.service import Advisor
    from advisor.core.settings import get_settings
    from advisor.users.documents import list_users
    from advisor.users.profile import Profile
    from advisor.users.profile_store import save_profile

    settings = make_settings(tmp_path / "home", database_url=postgres_url)
    open_manifest(settings).commit_doc(
        row("notes", "h", 1, collection="user-ann"), [("n1", 0, "x")]
    )
    save_profile(settings, "bo", Profile(capital=100))
    assert list_users(Advisor(settings)) == ["ann", "bo"]

    monkeypatch.setenv("ADVISOR_DATABASE_URL", postgres_url)
    get_settings.cache_clear()
    code, out, _ = cli(capsys, "users", "list", "--json")
    assert code == 0
    assert [(r["user"], r["documents"], r["profile"]) for r in json.loads(out)] == [
        ("ann", 1, False),
        ("bo", 0, True),
    ]
