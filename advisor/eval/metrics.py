"""Offline, deterministic metrics: pure functions on strings, ranks and vectors.

Retrieval: a retrieved chunk is a hit when it contains a reference quote after
:func:`normalise`. Answer: ROUGE-L by a hand-written token LCS (no package needed)
and embedding cosine. Groundedness and citation precision reuse
:mod:`advisor.answering.citations`, so the eval judges answers exactly as the runtime does.
How the answer reads: :func:`answer_fact_recall` (the reference quotes appear in the
answer itself), :func:`answer_words` and :func:`filler_rate` (sentences that do not
bear on the question).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence

import numpy as np

from advisor.answering.citations import verify
from advisor.core.sentences import content_words, markers, split_sentences, strip_markers

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"'})
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"[a-z0-9]+")
_MARKER = re.compile(r"\s*\[(\d{1,3})\]")  # as advisor.core.sentences writes it
_LETTER = re.compile(r"[^\W\d_]")  # a "sentence" without a letter ("2.") is a list number


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


def quoted_part(answer: str) -> str:
    """The sentences of a worked answer that carry a ``[n]`` marker: its quotes. The
    rest of such an answer (a side-by-side table, a figure with its formula and
    assumptions, a verdict) is computed by code from the catalog and the calculators and
    judged by the row's expectations, not as a claim a passage must back or as filler."""
    return " ".join(s for s in split_sentences(answer) if markers(s))


def claims(response: str, route: str | None) -> str:
    """What groundedness and filler judge: the quotes of an answer composed by code (a
    worked answer, the ranked suggestions, the basics), any other answer whole."""
    from advisor.answering.router import COMPOSED

    return quoted_part(response) if route in COMPOSED else response


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
    :func:`advisor.answering.citations.verify` on its sentence alone, as the runtime would."""
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


# --- how the answer reads ------------------------------------------------------------

# A reference quote is in the answer when this share of its content words is.
FACT_COVERAGE = 0.8


def _answer_sentences(answer: str) -> list[str]:
    """The answer's sentences without citation markers, normalised."""
    return [normalise(s) for s in split_sentences(strip_markers(answer))]


def _quoted(context: str, sentences: Sequence[str]) -> bool:
    quote = normalise(context).rstrip(" .;:")
    if not quote:
        return False
    if quote in " ".join(sentences):
        return True
    wanted = content_words(quote)
    if not wanted:
        return False
    width = max(1, len(split_sentences(context)))
    for start in range(len(sentences)):
        span = content_words(" ".join(sentences[start : start + width]))
        if len(wanted & span) >= FACT_COVERAGE * len(wanted):
            return True
    return False


def answer_fact_recall(answer: str, contexts: Sequence[str]) -> float | None:
    """1.0 when the sentence that holds the answer — any of the row's reference quotes,
    which are alternative places a source says it — appears in the answer text itself,
    else 0.0 (a row's mean over rows is the share of answers that quote their fact).

    Both sides lose ``[n]`` markers and are :func:`normalise`-d (case, curly quotes,
    whitespace). A quote counts as present when it is a substring of the answer, or when
    at least :data:`FACT_COVERAGE` of its content words (stemmed, stopwords dropped, as
    :func:`advisor.core.sentences.content_words` makes them) occur in one contiguous span of
    answer sentences as long as the quote itself (one sentence for a one-sentence
    quote), so a trimmed clause or a changed punctuation mark still counts, but words
    gathered from all over a long answer do not. ``None`` when the row has no quotes."""
    wanted = [c for c in contexts if c.strip()]
    if not wanted:
        return None
    sentences = _answer_sentences(answer)
    return 1.0 if any(_quoted(c, sentences) for c in wanted) else 0.0


def answer_words(answer: str) -> int:
    """Words of the answer as a reader counts them: whitespace-separated pieces with a
    letter or digit in them, citation markers left out."""
    return sum(any(ch.isalnum() for ch in w) for w in strip_markers(answer).split())


