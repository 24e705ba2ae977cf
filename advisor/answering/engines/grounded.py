"""The grounded engine: the answer is made of retrieved text, each piece cited.

It answers the question that was asked. The question's kind
(:mod:`advisor.conversation.question_types`) decides which unit of text answers it; that
unit is quoted first — a whole list (lead-in and items) where the source lists, a table
row where it tabulates, one sentence per side of a comparison — then at most a few
supporting sentences that bear on the question. Sentences that would fit any question
about passive income (filler) are left out. It writes no word of its own: every sentence
is in the passage it cites.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from advisor.answering.citations import is_instruction
from advisor.answering.coverage import covers, not_covered
from advisor.answering.engines.base import EngineRequest
from advisor.answering.engines.context import (
    MAX_WORDS,
    Unit,
    _distance,
    _follows,
    _words,
    in_context,
)
from advisor.answering.leaning import leans
from advisor.conversation.question_types import QuestionType, question_type
from advisor.core.answers import Turn
from advisor.core.sentences import content_words, split_sentences
from advisor.embeddings.base import Embedder, Vector

MAX_SUPPORT = {"definition": 2, "yes_no": 2, "number": 2, "list": 1, "comparison": 0}
DEFAULT_SUPPORT = 3
# Words that every question and every passage of this domain share: they say nothing
# about whether a sentence answers *this* question.
DOMAIN_WORDS = frozenset(
    {"passive", "income", "incom", "active", "money", "earn", "make", "way", "creat", "create"}
)
GENERIC_QUERY = "passive income"
RANK_BONUS = 0.3  # the retriever ranked passages with more evidence than one sentence has
# Words of how people talk, not of what they ask about.
VAGUE_WORDS = frozenset(
    content_words(
        "what's whats exactly really actually basically just tbh lol pls please thing things "
        "stuff kind sort mean tell know anything something ok okay yeah hey"
    )
)

_ROW = re.compile(r"^\|(.+)\|$")
_RULE = re.compile(r"^\|?[\s:|-]+\|?$")
_ITEM = re.compile(r"^\s*(?:(?P<num>\d{1,2})[.)]|[-•*–])\s+(?P<text>\S.*)$")
_DEFINES = re.compile(
    r"\b(?:refers? to|is earned|are earned|is income|is money|means|is defined as|"
    r"is the income|consists? of)\b",
    re.IGNORECASE,
)
# Sentences that move an article along rather than say something: never support.
_TRANSITION = re.compile(
    r"^\W*(?:let[’']s\b|in (?:conclusion|summary|short)\b|to (?:sum up|conclude)\b|"
    r"(?:so|now|well),|this (?:article|post) (?:will|is)\b)",
    re.IGNORECASE,
)
_TERMINAL = (".", "!", "?", "”", '"', "’", ")")
# A chunk can begin inside a sentence (the splitter cuts a long one at a comma): text
# opening in lower case or on a comma is the tail of a sentence, never a quote.
_MID_SENTENCE = re.compile(r"^\s*(?:[a-z]|[,;:)\]])")
# A dash, then only capitalised words (a name, a title), maybe a footnote number.
_ATTRIBUTION = re.compile(r"^\s*[–—-]+\s*(?:[A-Z][\w'’.]*,?\s*){1,8}\d*\.?\s*$")
# A sentence that leans on the one before it (:mod:`advisor.answering.leaning`) right after the
# lead goes on with the lead's subject ("REITs allow … These trusts pool funds …"): it
# bears on the question through the lead even when it names none of the question's
# words, so it is not filler.
# Share of the lead's score a supporting unit needs: lower for the units right after
# the lead, which go on with its thought (both chosen on the dev split).
FOLLOW_SUPPORT = 0.45
OTHER_SUPPORT = 0.65


def _row_sentence(header: list[str], cells: list[str]) -> str:
    """A table row as one readable line using only the table's own words."""
    if len(cells) >= 3 and len(header) == len(cells):
        name, *rest = cells
        value = " ".join(c for c in rest[1:] if c)
        return f"{name} ({rest[0]}): {value}."
    return "; ".join(f"{h}: {c}" for h, c in zip(header, cells, strict=False)) + "."


def _usable(sentence: str) -> bool:
    words = sentence.split()
    if len(words) < 5:
        return False  # headings, list markers, footnote numbers
    if len(words) < 10 and not sentence.endswith(_TERMINAL):
        return False  # a heading
    if _ATTRIBUTION.match(sentence):
        return False  # "– Rich Dad, Poor Dad 1.": who said the quote above, not a claim
    return not is_instruction(sentence)  # orders to the model are data, never an answer


