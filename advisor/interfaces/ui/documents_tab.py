"""The My documents tab: a person's own notes and statements, uploaded, listed and
deleted; they are used in that person's answers only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import pandas as pd
from gradio.data_classes import FileData, ListFiles

from advisor.core.errors import AdvisorError, InputError
from advisor.ingest.loaders import LOADERS
from advisor.interfaces.ui import render
from advisor.interfaces.ui.common import error_text, markdown, user_of
from advisor.users.uploads import owned, release

if TYPE_CHECKING:
    from advisor.answering.service import Advisor

UPLOAD_TYPES = sorted(LOADERS)  # every type the loaders read
DOC_COLUMNS = ["Title", "File", "Chunks", "Added"]


class DocumentsTab:
    """The documents list, upload and delete with their handlers, bound to one
    :class:`Advisor`."""

    def __init__(self, advisor: Advisor) -> None:
        self.advisor = advisor

    def build(self) -> None:
        """The tab's components; call inside ``gr.Tab``."""
        markdown(
            "Add notes, statements or articles (text, Markdown, PDF, Word, CSV, HTML). "
            "They are used in your answers at once and only ever for you.",
            elem_classes=["advisor-note"],
        )
        self.upload = gr.File(
            label="Add documents",
            file_count="multiple",
            file_types=UPLOAD_TYPES,
            elem_id="advisor-upload",
        )
        setattr(self.upload, "preprocess", upload_paths)  # noqa: B010 - see upload_paths
        self.doc_status = markdown(elem_id="advisor-doc-status")
        self.doc_table = gr.Dataframe(
            headers=DOC_COLUMNS,
            datatype=["str", "str", "number", "str"],
            interactive=False,
            label="My documents",
            elem_id="advisor-doc-table",
        )
        with gr.Row():
            self.doc_choice = gr.Dropdown(
                label="Document", choices=[], elem_id="advisor-doc-choice"
            )
            self.delete = gr.Button("Delete document", variant="stop", elem_id="advisor-delete")
        with gr.Row(visible=False, elem_id="advisor-delete-confirm") as row:
            self.confirm_row = row
            self.confirm_text = markdown(elem_id="advisor-delete-question")
            self.confirm = gr.Button("Yes, delete it", variant="stop", elem_id="advisor-delete-yes")
            self.cancel = gr.Button("Keep it", elem_id="advisor-delete-no")

    def _rows(self, user: str) -> list[Any]:
        from advisor.users.documents import list_documents

        return list(list_documents(self.advisor, user))

    def _doc_table(self, user: str) -> tuple[pd.DataFrame, dict[str, Any]]:
        rows = self._rows(user)
        table = pd.DataFrame(
            [
                [
                    r.title,
                    r.source,
                    r.n_chunks,
                    datetime.fromtimestamp(r.added_at).strftime("%Y-%m-%d %H:%M"),
                ]
                for r in rows
            ],
            columns=DOC_COLUMNS,
        )
        choices = [(f"{r.title} ({r.source})", r.doc_id) for r in rows]
        return table, gr.update(choices=choices, value=None)

    def list_documents(self, request: gr.Request) -> tuple[pd.DataFrame, dict[str, Any]]:
        return self._doc_table(user_of(request))

    def add_documents(
        self,
        files: list[str] | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio injects it by default value
    ) -> tuple[str, pd.DataFrame, dict[str, Any], None]:
        """Ingest the uploaded files into the user's own collection, with progress."""
        from advisor.users.documents import add_documents

        user, session = user_of(request), session_of(request)
        settings = self.advisor.settings
        try:
            paths = uploaded_files(files, lambda p: owned(settings, user, session, p))
        except AdvisorError as exc:  # the whole batch is refused: remove its files now
            release(settings, user, session, in_upload_folder(files))
            table, choices = self._doc_table(user)
            return error_text(exc), table, choices, None
        if not paths:
            table, choices = self._doc_table(user)
            return "Choose one or more files to add.", table, choices, None
        done = 0
        progress((0, len(paths)), desc="Reading and indexing")

        def step(name: str, _chunks: int) -> None:
            nonlocal done
            done += 1
            progress((done, len(paths)), desc=f"Indexed {name}")

        try:
            report = add_documents(self.advisor, user, paths, progress=step)
            lines = [render.escape_markdown(upload_summary(report, [p.name for p in paths]))]
            lines.extend(f"- {render.escape_markdown(e)}" for e in report.errors)
            status = "\n".join(lines)
        except AdvisorError as exc:
            status = error_text(exc)
        finally:  # the store has the text now; leave no copy in Gradio's cache
            release(settings, user, session, paths)
        table, choices = self._doc_table(user)
        return status, table, choices, None

    def ask_delete(self, doc_id: Any, request: gr.Request) -> tuple[str, dict[str, Any]]:
        """The question asked before a document is deleted (nothing is deleted here)."""
        from advisor.users.documents import list_documents

        if not isinstance(doc_id, str) or not doc_id:
            return "Pick a document to delete.", gr.update(visible=False)
        rows = [r for r in list_documents(self.advisor, user_of(request)) if r.doc_id == doc_id]
        if not rows:
            return "That document is not in your list any more.", gr.update(visible=False)
        question = (
            f"Delete {rows[0].title} ({rows[0].source})? Answers will no longer use it, "
            "and this cannot be undone."
        )
        return render.escape_markdown(question), gr.update(visible=True)

    def delete_document(
        self, doc_id: str | None, request: gr.Request
    ) -> tuple[str, pd.DataFrame, dict[str, Any]]:
        from advisor.users.documents import delete_document

        user = user_of(request)
        if not doc_id:
            table, choices = self._doc_table(user)
            return "Pick a document to delete.", table, choices
        try:
            names = {r.doc_id: r.source for r in self._rows(user)}
            removed = delete_document(self.advisor, user, doc_id)
            name = names.get(doc_id, "the document")
            status = render.escape_markdown(
                f"Deleted {name}: its {passages(removed)} no longer appear in your answers."
            )
        except AdvisorError as exc:
            status = error_text(exc)
        table, choices = self._doc_table(user)
        return status, table, choices