# Words nearly every sentence of this domain carries: sharing one of them with the
# question says nothing about bearing on it.
GENERIC_WORDS = frozenset(
    content_words(
        "passive income incomes money earn earns earned earning earnings make makes making "
        "generate generates generating generated way ways thing things one may might lot "
        "lots really like well even much many people individuals someone"
    )
)
# Cosine (with the question or the reference, whichever is higher) from which a sentence
# that shares no topic word is still on topic: only a near-paraphrase is. Chosen on the
# dev split with :func:`choose_filler_threshold`: every sentence of the grounded
# engine's dev answers that shares no topic word with its row was read and labelled
# (tests/test_eval_metrics.py keeps the labels); 0.85 is the lowest threshold with the
# fewest wrong labels. Most such sentences are generic ("Passive income is a financial
# concept that has gained significant traction...") and score high only because the
# whole domain does, so a lower threshold would excuse exactly the filler to catch.
FILLER_THRESHOLD = 0.85


def choose_filler_threshold(labelled: Sequence[tuple[float, bool]], step: float = 0.05) -> float:
    """The lowest threshold on a ``step`` grid in (0, 1] that mislabels the fewest of
    ``labelled`` (similarity, is filler) samples: a sample is called filler when its
    similarity is under the threshold."""
    best: tuple[int, float] | None = None
    for i in range(1, round(1 / step) + 1):
        threshold = round(i * step, 6)
        wrong = sum((sim < threshold) != filler for sim, filler in labelled)
        if best is None or wrong < best[0]:
            best = (wrong, threshold)
    assert best is not None
    return best[1]


def filler_flags(
    answer: str,
    question: str,
    reference: str,
    contexts: Sequence[str],
    embed: Callable[[list[str]], np.ndarray],
    threshold: float = FILLER_THRESHOLD,
) -> list[bool]:
    """One flag per answer sentence: True when the sentence does not bear on the question.

    Sentences are :func:`advisor.core.sentences.split_sentences` pieces of the answer without
    ``[n]`` markers (each line of a list or table its own); a piece without a letter, such
    as the "2." of a numbered list, is not a sentence. A sentence is filler when both hold:

    1. it shares no topic word with the question, the reference answer or the reference
       quotes (content words as :func:`advisor.core.sentences.content_words` makes them, minus
       :data:`GENERIC_WORDS` such as *passive*, *income*, *money*);
    2. the cosine of its embedding (``embed``, the advisor's embedder) with the question's
       and with the reference's is under ``threshold`` for both.

    Only sentences that fail test 1 are embedded, so most answers embed nothing."""
    sentences = [s for s in split_sentences(strip_markers(answer)) if _LETTER.search(s)]
    if not sentences:
        return []
    topic = content_words(" ".join([question, reference, *contexts])) - GENERIC_WORDS
    lexical_miss = [not ((content_words(s) - GENERIC_WORDS) & topic) for s in sentences]
    candidates = [s for s, miss in zip(sentences, lexical_miss, strict=True) if miss]
    if not candidates:
        return [False] * len(sentences)
    vectors = embed([question, reference, *candidates])
    similarity = iter(max(cosine(v, vectors[0]), cosine(v, vectors[1])) for v in vectors[2:])
    return [miss and next(similarity) < threshold for miss in lexical_miss]


def filler_rate(
    answer: str,
    question: str,
    reference: str,
    contexts: Sequence[str],
    embed: Callable[[list[str]], np.ndarray],
    threshold: float = FILLER_THRESHOLD,
) -> float | None:
    """Share of answer sentences that are filler (see :func:`filler_flags`); ``None``
    for an answer without sentences."""
    flags = filler_flags(answer, question, reference, contexts, embed, threshold)
    return sum(flags) / len(flags) if flags else None


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def median(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return percentile(present, 50)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile, as numpy computes it."""
    if not values:
        return None
    result = float(np.percentile(np.asarray(values, dtype=float), q))
    return result if math.isfinite(result) else None