def _list_items(lines: list[str], start: int) -> tuple[list[str], int, list[str]]:
    """The items of a list that begins at ``lines[start]``: numbered or bulleted lines,
    looking past a paragraph between numbered items when the numbering goes on after it.
    Returns the items (marker kept), the index of the first line after the list, and
    the paragraphs looked past (still text to quote on their own)."""
    items: list[str] = []
    between: list[str] = []
    i, expect = start, None
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        m = _ITEM.match(line)
        if m and not is_instruction(line):
            num = m.group("num")
            if expect is not None and num is not None and int(num) != expect:
                break
            items.append(line)
            expect = int(num) + 1 if num is not None else None
            i += 1
            continue
        if expect is not None:  # a paragraph inside a numbered list: look past it
            ahead = next((j for j in range(i + 1, min(i + 4, len(lines))) if lines[j].strip()), 0)
            nxt = _ITEM.match(lines[ahead].strip()) if ahead else None
            if nxt and nxt.group("num") and int(nxt.group("num")) == expect:
                between.extend(lines[i:ahead])
                i = ahead
                continue
        break
    return items, i, between


def units_of(passage_text: str, n: int) -> list[Unit]:
    """The quotable units of a passage: sentences, whole lists, table rows."""
    units: list[Unit] = []
    header: list[str] | None = None
    lines = passage_text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        row = _ROW.match(line)
        if row:
            if _RULE.match(line):
                continue
            cells = [c.strip() for c in row.group(1).split("|")]
            if header is None:
                header = cells
                continue
            units.append(Unit(_row_sentence(header, cells), n, len(units), "row"))
            continue
        sentences = split_sentences(line)
        if not units and sentences and _MID_SENTENCE.match(sentences[0]):
            sentences = sentences[1:]  # a quote starts at a sentence start
        for k, sentence in enumerate(sentences):
            lead_in = sentence.endswith(":") and k == len(sentences) - 1
            if lead_in and not is_instruction(sentence):
                items, after, between = _list_items(lines, i)
                if len(items) >= 2:
                    units.append(Unit("\n".join([sentence, *items]), n, len(units), "list"))
                    i = after
                    for text in between:
                        _sentences_into(units, split_sentences(text), n)
                continue  # a lead-in alone says nothing
            _sentences_into(units, [sentence], n)
    return units


def _sentences_into(units: list[Unit], sentences: list[str], n: int) -> None:
    for sentence in sentences:
        if _ITEM.match(sentence) and len(sentence.split()) < 5:
            continue
        if _usable(sentence):
            units.append(Unit(sentence.lstrip("-•* ").strip(), n, len(units)))


def cite(text: str, n: int) -> str:
    """Put the marker before the closing punctuation: "… income [2]."."""
    m = re.match(r"^(.*?)([.!?…]+[\"”’)]*)$", text, re.DOTALL)
    if m:
        return f"{m.group(1)} [{n}]{m.group(2)}"
    return f"{text} [{n}]"


