"""Turning a file into a cleaned :class:`~advisor.ingest.corpus.Document`.

Text formats are read here; richer formats (pdf, docx, html, csv) use well-kept
loaders imported only when such a file arrives.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from advisor.core.errors import AdvisorError, InputError, MissingExtraError
from advisor.ingest.corpus import Document, clean_text, load_article

TEXT_SUFFIXES = {".md", ".txt", ".markdown"}


def slug(name: str) -> str:
    """A document id from a file name: safe in paths, stable across runs, and one id
    per distinct name.

    A name that is already safe is its own id. Any other keeps a readable slug and gains
    a short hash of the whole name, so ``rent plan.txt`` and ``rent-plan.txt``, or
    ``收入.txt`` and ``доход.txt``, never replace each other, while the same name always
    maps to the same id (re-adding a file replaces its old version).
    """
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    if safe == name and 0 < len(safe) <= 120:
        return safe
    stem, suffix = os.path.splitext(name)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:100] or "document"
    suffix = re.sub(r"[^A-Za-z0-9.]+", "", suffix)[:12]
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return f"{stem}-{digest}{suffix}"


def read_text_file(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputError(f"{path.name}: binary content, not text; convert it to .txt or .md")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and retry"
        ) from exc


def _load_text(path: Path) -> str:
    return read_text_file(path)


# (file name, pages read, total pages); set by `report_pages` so that the loader
# signature stays ``path -> text`` while a long PDF can still drive a progress bar.
PageProgress = Callable[[str, int, int], None]
_page_progress: ContextVar[PageProgress | None] = ContextVar("page_progress", default=None)

# A .docx is a zip: refuse before parsing when its members would inflate beyond this
# (a zip bomb), or when any large member is compressed more than a real document is.
DOCX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
DOCX_MAX_RATIO = 200


@contextmanager
def report_pages(progress: PageProgress | None) -> Iterator[None]:
    """Call ``progress`` after each page a paged loader (PDF) reads, inside the block."""
    token = _page_progress.set(progress)
    try:
        yield
    finally:
        _page_progress.reset(token)


def _unreadable(path: Path, kind: str, exc: BaseException, fix: str) -> InputError:
    detail = (str(exc).strip() or type(exc).__name__).splitlines()[0][:200]
    return InputError(f"{path.name}: not a readable {kind} ({detail}); {fix}")


def _load_pdf(path: Path) -> str:
    """Text of every page, in order (pypdf). Scanned pages have no text layer."""
    try:
        from pypdf import PdfReader
    except ImportError as exc:
        raise MissingExtraError("pypdf", "docs") from exc
    fix = "check that it opens in a PDF viewer, or save it again as PDF"
    # pypdf logs its repair attempts ("EOF marker not found"); failures reach the user
    # as one InputError instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{path.name}: the PDF is password-protected; save a copy without it")
        pages = reader.pages
        total = len(pages)
    except AdvisorError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise _unreadable(path, "PDF", exc, fix) from exc
    progress = _page_progress.get()
    texts: list[str] = []
    for n, page in enumerate(pages, start=1):
        try:
            texts.append((page.extract_text() or "").strip())
        except Exception as exc:
            raise _unreadable(path, f"PDF page {n}", exc, fix) from exc
        if progress:
            progress(path.name, n, total)
    text = "\n\n".join(t for t in texts if t)
    if not text:
        raise InputError(
            f"{path.name}: the PDF has no text layer (a scan?); run OCR on it or export it as text"
        )
    return text


def _check_zip(path: Path) -> None:
    """Refuse zip bombs from the member headers, before any member is inflated."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _unreadable(path, "Word .docx file", exc, "save it again as .docx") from exc
    total = sum(m.file_size for m in members)
    worst = max(
        (m.file_size / max(m.compress_size, 1) for m in members if m.file_size > 1024 * 1024),
        default=0.0,
    )
    if total > DOCX_MAX_UNCOMPRESSED or worst > DOCX_MAX_RATIO:
        raise InputError(
            f"{path.name}: refused, the .docx would inflate to {total:,} bytes "
            f"(compression {worst:.0f}:1), which looks like a zip bomb; "
            "save the document again or export it as .txt"
        )


