"""What the manifest holds, the same for the SQLite and the PostgreSQL backend: a
committed chunk, a stored document, and the words a lexical search is made of."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"[A-Za-z0-9]+")
# Words too common to rank anything; FTS5 would score them but they cost time.
_STOP = frozenset(
    """a an and are as at be but by can do does for from how i if in into is it its me my
    of on or our so that the their them then there these they this to too was we what
    when where which who why will with would you your""".split()
)


@dataclass(frozen=True)
class ChunkRow:
    id: str
    collection: str
    doc_id: str
    ord: int
    text: str
    source: str
    title: str
    origin: str


@dataclass(frozen=True)
class DocRow:
    collection: str
    doc_id: str
    source: str
    title: str
    kind: str
    origin: str
    content_hash: str
    n_chunks: int
    added_at: float


COMMON_DF = 1000  # a term in this many chunks or more adds little and costs much


def fts_terms(text: str, max_terms: int = 24) -> list[str]:
    """The distinct content words, in order."""
    terms: list[str] = []
    for tok in _TOKEN.findall(text.lower()):
        if tok in _STOP or len(tok) < 2 or tok in terms:
            continue
        terms.append(tok)
        if len(terms) >= max_terms:
            break
    return terms


def fts_query(text: str, max_terms: int = 24) -> str | None:
    """An OR query of the distinct content words, quoted so no FTS syntax leaks in."""
    terms = fts_terms(text, max_terms)
    return " OR ".join(f'"{t}"' for t in terms) if terms else None
