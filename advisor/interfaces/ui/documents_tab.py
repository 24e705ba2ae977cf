"""The My documents tab: a person's own notes and statements, uploaded, listed and
deleted; they are used in that person's answers only."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import pandas as pd

from advisor.core.errors import AdvisorError, InputError
from advisor.interfaces.ui import render
from advisor.interfaces.ui.common import error_text, markdown, user_of

if TYPE_CHECKING:
    from advisor.answering.service import Advisor

UPLOAD_TYPES = [".txt", ".md", ".markdown", ".pdf", ".docx", ".csv", ".html", ".htm"]
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

    def _doc_table(self, user: str) -> tuple[pd.DataFrame, dict[str, Any]]:
        from advisor.users.documents import list_documents

        rows = list_documents(self.advisor, user)
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

        user = user_of(request)
        try:
            paths = uploaded_files(files)
        except AdvisorError as exc:
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
            lines = [render.escape_markdown(report.summary())]
            lines.extend(f"- {render.escape_markdown(e)}" for e in report.errors)
            status = "\n".join(lines)
        except AdvisorError as exc:
            status = error_text(exc)
        finally:
            for path in paths:  # the store has the text now; leave no copy in Gradio's cache
                path.unlink(missing_ok=True)
        table, choices = self._doc_table(user)
        return status, table, choices, None

    def delete_document(
        self, doc_id: str | None, request: gr.Request
    ) -> tuple[str, pd.DataFrame, dict[str, Any]]:
        from advisor.users.documents import delete_document

        user = user_of(request)
        if not doc_id:
            table, choices = self._doc_table(user)
            return "Pick a document to delete.", table, choices
        try:
            removed = delete_document(self.advisor, user, doc_id)
            status = render.escape_markdown(f"Deleted {doc_id} ({removed} chunks).")
        except AdvisorError as exc:
            status = error_text(exc)
        table, choices = self._doc_table(user)
        return status, table, choices


def uploaded_files(files: Any) -> list[Path]:
    """The paths of files Gradio received in an upload, or an InputError.

    A handler is reachable by ``fn_index`` with any JSON a client cares to send, so a
    path is accepted only when it resolves (symlinks followed) to a regular file inside
    Gradio's upload folder, where its upload route writes; never a path elsewhere on
    the server, which would be read, ingested and then deleted.
    """
    from gradio.utils import get_upload_folder

    if files is None:
        return []
    if isinstance(files, str | Path):
        files = [files]
    if not isinstance(files, list):
        raise InputError("upload the files with the upload box")
    root = Path(get_upload_folder()).resolve()
    paths: list[Path] = []
    for item in files:
        if not isinstance(item, str | Path) or not str(item):
            raise InputError("upload the files with the upload box")
        path = Path(item)
        resolved = path.resolve()
        if not resolved.is_relative_to(root) or resolved == root or not resolved.is_file():
            raise InputError(
                f"refused {path.name or 'that file'}: only files uploaded through this page "
                "can be added; use the upload box"
            )
        paths.append(resolved)
    return paths