def _load_docx(path: Path) -> str:
    """Paragraphs and tables in document order; table rows become markdown rows so the
    splitter keeps each row with its header."""
    _check_zip(path)
    try:
        import docx
        from docx.table import Table
    except ImportError as exc:
        raise MissingExtraError("python-docx", "docs") from exc
    try:
        document = docx.Document(str(path))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.append("")
                for i, row in enumerate(block.rows):
                    cells = [" ".join(c.text.split()).replace("|", "/") for c in row.cells]
                    lines.append("| " + " | ".join(cells) + " |")
                    if i == 0:
                        lines.append("|" + " --- |" * len(cells))
                lines.append("")
            else:
                lines.append(block.text)
    except Exception as exc:  # python-docx / lxml raise many kinds on damaged files
        raise _unreadable(path, "Word .docx file", exc, "save it again as .docx") from exc
    return "\n".join(lines)


def _load_csv(path: Path) -> str:
    """One line per row, each value named by its column header."""
    raw = read_text_file(path)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(raw[:4096], ",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(raw, newline=""), dialect))
    except csv.Error as exc:
        raise _unreadable(path, "CSV file", exc, "export it again as CSV") from exc
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        return ""
    header = [h.strip() or f"column {i}" for i, h in enumerate(rows[0], start=1)]
    lines = []
    for row in rows[1:]:
        named = [
            f"{header[i] if i < len(header) else f'column {i + 1}'}: {cell.strip()}"
            for i, cell in enumerate(row)
            if cell.strip()
        ]
        lines.append("; ".join(named) + ".")
    return "\n".join(lines)


def _load_html(path: Path) -> str:
    """Visible text only: scripts, styles and other non-content elements are dropped."""
    try:
        from bs4 import BeautifulSoup
    except ImportError as exc:
        raise MissingExtraError("beautifulsoup4", "docs") from exc
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputError(f"{path.name}: binary content, not HTML")
    try:
        soup = BeautifulSoup(data, "html.parser")
        for tag in soup(["script", "style", "noscript", "template", "head", "svg", "iframe"]):
            tag.decompose()
        return str(soup.get_text("\n"))
    except Exception as exc:
        raise _unreadable(path, "HTML file", exc, "save the page again as HTML") from exc


LOADERS: dict[str, Callable[[Path], str]] = {s: _load_text for s in TEXT_SUFFIXES}
LOADERS.update(
    {
        ".pdf": _load_pdf,
        ".docx": _load_docx,
        ".csv": _load_csv,
        ".html": _load_html,
        ".htm": _load_html,
    }
)


def check_file(path: Path, max_bytes: int) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path.name}: the file is empty")
    if size > max_bytes:
        raise InputError(
            f"{path.name}: {size:,} bytes is over the {max_bytes:,}-byte limit "
            "(ADVISOR_MAX_FILE_BYTES)"
        )


def load_file(path: Path, *, max_bytes: int, as_article: bool = False) -> Document:
    """Load one file; raise :class:`InputError` naming the file when it cannot be used."""
    check_file(path, max_bytes)
    suffix = path.suffix.lower()
    if as_article and suffix in TEXT_SUFFIXES:
        read_text_file(path)  # binary / encoding check with a clear message
        return load_article(path)
    loader = LOADERS.get(suffix)
    if loader is None:
        known = ", ".join(sorted(LOADERS))
        raise InputError(f"{path.name}: unsupported file type {suffix or '(none)'}; use {known}")
    # a damaged text layer (PDF) can decode to lone surrogates, which nothing can store
    text = clean_text(loader(path)).encode("utf-8", "replace").decode("utf-8")
    if not text.strip():
        raise InputError(f"{path.name}: no text found in the file")
    # A file name that is not UTF-8 reaches Python with lone surrogates, which SQLite and
    # Chroma refuse; show the undecodable bytes as U+FFFD instead.
    name = os.fsencode(path.name).decode("utf-8", "replace")
    return Document(
        doc_id=slug(path.name), text=text, title=Path(name).stem, source=name, kind=suffix[1:]
    )