class GroundedEngine:
    name = "grounded"

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._generic: Vector | None = None

    def condense(self, question: str, history: list[Turn]) -> str | None:
        return None  # the service's rule-based condenser

    def _generic_vector(self) -> Vector:
        if self._generic is None:
            self._generic = self.embedder.embed([GENERIC_QUERY])[0]
        return self._generic

    def _units(self, request: EngineRequest) -> list[Unit]:
        units: list[Unit] = []
        seen: dict[str, Unit] = {}
        for n, passage in enumerate(request.passages, start=1):
            for unit in units_of(passage.text, n):
                key = unit.text.lower()
                if key not in seen:  # overlapping chunks repeat sentences: keep the first
                    seen[key] = unit
                    units.append(unit)
                else:
                    seen[key].places.append((n, unit.pos))
        return units

    def select(self, request: EngineRequest) -> list[Unit]:
        units = self._units(request)
        if not units:
            return []
        qtype = question_type(request.question)
        vecs = self.embedder.embed([u.text for u in units])
        cos = vecs @ request.vector
        q_words = content_words(request.question) - VAGUE_WORDS
        specific = q_words - DOMAIN_WORDS
        overlap = [content_words(u.text) for u in units]
        lexical = np.array([len(q_words & w) / len(q_words) if q_words else 0.0 for w in overlap])
        # rank among the passages that have something to quote, so one with nothing
        # usable (headings only, orders to the model) does not shift the others
        rank = {n: r for r, n in enumerate(sorted({u.n for u in units}), start=1)}
        rank_bonus = np.array([RANK_BONUS / rank[u.n] for u in units])
        score = cos + 0.25 * lexical + rank_bonus + self._kind_bonus(qtype, units)
        focus = content_words(request.focus or "")
        off_focus = np.array([bool(focus) and not focus <= w for w in overlap])
        if off_focus.all():
            off_focus[:] = False  # nothing names the new topic: answer from what there is
        # a question in the text (often rhetorical) is not an answer; the sentence after
        # it usually is, so that one inherits its score
        for i, u in enumerate(units):
            if u.text.rstrip('”"’) ').endswith("?"):
                nxt = i + 1
                if nxt < len(units) and units[nxt].n == u.n and units[nxt].pos == u.pos + 1:
                    score[nxt] = max(score[nxt], score[i] - 0.01)
                score[i] -= 0.3
        generic = vecs @ self._generic_vector()
        # filler: shares no word with the question beyond the domain's own, and is no
        # closer to it than to "passive income" in general
        pairs = zip(overlap, cos, generic, strict=True)
        filler = np.array(
            [bool(specific) and not (specific & w) and c < g + 0.05 for w, c, g in pairs]
        )
        filler |= off_focus  # "and what about ETFs?": only what is about ETFs
        if qtype.kind == "comparison" and len(qtype.sides) == 2:
            chosen = self._sides(qtype, units, score)
            kept = in_context([units[i] for i in chosen], units) if chosen else []
            if kept:
                return kept
        order = [int(i) for i in np.argsort(-score)]
        # the best unit leads unless it is filler and an on-topic one scores nearly as well
        lead = order[0]
        if filler[lead]:
            lead = next(
                (i for i in order if not filler[i] and score[i] >= score[lead] - 0.08), lead
            )
        chosen = [lead]
        limit = MAX_SUPPORT.get(qtype.kind, DEFAULT_SUPPORT)
        words = _words(units[lead].text)
        best = float(score[lead])
        for i in order:
            if len(chosen) > limit:
                break
            # the sentences right after the lead usually go on with its thought
            follows = _follows(units[i], units[lead])
            continues = follows and leans(units[i].text)
            if i in chosen or (filler[i] and not continues) or _TRANSITION.match(units[i].text):
                continue
            if score[i] < best * (FOLLOW_SUPPORT if follows else OTHER_SUPPORT):
                continue
            if qtype.kind == "definition" and not (follows or _DEFINES.search(units[i].text)):
                continue  # a definition is supported by definitions, not by remarks
            if float((vecs[i] @ vecs[chosen].T).max()) > 0.85:
                continue  # says again what is already quoted
            if words + _words(units[i].text) > MAX_WORDS:
                continue
            chosen.append(i)
            words += _words(units[i].text)
        # read as the source reads: the lead, then what goes on from it, then the rest
        lead_unit = units[lead]
        after = sorted(
            (i for i in chosen[1:] if _follows(units[i], lead_unit)),
            key=lambda i: _distance(units[i], lead_unit),
        )
        rest = [i for i in chosen[1:] if i not in after]
        return in_context([units[i] for i in [lead, *after, *rest]], units, order=order)

    @staticmethod
    def _kind_bonus(qtype: QuestionType, units: list[Unit]) -> np.ndarray:
        bonus = np.zeros(len(units))
        for i, u in enumerate(units):
            if qtype.kind == "list" and u.kind == "list":
                bonus[i] += 0.12
                items = len(u.text.split("\n")) - 1
                if qtype.count is not None and items == qtype.count:
                    bonus[i] += 0.1
            elif qtype.kind == "number" and re.search(r"\d", u.text):
                bonus[i] += 0.05
            elif qtype.kind == "definition" and _DEFINES.search(u.text):
                bonus[i] += 0.05
        return bonus

    def _sides(self, qtype: QuestionType, units: list[Unit], score: np.ndarray) -> list[int]:
        """One unit per side of a comparison: the best-scoring unit about that side,
        preferring one whose subject it is and that does not name the other side."""
        a, b = qtype.sides
        if len(a.split()) == 1 and len(b.split()) > 1 and b.split()[-1] != a:
            a = f"{a} {b.split()[-1]}"  # "active and passive income": active income
        sides = [a, b]
        chosen: list[int] = []
        for k, side in enumerate(sides):
            words = content_words(side) - {"better", "worse"}
            other = content_words(sides[1 - k]) - words
            if not words:
                return []
            named = [i for i, u in enumerate(units) if words <= content_words(u.text)]
            named = named or [i for i, u in enumerate(units) if words & content_words(u.text)]

            def fit(i: int, side: str = side, other: set[str] = other) -> float:
                text = units[i].text.lower()
                subject = re.match(rf"^\W*(?:an?\s+|the\s+)?{re.escape(side.lower())}\b", text)
                both = bool(other) and other <= content_words(units[i].text)
                defines = _DEFINES.search(text)
                return (
                    float(score[i])
                    + (0.08 if subject else 0.0)
                    + (0.08 if defines else 0.0)
                    - (0.1 if both else 0.0)
                )

            pick = max((i for i in named if i not in chosen), key=fit, default=None)
            if pick is None:
                return []
            chosen.append(pick)
        return chosen

    def stream(self, request: EngineRequest) -> Iterator[str]:
        if not covers(request.question, request.passages, follow_up=bool(request.history)):
            yield not_covered()  # rather than quotes that do not answer it
            return
        units = self.select(request)
        for i, unit in enumerate(units):
            listed = unit.kind == "list" or (i > 0 and units[i - 1].kind == "list")
            sep = "" if i == 0 else ("\n\n" if listed else " ")
            # word by word, as a model would stream, so a reader sees it arrive
            for word in re.split(r"(?<=\s)", sep + cite(unit.text, unit.n)):
                if word:
                    yield word