def passages(n: int) -> str:
    return "1 passage" if n == 1 else f"{n:,} passages"


def upload_summary(report: Any, names: list[str]) -> str:
    """What an upload did, in words: which files were added and how many passages."""
    added = [r for r in report.results if not r.unchanged]
    same = len(report.results) - len(added)
    parts = []
    if added:
        files = names[0] if len(names) == 1 else f"{len(added)} documents"
        parts.append(f"Added {files} ({passages(report.added)}): used in your answers from now on.")
    if same:
        parts.append(
            "Already in your documents, unchanged."
            if same == 1 and len(report.results) == 1
            else f"{same} already in your documents, unchanged."
        )
    if report.errors:
        parts.append(f"{len(report.errors)} file(s) could not be read:")
    return " ".join(parts) or "Nothing was added."


def upload_paths(payload: ListFiles | FileData | None) -> list[str] | None:
    """The upload box's preprocessing: the uploaded paths as they are.

    ``gr.File``'s own preprocessing refuses a batch holding one file of another type
    before any handler runs (leaving every file of the batch in Gradio's temp folder)
    and leaves an empty temp file behind per file; with this one the handler checks the
    types and removes the batch, whatever it decides. The browser still offers only
    ``file_types``. (Set on the instance: a subclass of a Gradio component makes Gradio
    write a ``.pyi`` file beside this module when it is imported.)"""
    if payload is None:
        return None
    files = payload.root if isinstance(payload, ListFiles) else [payload]
    return [f.path for f in files]


def session_of(request: gr.Request | None) -> str:
    """The login session a request comes from (a hash of Gradio's login cookie), as
    :mod:`advisor.interfaces.ui.upload_guard` noted it at upload; "" without logins."""
    from advisor.interfaces.ui.upload_guard import login_token
    from advisor.users.uploads import session_key

    inner = getattr(request, "request", None) if request is not None else None
    cookie_id = getattr(getattr(inner, "app", None), "cookie_id", None)
    return session_key(login_token(getattr(inner, "cookies", None), cookie_id))


def _items(files: Any) -> list[Any]:
    if files is None:
        return []
    if isinstance(files, str | Path):
        return [files]
    if not isinstance(files, list):
        raise InputError("upload the files with the upload box")
    return files


def in_upload_folder(files: Any) -> list[Path]:
    """Every path of a batch that lies in Gradio's upload folder (for removing a
    refused batch: only the sender's own uploads are removed, see ``release``)."""
    from gradio.utils import get_upload_folder

    root = Path(get_upload_folder()).resolve()
    try:
        items = _items(files)
    except InputError:
        return []
    found = []
    for item in items:
        if isinstance(item, str | Path) and str(item):
            path = Path(item).resolve()
            if path.is_relative_to(root) and path != root:
                found.append(path)
    return found


def uploaded_files(files: Any, is_own: Callable[[Path], bool] = lambda _: True) -> list[Path]:
    """The paths of files Gradio received in an upload, or an InputError.

    A handler is reachable by ``fn_index`` with any JSON a client cares to send, so a
    path is accepted only when it resolves (symlinks followed) to a regular file inside
    Gradio's upload folder, where its upload route writes, and ``is_own`` says this
    user uploaded it in this session; never a path elsewhere on the server, or another
    session's upload, which would be read, ingested and then deleted. A file of a type
    the box does not offer refuses the batch too.
    """
    from gradio.utils import get_upload_folder

    root = Path(get_upload_folder()).resolve()
    paths: list[Path] = []
    for item in _items(files):
        if not isinstance(item, str | Path) or not str(item):
            raise InputError("upload the files with the upload box")
        path = Path(item)
        resolved = path.resolve()
        if (
            not resolved.is_relative_to(root)
            or resolved == root
            or not resolved.is_file()
            or not is_own(resolved)
        ):
            raise InputError(
                f"refused {path.name or 'that file'}: only files uploaded through this page, "
                "in this session, can be added; use the upload box"
            )
        if resolved.suffix.lower() not in UPLOAD_TYPES:
            raise InputError(
                f"refused {path.name}: add {', '.join(UPLOAD_TYPES)} files; nothing was added"
            )
        paths.append(resolved)
    return paths
