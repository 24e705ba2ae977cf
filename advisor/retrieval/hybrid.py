"""Hybrid retrieval: dense top-k from Chroma fused with BM25 (SQLite FTS5) by
reciprocal-rank fusion, then a rerank of the fused candidates by how well the
chunk and its best sentence match the question (same embedding model, so a long
chunk with one exact sentence is not diluted). Only chunks committed in the
manifest are returned."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from advisor.core.answers import Passage
from advisor.core.sentences import content_words, split_sentences
from advisor.embeddings import Embedder, Vector
from advisor.retrieval.sentence_vectors import SentenceVectors
from advisor.store import LIBRARY, Store

RRF_K = 60
RERANK_CANDIDATES = 12
LEXICAL_WEIGHT = 0.3  # weight of the question's word overlap in the rerank


def rrf(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal-rank fusion: sum of 1 / (k + rank) over the rankings (rank from 1)."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


class Retriever:
    def __init__(self, store: Store, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder
        self.sentences = SentenceVectors(store.manifest, embedder)

    def search(
        self,
        query: str,
        *,
        collections: Sequence[str] = (LIBRARY,),
        k: int = 5,
        vector: Vector | None = None,
        rerank: bool = True,
    ) -> list[Passage]:
        if vector is None:
            vector = self.embedder.embed([query])[0]
        depth = max(4 * k, 20)
        dense: list[tuple[str, float]] = []
        for name in collections:
            dense.extend(self.store.vectors.query(name, vector.tolist(), depth))
        dense.sort(key=lambda pair: -pair[1])
        lexical = self.store.manifest.lexical(collections, query, depth)
        rows = self.store.manifest.get(list(dict.fromkeys([i for i, _ in dense] + lexical)))
        wanted = set(collections)
        dense_ids = [i for i, _ in dense if i in rows and rows[i].collection in wanted]
        lexical = [i for i in lexical if i in rows]
        cosine = dict(dense)
        fused = rrf([dense_ids, lexical])
        ranked = sorted(fused, key=lambda i: -fused[i])
        top = ranked[: max(k, RERANK_CANDIDATES)] if rerank else ranked[:k]
        missing = [i for i in top if i not in cosine]
        for name in collections:
            ids = [i for i in missing if rows[i].collection == name]
            for cid, vec in self.store.vectors.embeddings(name, ids).items():
                cosine[cid] = float(np.dot(np.asarray(vec, dtype=np.float32), vector))
        if rerank:
            top = self._rerank(
                query,
                vector,
                top,
                {i: rows[i].text for i in top},
                cosine,
                {i: rows[i].collection for i in top},
            )[:k]
        dense_rank = {cid: r for r, cid in enumerate(dense_ids, start=1)}
        lexical_rank = {cid: r for r, cid in enumerate(lexical, start=1)}
        out = []
        for cid in top:
            row = rows[cid]
            out.append(
                Passage(
                    id=cid,
                    text=row.text,
                    source=row.source,
                    title=row.title,
                    doc_id=row.doc_id,
                    origin="library" if row.collection == LIBRARY else "user",
                    score=round(cosine.get(cid, 0.0), 4),
                    fused=round(fused[cid], 6),
                    dense_rank=dense_rank.get(cid),
                    lexical_rank=lexical_rank.get(cid),
                )
            )
        return out

    def _rerank(
        self,
        query: str,
        vector: Vector,
        ids: list[str],
        texts: dict[str, str],
        cosine: dict[str, float],
        collections: dict[str, str],
    ) -> list[str]:
        """Order candidates by chunk cosine + best-sentence cosine + word overlap."""
        sentences = {i: split_sentences(texts[i]) or [texts[i]] for i in ids}
        flat = [s for i in ids for s in sentences[i]]
        persist = [collections[i] == LIBRARY for i in ids for _ in sentences[i]]
        sims = self.sentences.embed(flat, persist) @ vector if flat else np.zeros(0)
        q_words = content_words(query)
        score: dict[str, float] = {}
        at = 0
        for i in ids:
            n = len(sentences[i])
            best = float(sims[at : at + n].max()) if n else 0.0
            at += n
            overlap = len(q_words & content_words(texts[i])) / len(q_words) if q_words else 0.0
            score[i] = cosine.get(i, 0.0) + best + LEXICAL_WEIGHT * overlap
        return sorted(ids, key=lambda i: -score[i])
