"""A user's own documents: add, list, delete, and delete everything of a user.

Each user's chunks live only in their own collection (``user-<id>``), so retrieval
for one user cannot reach another's; the library collection is never written here.
Every function validates the user id first, so no id can name a path outside
``settings.users_dir``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.core.errors import EmbeddingMismatchError, InputError, NotFoundError, StoreError
from advisor.ingest.loaders import PageProgress, report_pages, slug
from advisor.ingest.pipeline import IngestReport, Progress, expand, ingest_files
from advisor.store.manifest import Manifest, open_manifest
from advisor.store.rows import DocRow
from advisor.users.ids import user_collection, user_folders, validate_user_id

if TYPE_CHECKING:
    from advisor.answering.service import Advisor

__all__ = [
    "add_documents",
    "delete_document",
    "delete_user",
    "list_documents",
    "list_users",
    "user_dir",
]


def user_dir(advisor: Advisor, user: str) -> Path:
    """``users_dir/<id>``; the id is validated and the result checked to stay inside."""
    base = advisor.settings.users_dir
    path = base / validate_user_id(user)
    if path.resolve().parent != base.resolve():
        raise InputError(f"invalid user id {user!r}: it must name a folder in {base}")
    return path


def _manifest(advisor: Advisor) -> Manifest:
    """The manifest; listing needs only the database, so don't load the embedding model."""
    if "store" in vars(advisor):
        return advisor.store.manifest
    return open_manifest(advisor.settings)


def add_documents(
    advisor: Advisor,
    user: str,
    paths: list[Path],
    progress: Progress | None = None,
    *,
    pages: PageProgress | None = None,
    prune: bool = False,
) -> IngestReport:
    """Ingest files (or folders) into the user's collection, idempotently.

    Bad files are reported in ``report.errors`` and the rest go in. ``pages`` is told
    about each page of a long PDF as it is read; ``prune`` drops the user's documents
    whose files are not among ``paths``.
    """
    collection = user_collection(user)
    files = expand(paths)
    if not files:
        raise InputError("no files to add: name the files or folders to ingest")
    if not advisor.settings.uses_postgres:  # on PostgreSQL nothing of theirs is on disk here
        user_dir(advisor, user).mkdir(parents=True, exist_ok=True)
    with report_pages(pages):
        return ingest_files(
            advisor.store,
            files,
            collection=collection,
            origin="user",
            as_article=False,
            prune=prune,
            progress=progress,
        )


def list_documents(advisor: Advisor, user: str) -> list[DocRow]:
    return _manifest(advisor).docs(user_collection(user))


def _find(manifest: Manifest, collection: str, user: str, doc: str) -> DocRow:
    """A document by its id, or by the file name it was added from."""
    for candidate in dict.fromkeys([doc, slug(doc), slug(Path(doc).name)]):
        if not candidate.isascii():  # ids are slugs; SQLite refuses lone surrogates
            continue
        row = manifest.doc(collection, candidate)
        if row is not None:
            return row
    for row in manifest.docs(collection):  # the file name as it was added
        if row.source == doc:
            return row
    raise NotFoundError(
        f"user {user} has no document {doc!r} (the list of their documents shows the ids)",
        cli_hint=f"see `advisor docs --user {user} list`",
    )


def delete_document(advisor: Advisor, user: str, doc_id: str) -> int:
    """Remove every chunk and vector of one document; returns the chunks removed."""
    collection = user_collection(user)
    row = _find(advisor.store.manifest, collection, user, doc_id)
    advisor.store.sweep()
    removed = advisor.store.delete_document(collection, row.doc_id)
    advisor.store.manifest.forget_deleted()
    return removed


def delete_user(advisor: Advisor, user: str) -> None:
    """Remove the user's collection (and its Chroma segment folder), manifest rows,
    saved profile, uploads waiting in the UI and ``users_dir/<id>/`` (their feedback on
    answers, and anything else kept for them). Unknown users are a NotFoundError.

    On PostgreSQL the rows go in transactions every worker sees at once, and the
    Chroma collection is dropped on the shared server, so no worker can read them."""
    from advisor.store.segments import sweep_orphan_segments
    from advisor.users import uploads
    from advisor.users.feedback import delete_feedback, feedback_users
    from advisor.users.profile_store import delete_saved_profile, has_profile

    collection = user_collection(user)
    folder = user_dir(advisor, user)
    store = advisor.store
    try:
        has_vectors = store.vectors.store(collection, create=False) is not None
    except EmbeddingMismatchError:  # built with another model: still theirs to delete
        has_vectors = True
    if not (
        store.manifest.docs(collection)
        or folder.exists()
        or has_vectors
        or has_profile(advisor.settings, user)
        or uploads.waiting(advisor.settings, user)
        or (advisor.settings.uses_postgres and user in feedback_users(advisor.settings))
    ):
        raise NotFoundError(f"no user {user!r}: nothing is stored for that id")
    store.sweep()
    store.drop_collection(collection)
    store.manifest.forget_deleted()
    uploads.discard_user(advisor.settings, user)  # files uploaded in the UI, not added yet
    if not advisor.settings.chroma_url:  # Chroma leaves the collection's folder behind
        sweep_orphan_segments(advisor.settings.chroma_dir)
    if advisor.settings.uses_postgres:
        delete_saved_profile(advisor.settings, user)
        delete_feedback(advisor.settings, user)
    if folder.exists():
        try:
            shutil.rmtree(folder)
        except OSError as exc:
            raise StoreError(f"cannot delete {folder}: {exc.strerror or exc}") from exc


def list_users(advisor: Advisor) -> list[str]:
    """Users that have a folder (anyone who added documents or saved a profile), or on
    PostgreSQL, documents or a profile in the shared database."""
    if advisor.settings.uses_postgres:
        from advisor.store.pg_manifest import PostgresManifest

        manifest = _manifest(advisor)
        assert isinstance(manifest, PostgresManifest)
        from advisor.users.feedback import feedback_users

        found = {c.removeprefix("user-") for c in manifest.user_collections()}
        return sorted(found | set(manifest.profile_users()) | set(feedback_users(advisor.settings)))
    out = []
    for entry in user_folders(advisor.settings.users_dir):
        # an empty folder is what an ingest killed before its commit leaves: no user
        if any(entry.iterdir()) or _manifest(advisor).docs(user_collection(entry.name)):
            out.append(entry.name)
    return out
