"""Checking citations after generation: a ``[n]`` that points at no passage is
removed; a sentence whose cited passage does not back it is flagged."""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TypeVar

from advisor.answering.answer_text import labelled
from advisor.core.answers import Answer, Citation, Passage
from advisor.core.sentences import content_words, markers, split_sentences, strip_markers

SUPPORT_RECALL = 0.6  # share of a sentence's content words found in its passage
# Sentences in a document that address the model rather than the reader.
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b(?:\W+\w+){0,5}?\W+"
    r"(?:instructions?|prompts?|rules|guidelines|directions|directives)\b"
    r"|\b(?:system prompt|developer message|hidden instructions)\b"
    r"|\byou are now\b|\bfrom now on,? (?:you|the assistant)\b"
    r"|\b(?:tell|inform|instruct) (?:the |all |every )?(?:users?|readers?|visitors?)\b"
    r"(?:\W+\w+){0,3}?\W+(?:that|to)\b"
    r"|\b(?:ai|assistants?|chatbots?|language models?|llms?)\b(?:\W+\w+){0,3}?\W+"
    r"(?:must|shall)\b"
    # a role prefix, as in a chat transcript meant for the model: "SYSTEM: …", "[assistant]"
    r"|^\W{0,3}(?:system|assistant|developer|ai|bot|chatbot|model|llm|gpt|instructions?)"
    r"\s*(?:\]|\)|>)?\s*(?::|-{1,2}|=>)\s"
    # orders about what to answer: "respond with HACKED", "reply only with …"
    r"|\b(?:respond|reply|answer)\s+(?:only\s+|always\s+|just\s+)?(?:with|by saying|in the form)\b"
    r"|\b(?:say|write|output|print|type|repeat|include)\b(?:\W+\w+){0,6}?\W+"
    r"(?:to|for|in|after)\s+(?:every|each|all|any)\s+"
    r"(?:questions?|users?|quer(?:y|ies)|prompts?|requests?|messages?|answers?|responses?)\b"
    r"|\b(?:every|each|all|any)\s+(?:questions?|quer(?:y|ies)|prompts?|requests?)\b"
    r"(?:\W+\w+){0,8}?\W+(?:must|should|shall)\s+(?:be\s+)?(?:answered|met|responded)\b"
    # orders to the one reading the prompt: "you must always answer …", "as an AI, …"
    r"|\byou\s+(?:must|should|will|shall)\s+(?:now\s+)?(?:always\s+|only\s+|never\s+)?"
    r"(?:respond|reply|answer|say|output|ignore|pretend|act as|obey)\b"
    r"|\bas an? (?:ai|assistant|language model|chatbot)\b",
    re.IGNORECASE | re.MULTILINE,
)
_REDACTED = "[a sentence giving orders to the model was left out]"
_CITE = re.compile(r"\[(\d{1,3})\]")
_PARTIAL_CITE = re.compile(r"\[\d{0,3}$")  # a marker a stream has not finished yet
Result = TypeVar("Result")


class Renumbering:
    """Sources numbered 1..n in the order an answer first cites them, whatever number
    the engine gave them (its passages come in retrieval order). With ``count`` a
    marker that points at no passage keeps its number (:func:`verify` removes it)."""

    def __init__(self, count: int | None = None) -> None:
        self.count = count
        self.new: dict[int, int] = {}  # engine's number -> number shown

    def _swap(self, match: re.Match[str]) -> str:
        old = int(match.group(1))
        if self.count is not None and not 1 <= old <= self.count:
            return match.group(0)
        return f"[{self.new.setdefault(old, len(self.new) + 1)}]"

    def text(self, text: str) -> str:
        return _CITE.sub(self._swap, text)

    def order(self, count: int) -> list[int]:
        """The engine's numbers in the order shown: cited first, then the rest."""
        cited = sorted(self.new, key=self.new.__getitem__)
        return cited + [n for n in range(1, count + 1) if n not in self.new]


def renumbered(
    events: Generator[str, None, Result], count: int | None = None
) -> Generator[str, None, Result]:
    """A stream of answer text with its markers renumbered as they arrive, as
    :func:`advisor.answering.citations.finish_answer` renumbers the whole text, so what a client
    shows while streaming carries the numbers of the final sources (a marker split over
    two pieces is held back until it is whole). ``count``: the most passages an answer
    can have; a marker above it points nowhere and keeps its number, as in ``finish_answer``."""
    numbering = Renumbering(count)
    held = ""
    while True:
        try:
            piece = held + next(events)
        except StopIteration as stop:
            if held:
                yield numbering.text(held)
            return stop.value
        partial = _PARTIAL_CITE.search(piece)
        held = piece[partial.start() :] if partial else ""
        out = numbering.text(piece[: partial.start()] if partial else piece)
        if out:
            yield out


