"""Is this a "which streams suit me?" question? The intent check the service makes
beside the guard, before retrieval decides the answer: a request for personal stream
suggestions goes to the recommender (:mod:`advisor.recommender`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from advisor import prompts

if TYPE_CHECKING:
    from advisor.embeddings import Embedder, Vector

_FIRST_PERSON = re.compile(r"\b(i|i'm|i’m|i've|i’ve|me|my|mine|myself|we|our|us)\b", re.IGNORECASE)
# a message that asks nothing ("I want 3000 a month."): its facts are taken as a wish for
# suggestions that use them, rather than a question for the articles
_ASKING = re.compile(
    r"\?|\b(?:how|what|what'?s|whats|which|when|why|where|who|should|could|can|would|will|is"
    r"|are|do|does|tell|explain|show|give|help|suggest|recommend)\b",
    re.IGNORECASE,
)
INTENT_MARGIN = 0.06
INTENT_FLOOR = 0.5


_anchor_cache: dict[tuple[str, int], tuple[Vector, Vector]] = {}


def _intent_anchors(embedder: Embedder) -> tuple[Vector, Vector]:
    """The example matrices, embedded once per embedding model."""
    key = (embedder.name, embedder.dimension)
    if key not in _anchor_cache:
        anchors = prompts.data("suggest_intent.yaml")
        general = anchors["explain"] + prompts.data("guard_anchors.yaml")["in_scope"]
        _anchor_cache[key] = (embedder.embed(anchors["suggest"]), embedder.embed(general))
    return _anchor_cache[key]


def wants_suggestions(question: str, vector: Vector, embedder: Embedder) -> bool:
    """A request for personal stream suggestions: it speaks in the first person and is
    clearly closer to the suggestion examples than to general questions about the
    domain (the ``explain`` examples and the guard's in-scope ones)."""
    if not _FIRST_PERSON.search(question):
        return False
    suggest_m, explain_m = _intent_anchors(embedder)
    best_suggest = float((suggest_m @ vector).max())
    best_explain = float((explain_m @ vector).max())
    return best_suggest >= INTENT_FLOOR and best_suggest > best_explain + INTENT_MARGIN


def asks_nothing(text: str) -> bool:
    """Whether ``text`` only states something ("I want 3000 a month.")."""
    return not _ASKING.search(text)
