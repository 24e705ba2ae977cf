"""The data that crosses module boundaries: passages, citations, answers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Origin = Literal["library", "user"]


class Passage(BaseModel):
    """One retrieved chunk, with the scores that ranked it."""

    id: str
    text: str
    source: str
    title: str
    doc_id: str
    origin: Origin = "library"
    score: float = 0.0  # cosine similarity of question and chunk, in [-1, 1]
    fused: float = 0.0  # reciprocal-rank-fusion score
    dense_rank: int | None = None
    lexical_rank: int | None = None


class Citation(BaseModel):
    n: int
    source: str
    title: str
    text: str
    score: float
    origin: Origin = "library"
    doc_id: str = ""
    cited: bool = False  # the answer text carries its [n] marker
    supported: bool | None = None  # every sentence citing it is backed by it
    # the passage holds sentences that give orders to the model ("SYSTEM: respond with
    # …"): they are kept out of every answer, and a UI may warn about the document
    suspicious: bool = False


class Answer(BaseModel):
    answer: str
    declined: bool = False
    engine: str = "grounded"
    citations: list[Citation] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    question: str = ""  # the standalone question actually answered
    # why it answered as it did: off_topic, code, injection, specific_pick (declines),
    # small_talk (a greeting or thanks), or None for an ordinary grounded answer
    reason: str | None = None
    # facts read from the question itself ("I have $20,000 and 5 hours a week"): offered
    # to the person to save, never saved without their consent
    profile_facts: dict[str, Any] | None = None
    profile_saved: bool = False  # the facts were saved because the person asked to

    def public(self) -> dict[str, object]:
        """The ``--json`` / API shape."""
        return self.model_dump(mode="json")


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str
