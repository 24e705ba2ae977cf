"""Typos and informal spelling, corrected against the library's own words.

``Speller.correct("wat is pasive incom exactly")`` gives ``"what is passive income
exactly"``: informal forms come from a small explicit map (``p2p`` → ``peer-to-peer``),
misspelt words are matched with rapidfuzz against the words of the library's chunks
(plus a short list of common English and domain words), preferring the closest and
then the most frequent. A word is left alone when it is already a word: in the
library, in the built-in lists, or in the embedding model's own tokenizer vocabulary
(about 20,000 whole English words), so a correctly spelt word is never turned into
another. Numbers, words under four letters, capitalised names mid-sentence, words with
accents, URLs and text in another language are left alone too.

The word lists are in :mod:`advisor.conversation.vocabulary`; the guard's checks whether a text is
words at all and whether it is in another language are in :mod:`advisor.conversation.language`.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from advisor.conversation.language import foreign_language
from advisor.conversation.vocabulary import (
    _TOKEN,
    COMMON,
    DOMAIN,
    INFORMAL,
    _known_in,
    _norm,
    _stems,
    base_words,
    tokenizer_words,
)

if TYPE_CHECKING:
    from advisor.store.manifest import Manifest

_ALPHA = re.compile(r"[a-z]+(?:'[a-z]+)?")
# Spans never to touch: URLs, e-mail addresses, paths, dotted names ("U.S.", "e.g.").
_OPAQUE = re.compile(r"\S*(?:https?:|www\.|@|/|\\)\S*|\S+\.(?=\w)\S*")
_SENTENCE_END = re.compile(r"[.!?:;]\s*$|\n\s*$")

MIN_LENGTH = 4  # shorter words are too ambiguous to correct (unless in INFORMAL)
LONG = 8  # from this length a word may be two edits from its correction


def _doubling(a: str, b: str) -> bool:
    """True when one word is the other with one letter doubled ("bloging", "blogging")."""
    short, long = sorted((a, b), key=len)
    if len(long) != len(short) + 1:
        return False
    for i in range(1, len(long)):
        if long[i] == long[i - 1] and long[:i] + long[i + 1 :] == short:
            return True
    return False


class Speller:
    """Corrects misspelt words against a vocabulary (e.g. the library's words).

    ``vocabulary`` is an iterable of words (repeats count: frequent words win ties);
    ``known`` are extra words to keep but never to correct into."""

    def __init__(self, vocabulary: Iterable[str], *, known: Iterable[str] = ()) -> None:
        counts: Counter[str] = Counter()
        for word in vocabulary:
            w = _norm(word)
            if _ALPHA.fullmatch(w) and "'" not in w:
                counts[w] += 1
        for w in COMMON | DOMAIN:
            counts[w] += 2  # a little weight, so a common word beats a rare library one
        words = tokenizer_words()
        for w, n in list(counts.items()):  # base forms of library words: "outsource"
            for stem in _stems(w):
                if stem in words and stem not in counts:
                    counts[stem] = n
        self.freq: dict[str, int] = dict(counts)
        self.targets: list[str] = sorted(w for w in counts if len(w) >= 3)
        self.known: frozenset[str] = frozenset(counts) | base_words() | {_norm(k) for k in known}
        self._cache: dict[str, str | None] = {}

    @classmethod
    def from_texts(cls, texts: Iterable[str], *, known: Iterable[str] = ()) -> Speller:
        return cls((w for t in texts for w in _TOKEN.findall(t)), known=known)

    def is_known(self, word: str) -> bool:
        return _known_in(_norm(word), self.known)

    def suggest(self, word: str) -> str | None:
        """The closest library word to a misspelt ``word`` (lower case), or None when
        it is known, too short, or nothing is close."""
        w = _norm(word)
        if w in self._cache:
            return self._cache[w]
        found = self._suggest(w)
        if len(self._cache) < 10_000:
            self._cache[w] = found
        return found

    def _suggest(self, w: str) -> str | None:
        if len(w) < MIN_LENGTH or not w.isascii() or not w.isalpha() or w in self.known:
            return None
        if self.is_known(w):
            # known only as an inflection ("bloging" of "blog"): prefer the attested
            # form that differs by a doubled letter ("blogging"), else keep it
            for target, _, _ in process.extract(
                w, self.targets, scorer=OSA.distance, score_cutoff=1, limit=None
            ):
                if _doubling(w, target):
                    return str(target)
            return None
        limit = 1 if len(w) < LONG else 2
        hits = process.extract(w, self.targets, scorer=OSA.distance, score_cutoff=limit, limit=None)
        if len(w) == MIN_LENGTH:  # "mony" → "money", "cahs" → "cash"; not "doge" → "done"
            hits = [h for h in hits if len(h[0]) > len(w) or sorted(h[0]) == sorted(w)]
        if not hits:
            return None
        # closest first, then the same first letter, then a letter left out before a
        # wrong one before one too many ("actualy" → "actually", not "actual"; "skils" →
        # "skills", not "skill"), then the most frequent
        best = min(
            hits,
            key=lambda h: (
                h[1],
                h[0][0] != w[0],
                (len(h[0]) < len(w)) - (len(h[0]) > len(w)),
                -self.freq.get(h[0], 0),
                h[0],
            ),
        )
        if best[1] == 2 and best[0][0] != w[0]:
            return None  # two edits and a different first letter: too far a guess
        return str(best[0])

    def correct(self, text: str) -> str:
        """``text`` with informal forms expanded and misspelt words replaced; everything
        else (spacing, punctuation, known words) exactly as typed."""
        if foreign_language(text):
            return text
        opaque = [m.span() for m in _OPAQUE.finditer(text)]
        shouting = text.upper() == text
        out: list[str] = []
        last = 0
        for m in _TOKEN.finditer(text):
            start, end = m.span()
            token = m.group()
            out.append(text[last:start])
            last = end
            if any(a <= start < b for a, b in opaque):
                out.append(token)
                continue
            sentence_start = not text[:start].strip() or bool(_SENTENCE_END.search(text[:start]))
            out.append(self._word(token, sentence_start, shouting))
        out.append(text[last:])
        return "".join(out)

    def _word(self, token: str, sentence_start: bool, shouting: bool) -> str:
        lower = _norm(token)
        head, sep, tail = lower.partition("'")
        if head in INFORMAL and (not sep or tail in {"s", "re", "ll", "ve", "d", "t"}):
            # "wat's" → "what's"; "P2P" → "peer-to-peer"; "U" → "you", but "I" stays
            replaced = INFORMAL[head] + (token[len(head) :] if sep else "")
            return _match_case(token, replaced, informal=True, shouting=shouting)
        if sep or any(c.isdigit() for c in token):
            return token
        if token[:1].isupper() and not sentence_start and not shouting:
            return token  # a name: "Haidilao", "Vanguard"
        found = self.suggest(lower)
        return _match_case(token, found) if found else token


def _match_case(
    original: str, replacement: str, *, informal: bool = False, shouting: bool = False
) -> str:
    if original.isupper() and len(original) > 1 and (shouting or not informal):
        return replacement.upper()
    if original[:1].isupper() and not replacement[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


# -- one speller per manifest --------------------------------------------------------
_spellers: dict[tuple[str, str], tuple[tuple[int, str], Speller]] = {}
_lock = threading.Lock()


def speller_for(manifest: Manifest, collection: str | None = None) -> Speller:
    """The speller built from the words of ``collection`` (the library by default) in
    ``manifest``, built on first use and rebuilt when the collection changes.

    Only the shared library's words are used: a user's own documents never shape
    another user's corrected question."""
    if collection is None:
        from advisor.store import LIBRARY

        collection = LIBRARY
    version = manifest.version(collection)
    key = (manifest.name, collection)
    with _lock:
        cached = _spellers.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        texts = manifest.texts(collection)
        speller = Speller.from_texts(texts)
        _spellers[key] = (version, speller)
        return speller
