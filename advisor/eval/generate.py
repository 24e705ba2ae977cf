"""``advisor eval generate``: draft reference rows from a folder of documents with a
model, for a person to review.

The documents are loaded and split as ``advisor ingest`` does (the same loaders,
cleaning and splitter), so a quote that holds in the source also holds in the chunks
the advisor retrieves. Passages are picked in a fixed order (by the hash of their
chunk id), so the same folder gives the same drafts. The model writes a question, a
reference answer and the sentences that hold it; every quote is checked against the
document's text (case, curly quotes and runs of whitespace aside, as the retrieval
metrics match them) and a draft with any quote that is not there is dropped. Rows are
written with ``reviewed: false``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from advisor import prompts
from advisor.core.errors import EngineError, InputError
from advisor.eval.judge import build_engine, json_object
from advisor.eval.metrics import normalise

if TYPE_CHECKING:
    from advisor.core.settings import Settings
    from advisor.ingest.corpus import Document

CATEGORY = "generated"
PROMPT = "generate_row.txt"


class Drafted(BaseModel):
    rows: list[dict[str, Any]]
    dropped: list[str]  # why each rejected draft was dropped


def documents(path: Path, settings: Settings) -> list[Document]:
    """Every readable document under ``path`` (a file or a folder), as ingest loads it."""
    from advisor.ingest.loaders import LOADERS, TEXT_SUFFIXES, load_file

    if not path.exists():
        raise InputError(f"--from {path}: no such file or folder")
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    files = [p for p in files if p.suffix.lower() in LOADERS]
    if not files:
        raise InputError(f"--from {path}: no documents ({', '.join(sorted(LOADERS))})")
    return [
        load_file(
            p, max_bytes=settings.max_file_bytes, as_article=p.suffix.lower() in TEXT_SUFFIXES
        )
        for p in files
    ]


def passages(docs: Iterable[Document], settings: Settings) -> list[tuple[Document, str]]:
    """(document, chunk text) pairs in a fixed order that spreads over the documents."""
    from advisor.ingest.splitting import split_text

    pairs = [
        (doc, chunk)
        for doc in docs
        for chunk in split_text(
            doc.doc_id,
            doc.text,
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
        )
        if len(chunk.text.split()) >= 12  # a heading or a table row asks nothing
    ]
    pairs.sort(key=lambda pair: pair[1].id)  # a content hash: stable, well mixed
    return [(doc, chunk.text) for doc, chunk in pairs]


def check(draft: dict[str, Any] | None, source: str) -> str | None:
    """Why a draft cannot be a row (None: it can)."""
    if draft is None:
        return "the reply was not a JSON object"
    for name in ("question", "reference"):
        if not isinstance(draft.get(name), str) or not draft[name].strip():
            return f"no {name}"
    quotes = draft.get("quotes")
    if not isinstance(quotes, list) or not quotes or not all(isinstance(q, str) for q in quotes):
        return "no quotes"
    text = normalise(source)
    for quote in quotes:
        if not quote.strip() or normalise(quote) not in text:
            return f"a quote is not in the source: {quote[:80]!r}"
    return None


def draft_rows(
    path: Path,
    n: int,
    spec: str,
    settings: Settings,
    progress: Callable[[str], None] | None = None,
) -> Drafted:
    """Up to ``n`` checked rows from the documents under ``path``, asking model ``spec``
    about one passage at a time until ``n`` pass or the passages run out."""
    from advisor.answering.engines.base import Message

    picked = passages(documents(path, settings), settings)  # bad input first, then the model
    engine = build_engine(spec, settings)
    if engine.config_error is not None:
        raise InputError(f"--judge {spec}: {engine.config_error}")
    system = prompts.text("judge_system.txt").strip()
    rows: list[dict[str, Any]] = []
    dropped: list[str] = []
    for doc, passage in picked:
        if len(rows) >= n:
            break
        prompt = prompts.text(PROMPT).strip().format(passage=passage)
        try:
            reply = engine.reply([Message("system", system), Message("user", prompt)])
        except Exception as exc:
            raise EngineError(f"the model {spec} failed: {engine.translate(exc)}") from exc
        draft = json_object(reply)
        why = check(draft, doc.text)
        if why is not None or draft is None:
            dropped.append(f"{doc.source}: {why}")
            continue
        digest = hashlib.sha256(f"{doc.source}\0{draft['question']}".encode()).hexdigest()
        rows.append(
            {
                "id": f"gen-{digest[:10]}",
                "category": CATEGORY,
                "user_input": draft["question"].strip(),
                "reference": draft["reference"].strip(),
                "reference_contexts": [q.strip() for q in draft["quotes"]],
                "source": doc.source,
                "reviewed": False,
            }
        )
        if progress is not None:
            progress(doc.source)
    return Drafted(rows=rows, dropped=dropped)


def write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