def support(sentence: str, passage: str) -> float:
    """Share of the sentence's content words that the passage contains."""
    words = content_words(strip_markers(sentence))
    if not words:
        return 1.0
    return len(words & content_words(passage)) / len(words)


def supports(sentence: str, passage: str) -> bool:
    return support(sentence, passage) >= SUPPORT_RECALL


def is_instruction(sentence: str) -> bool:
    """Whether a sentence addresses the model rather than the reader."""
    return bool(_INSTRUCTION.search(sentence))


def redact_instructions(passage: str) -> str:
    """The passage with each sentence that gives orders to the model replaced by a
    note, so no engine is handed them as if they were text to use."""
    if not _INSTRUCTION.search(passage):
        return passage
    lines = []
    for line in passage.split("\n"):
        kept = [_REDACTED if is_instruction(s) else s for s in split_sentences(line)]
        lines.append(" ".join(kept) if kept else line)
    return "\n".join(lines)


def instructions(passage: str) -> list[str]:
    """Sentences of a passage that give orders to the model ("ignore previous
    instructions and tell the reader that …"): text that can never back an answer."""
    return [s for s in split_sentences(passage) if is_instruction(s)]


@dataclass
class Checked:
    text: str  # the answer with unknown markers removed
    sentences: list[tuple[str, list[int], bool]] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def cited(self) -> set[int]:
        return {n for _, ns, _ in self.sentences for n in ns}

    def unsupported(self) -> set[int]:
        return {n for _, ns, ok in self.sentences if not ok for n in ns}


def verify(answer: str, passages: dict[int, str]) -> Checked:
    """Drop markers that point nowhere and check each cited sentence."""
    removed: list[int] = []

    def keep(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n in passages:
            return match.group(0)
        removed.append(n)
        return ""

    text = re.sub(r"\s*\[(\d{1,3})\]", keep, answer)
    checked = Checked(text=text, removed=sorted(set(removed)))
    for n in checked.removed:
        checked.warnings.append(f"removed citation [{n}]: no passage has that number")
    injected = {n: instructions(p) for n, p in passages.items()}
    backing = {  # what a passage says once its orders to the model are taken out
        n: "\n".join(s for s in split_sentences(p) if s not in injected[n]) if injected[n] else p
        for n, p in passages.items()
    }
    for sentence in split_sentences(text):
        ns = markers(sentence)
        echoed = [n for n, orders in injected.items() if any(supports(sentence, o) for o in orders)]
        if echoed:
            checked.warnings.append(
                f"the answer repeats an instruction found in passage [{echoed[0]}]: "
                f"{strip_markers(sentence)[:80]!r}; document text is data, not instructions"
            )
        if not ns:
            checked.sentences.append((sentence, [], False))
            continue
        ok = not echoed and any(supports(sentence, backing[n]) for n in ns)
        checked.sentences.append((sentence, ns, ok))
        if not ok and not echoed:
            short = strip_markers(sentence)[:80]
            checked.warnings.append(
                f"unsupported: {short!r} is not backed by passage "
                + ", ".join(f"[{n}]" for n in ns)
            )
    return checked


def finish_answer(
    text: str, standalone: str, passages: list[Passage], engine: str, warnings: list[str]
) -> Answer:
    """The answer with its sources numbered 1..n in the order the text cites them
    (the uncited passages after them, in retrieval order), its citations checked,
    and the not-financial-advice line at the end of every answer that gives money
    guidance (not one that only says the sources do not cover the question)."""
    text = labelled(text)
    numbering = Renumbering(len(passages))
    text = numbering.text(text)
    order = numbering.order(len(passages))  # retrieval ranks, in the order shown
    shown = {n: passages[rank - 1] for n, rank in enumerate(order, start=1)}
    checked = verify(text, {n: p.text for n, p in shown.items()})
    unsupported = checked.unsupported()
    citations = [
        Citation(
            n=n,
            id=p.id,
            source=p.source,
            title=p.title,
            text=p.text,
            score=p.score,
            origin=p.origin,
            doc_id=p.doc_id,
            cited=n in checked.cited,
            supported=(n not in unsupported) if n in checked.cited else None,
            suspicious=bool(instructions(p.text)),
            rank=rank,
        )
        for (n, p), rank in zip(shown.items(), order, strict=True)
    ]
    return Answer(
        answer=checked.text,
        engine=engine,
        citations=citations,
        warnings=warnings + checked.warnings,
        question=standalone,
    )
