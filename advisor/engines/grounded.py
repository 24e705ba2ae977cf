"""The grounded engine: the answer is made of retrieved sentences, each cited.

Query-focused sentence scoring with the same embedding model, redundancy removed
by maximal marginal relevance, most direct sentence first, 2–6 sentences. It never
writes a sentence that is not in the passage it cites.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from advisor.citations import is_instruction
from advisor.embeddings import Embedder
from advisor.engines import EngineRequest
from advisor.models import Turn
from advisor.sentences import content_words, split_sentences

MAX_SENTENCES = 6
MIN_SENTENCES = 2
_ROW = re.compile(r"^\|(.+)\|$")
_RULE = re.compile(r"^\|?[\s:|-]+\|?$")


@dataclass
class Unit:
    text: str
    n: int  # passage number (1-based)
    pos: int  # position in the passage


def _row_sentence(header: list[str], cells: list[str]) -> str:
    """A table row as one readable line using only the table's own words."""
    if len(cells) >= 3 and len(header) == len(cells):
        name, *rest = cells
        value = " ".join(c for c in rest[1:] if c)
        return f"{name} ({rest[0]}): {value}."
    return "; ".join(f"{h}: {c}" for h, c in zip(header, cells, strict=False)) + "."


def units_of(passage_text: str, n: int) -> list[Unit]:
    units: list[Unit] = []
    header: list[str] | None = None
    for line in passage_text.split("\n"):
        line = line.strip()
        row = _ROW.match(line)
        if row:
            if _RULE.match(line):
                continue
            cells = [c.strip() for c in row.group(1).split("|")]
            if header is None:
                header = cells
                continue
            units.append(Unit(_row_sentence(header, cells), n, len(units)))
            continue
        for sentence in split_sentences(line):
            words = sentence.split()
            if len(words) < 5:
                continue  # headings, list markers, footnote numbers
            if len(words) < 10 and not sentence.endswith((".", "!", "?", "”", '"')):
                continue  # a heading
            if sentence.endswith(":"):
                continue  # a lead-in ("… as follows:") says nothing alone
            if is_instruction(sentence):
                continue  # orders to the model in a document are data, never an answer
            units.append(Unit(sentence.lstrip("-•* ").strip(), n, len(units)))
    return units


def cite(sentence: str, n: int) -> str:
    """Put the marker before the closing punctuation: "… income [2]."."""
    m = re.match(r"^(.*?)([.!?…]+[\"”’)]*)$", sentence, re.DOTALL)
    if m:
        return f"{m.group(1)} [{n}]{m.group(2)}"
    return f"{sentence} [{n}]"


class GroundedEngine:
    name = "grounded"

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def condense(self, question: str, history: list[Turn]) -> str | None:
        return None  # the service's rule-based condenser

    def select(self, request: EngineRequest) -> list[Unit]:
        units: list[Unit] = []
        seen: set[str] = set()
        for n, passage in enumerate(request.passages, start=1):
            for unit in units_of(passage.text, n):
                key = unit.text.lower()
                if key not in seen:  # overlapping chunks repeat sentences
                    seen.add(key)
                    units.append(unit)
        if not units:
            return []
        vecs = self.embedder.embed([u.text for u in units])
        cos = vecs @ request.vector
        q_words = content_words(request.question)
        lexical = np.array(
            [len(q_words & content_words(u.text)) / len(q_words) if q_words else 0.0 for u in units]
        )
        # rank among the passages that have something to quote, so one with nothing
        # usable (headings only, orders to the model) does not shift the others
        rank = {n: r for r, n in enumerate(sorted({u.n for u in units}), start=1)}
        rank_bonus = np.array([0.04 / rank[u.n] for u in units])
        score = cos + 0.25 * lexical + rank_bonus
        order = list(np.argsort(-score))
        best = float(score[order[0]])
        chosen: list[int] = [order[0]]
        while len(chosen) < MAX_SENTENCES:
            candidates = [i for i in order if i not in chosen]
            if not candidates:
                break
            sims = vecs[candidates] @ vecs[chosen].T
            redundancy = sims.max(axis=1)
            mmr = 0.75 * score[candidates] - 0.25 * redundancy
            pick = int(np.argmax(mmr))
            i = candidates[pick]
            if redundancy[pick] > 0.88:
                order.remove(i)
                continue
            floor = 0.55 if len(chosen) < MIN_SENTENCES else 0.8
            if score[i] < best * floor:
                break
            chosen.append(i)
        return [units[i] for i in chosen]

    def stream(self, request: EngineRequest) -> Iterator[str]:
        for i, unit in enumerate(self.select(request)):
            yield ("" if i == 0 else " ") + cite(unit.text, unit.n)
