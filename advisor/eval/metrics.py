"""Offline, deterministic metrics: pure functions on strings, ranks and vectors.

Retrieval: a retrieved chunk is a hit when it contains a reference quote after
:func:`normalise`. Answer: ROUGE-L by a hand-written token LCS (no package needed)
and embedding cosine. Groundedness and citation precision reuse
:mod:`advisor.citations`, so the eval judges answers exactly as the runtime does.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from advisor.citations import verify
from advisor.sentences import markers, split_sentences, strip_markers

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"'})
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"[a-z0-9]+")
_MARKER = re.compile(r"\s*\[(\d{1,3})\]")  # as advisor.sentences writes it


def normalise(text: str) -> str:
    """Case, curly quotes and runs of whitespace do not decide a match."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip().casefold()


def first_hit(retrieved: Sequence[str], quotes: Sequence[str]) -> int | None:
    """1-based rank of the first retrieved chunk that contains any reference quote."""
    wanted = [normalise(q) for q in quotes if q.strip()]
    for rank, chunk in enumerate(retrieved, start=1):
        text = normalise(chunk)
        if any(q in text for q in wanted):
            return rank
    return None


def hit_at(rank: int | None, k: int) -> float:
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / rank


def context_recall(retrieved: Sequence[str], quotes: Sequence[str]) -> float | None:
    """Share of reference quotes found in at least one retrieved chunk."""
    wanted = [normalise(q) for q in quotes if q.strip()]
    if not wanted:
        return None
    texts = [normalise(c) for c in retrieved]
    return sum(any(q in t for t in texts) for q in wanted) / len(wanted)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(strip_markers(text)))


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F1 over lower-cased word tokens (citation markers ignored)."""
    cand, ref = tokens(candidate), tokens(reference)
    if not cand or not ref:
        return 0.0
    common = _lcs(cand, ref)
    if common == 0:
        return 0.0
    precision, recall = common / len(cand), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two vectors, clipped to [0, 1] (opposite meaning scores 0)."""
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    if norm == 0.0:
        return 0.0
    return min(1.0, max(0.0, float(np.dot(a, b)) / norm))


def groundedness(answer: str, passages: dict[int, str]) -> float | None:
    """Share of answer sentences backed by a passage they cite (uncited = unsupported)."""
    sentences = verify(answer, passages).sentences
    if not sentences:
        return None
    return sum(ok for _, _, ok in sentences) / len(sentences)


def _keep_marker(sentence: str, n: int) -> str:
    """The sentence with every citation marker but ``[n]`` taken out."""

    def keep(hit: re.Match[str]) -> str:
        return hit.group(0) if int(hit.group(1)) == n else ""

    return _MARKER.sub(keep, sentence)


def citation_precision(answer: str, passages: dict[int, str]) -> float | None:
    """Share of ``[n]`` markers whose passage supports the sentence they follow.
    A marker that points at no passage counts as wrong. Each marker is judged by
    :func:`advisor.citations.verify` on its sentence alone, as the runtime would."""
    verdicts: list[bool] = []
    for sentence in split_sentences(answer):
        for n in markers(sentence):
            if n not in passages:
                verdicts.append(False)
                continue
            only_n = _keep_marker(sentence, n)
            checked = verify(only_n, {n: passages[n]})
            verdicts.append(any(ok for _, ns, ok in checked.sentences if n in ns))
    if not verdicts:
        return None
    return sum(verdicts) / len(verdicts)


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile, as numpy computes it."""
    if not values:
        return None
    result = float(np.percentile(np.asarray(values, dtype=float), q))
    return result if math.isfinite(result) else None
