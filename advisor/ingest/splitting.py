"""Splitting cleaned text into chunks: prose by LangChain's recursive splitter,
markdown tables row by row (each row keeps the header so it stands alone)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    ord: int


def chunk_id(doc_id: str, text: str) -> str:
    """Content hash: the same text in the same document always gets the same id."""
    return hashlib.sha256(f"{doc_id}\x00{text}".encode()).hexdigest()[:32]


def _blocks(text: str) -> list[tuple[str, str]]:
    """('prose' | 'table', text) blocks in document order."""
    blocks: list[tuple[str, str]] = []
    prose: list[str] = []
    table: list[str] = []

    def flush_prose() -> None:
        if prose and "".join(prose).strip():
            blocks.append(("prose", "\n".join(prose).strip()))
        prose.clear()

    for line in text.split("\n"):
        if _TABLE_LINE.match(line):
            if not table:
                flush_prose()
            table.append(line.strip())
            continue
        if table:
            blocks.append(("table", "\n".join(table)))
            table = []
        prose.append(line)
    if table:
        blocks.append(("table", "\n".join(table)))
    flush_prose()
    return blocks


def _table_rows(table: str, context: str) -> list[str]:
    lines = table.split("\n")
    header = lines[0]
    body = [ln for ln in lines[1:] if not _RULE.match(ln)]
    if not body:
        return [table]
    lead = f"{context}\n" if context else ""
    return [f"{lead}{header}\n{row}" for row in body]


def split_text(
    doc_id: str, text: str, *, chunk_size: int | None = None, chunk_overlap: int | None = None
) -> list[Chunk]:
    """Chunks in document order; a size or overlap left out is the settings' default
    (``ADVISOR_CHUNK_SIZE``, ``ADVISOR_CHUNK_OVERLAP``), the one default there is."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from advisor.core.settings import Settings

    if chunk_size is None:
        chunk_size = Settings.model_fields["chunk_size"].default
    if chunk_overlap is None:
        chunk_overlap = Settings.model_fields["chunk_overlap"].default

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=min(chunk_overlap, chunk_size // 2),
        separators=["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""],
        keep_separator="end",
    )
    pieces: list[str] = []
    last_heading = ""
    for kind, block in _blocks(text):
        if kind == "table":
            pieces.extend(_table_rows(block, last_heading))
            continue
        pieces.extend(p.strip() for p in splitter.split_text(block) if p.strip())
        tail = block.rstrip().split("\n")[-1].strip()
        last_heading = tail if len(tail) < 80 and not tail.endswith((".", "!", "?")) else ""
    seen: set[str] = set()
    chunks: list[Chunk] = []
    for piece in pieces:
        cid = chunk_id(doc_id, piece)
        if cid in seen:
            continue
        seen.add(cid)
        chunks.append(Chunk(id=cid, text=piece, ord=len(chunks)))
    return chunks
