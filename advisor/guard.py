"""The scope guard: is this a question about income and personal finance?

It compares the question with example requests per class (``prompts/guard_anchors.yaml``)
and with the best retrieved passage. Instructions hidden in documents never reach
it: it only ever looks at the user's own question.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from advisor import prompts
from advisor.embeddings import Embedder, Vector

# Direct attempts to override the assistant; the anchors catch paraphrases.
_OVERRIDE = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|rules?|prompt|guidelines)\b"
    r"|\b(system|hidden|developer)\s+(prompt|message|instructions?)\b"
    r"|\bprint\s+(your|the)\s+(prompt|instructions)\b",
    re.IGNORECASE | re.DOTALL,
)
_CODE = re.compile(
    r"\b(write|generate|give me|show me|implement|code up|fix)\b.{0,60}"
    r"\b(code|script|function|program|class|regex|sql|query|python|javascript|java|c\+\+|"
    r"rust|bash|html|css)\b",
    re.IGNORECASE | re.DOTALL,
)

IN_SCOPE_FLOOR = 0.30  # below this neither anchors nor passages relate to the domain
MARGIN = 0.04
PICK_MARGIN = 0.06  # a request for a pick must look more like one than like a question


@dataclass
class Verdict:
    in_scope: bool
    reason: str | None = None  # off_topic | code | injection | specific_pick
    scores: dict[str, float] = field(default_factory=dict)


class Guard:
    def __init__(self, embedder: Embedder, cache_dir: Path | None = None) -> None:
        self.embedder = embedder
        anchors = prompts.data("guard_anchors.yaml")
        self.classes = list(anchors)
        texts = [t for c in self.classes for t in anchors[c]]
        self.labels = [c for c in self.classes for _ in anchors[c]]
        self.matrix = self._embed_anchors(texts, cache_dir)

    def _embed_anchors(self, texts: list[str], cache_dir: Path | None) -> Vector:
        key = hashlib.sha256(("\n".join(texts) + self.embedder.name).encode()).hexdigest()[:16]
        path = cache_dir / f"anchors-{key}.npy" if cache_dir else None
        if path is not None and path.exists():
            try:
                cached: Vector = np.load(path)
                if cached.shape == (len(texts), self.embedder.dimension):
                    return cached
            except (OSError, ValueError):
                pass
        matrix = self.embedder.embed(texts)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp.npy")
                np.save(tmp, matrix)
                tmp.replace(path)
            except OSError:
                pass  # a cache only
        return matrix

    def check(self, question: str, vector: Vector, top_passage: float) -> Verdict:
        sims = self.matrix @ vector
        best = {c: 0.0 for c in self.classes}
        for label, s in zip(self.labels, sims, strict=True):
            best[label] = max(best[label], float(s))
        domain = max(best["in_scope"], top_passage)
        scores = {**best, "top_passage": top_passage, "domain": domain}
        if _OVERRIDE.search(question):
            return Verdict(False, "injection", scores)
        if _CODE.search(question) or best["code"] > max(domain, best["off_topic"]) + MARGIN:
            return Verdict(False, "code", scores)
        if best["injection"] >= 0.45 and best["injection"] > domain + MARGIN:
            return Verdict(False, "injection", scores)
        if best["specific_pick"] >= 0.5 and best["specific_pick"] > best["in_scope"] + PICK_MARGIN:
            return Verdict(False, "specific_pick", scores)
        if domain < IN_SCOPE_FLOOR or best["off_topic"] > domain + MARGIN:
            return Verdict(False, "off_topic", scores)
        return Verdict(True, None, scores)
