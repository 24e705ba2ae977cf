"""PostgreSQL full-text search ranked BM25-like: each matching term adds its IDF times
``ts_rank``, and terms found in ``COMMON_DF`` chunks or more are left out, as on
SQLite (:meth:`advisor.store.pg_manifest.PostgresManifest.lexical`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from advisor.store.rows import COMMON_DF

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

FTS_CONFIG = "english"


def lexical_search(
    engine: Engine, collections: Sequence[str], terms: Sequence[str], limit: int
) -> list[str]:
    """Chunk ids ranked BM25-like within ``collections``: each matching term adds its
    IDF times ``ts_rank`` (its frequency, normalised by the chunk's length), because
    ``ts_rank_cd`` alone weighs every term alike.

    As on SQLite, terms found in ``COMMON_DF`` chunks or more are left out (they rank
    little and cost much); when every term is that common, all must match."""
    from sqlalchemy import text as sql

    with engine.connect() as con:
        total = con.execute(sql("SELECT COUNT(*) FROM chunks")).scalar_one()
        found: dict[str, int] = {}
        for term in terms:
            found[term] = con.execute(
                sql(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM chunks WHERE tsv @@ "
                    f"to_tsquery('{FTS_CONFIG}', :t) LIMIT :n) s"
                ),
                {"t": term, "n": COMMON_DF},
            ).scalar_one()
        rare = [t for t in terms if 0 < found[t] < COMMON_DF]
        chosen = rare or terms
        params: dict[str, Any] = {
            "q": (" | " if rare else " & ").join(chosen),
            "cols": list(collections),
            "limit": limit,
        }
        score = []
        for i, term in enumerate(chosen):
            n = found[term]
            params[f"t{i}"] = term
            params[f"w{i}"] = math.log((total - n + 0.5) / (n + 0.5) + 1.0)
            score.append(f":w{i} * ts_rank(tsv, to_tsquery('{FTS_CONFIG}', :t{i}), 1)")
        rows = con.execute(
            sql(
                f"SELECT id FROM chunks, to_tsquery('{FTS_CONFIG}', :q) q "
                "WHERE collection = ANY(:cols) AND tsv @@ q "
                f"ORDER BY {' + '.join(score)} DESC, id LIMIT :limit"
            ),
            params,
        ).all()
        return [r[0] for r in rows]
