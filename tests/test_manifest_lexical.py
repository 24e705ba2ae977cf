"""The lexical side of retrieval (SQLite FTS5 BM25 in ``advisor.store.sqlite_manifest``) on
a real manifest file: terms too common to rank cheaply are left out while a rarer term is there,
and a question made only of common words still finds the chunks that hold them together.
``COMMON_DF`` is lowered so a handful of chunks stands in for a large library."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.store import sqlite_manifest
from advisor.store.sqlite_manifest import DocRow, SqliteManifest

TEXTS = [
    "garden soil needs compost every spring",  # 0: garden
    "a garden path lined with stones",  # 1: garden
    "the garden gate was painted green",  # 2: garden
    "tomato plants want full sun and water",  # 3: tomato
    "tomato sauce simmers for an hour",  # 4: tomato
    "tomato seedlings in the garden greenhouse",  # 5: garden + tomato
    "pepper and tomato salad",  # 6: tomato + pepper
    "pepper spray is not a seasoning",  # 7: pepper
    "black pepper on everything",  # 8: pepper
    "basil grows beside the window",  # 9: basil (rare)
]


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SqliteManifest:
    monkeypatch.setattr(sqlite_manifest, "COMMON_DF", 3)
    opened = SqliteManifest(tmp_path / "index.sqlite")
    doc = DocRow("library", "veg", "veg.md", "Vegetables", "md", "library", "h", len(TEXTS), 0.0)
    opened.commit_doc(doc, [(f"c{i}", i, t) for i, t in enumerate(TEXTS)])
    yield opened
    opened.close()


def test_a_rare_term_is_searched_without_the_common_ones(manifest: SqliteManifest) -> None:
    assert manifest.lexical(["library"], "basil in the garden", 5) == ["c9"]


def test_common_words_together_find_the_chunk_that_holds_them_all(manifest: SqliteManifest) -> None:
    assert manifest.lexical(["library"], "tomato garden", 5) == ["c5"]


def test_common_words_never_found_together_fall_back_to_the_rarest_ones(
    manifest: SqliteManifest,
) -> None:
    # no chunk has pepper, garden and tomato, nor pepper and garden (the two rarest:
    # 3 and 4 chunks), so pepper alone decides
    hits = manifest.lexical(["library"], "garden tomato pepper", 5)
    assert set(hits) == {"c6", "c7", "c8"}


def test_words_found_nowhere_find_nothing(manifest: SqliteManifest) -> None:
    assert manifest.lexical(["library"], "zebra quantum", 5) == []


def test_other_collections_are_not_searched(manifest: SqliteManifest) -> None:
    assert manifest.lexical(["user-bob"], "tomato garden", 5) == []
