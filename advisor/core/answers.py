"""The data that crosses module boundaries: passages, citations, answers."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import Any, Literal, Self

from pydantic import BaseModel, Field

from advisor.core import reasons
from advisor.core.reasons import Reason

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
    n: int  # the number the answer cites it by: 1..n in the order first cited
    id: str = ""  # the stored chunk's id (the API serves it at /v1/sources/{id})
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
    rank: int = 0  # 1-based place among the passages the answer was made from (retrieval order)


class Figure(BaseModel):
    """One number an answer states, computed by :mod:`advisor.recommender.calculators`."""

    label: str  # what it is: "capital needed", "months to the goal", ...
    value: float
    text: str  # as the answer writes it: "360,000 USD"


class ComparisonSide(BaseModel):
    """One side of a side-by-side: a catalog stream's attributes and its cited quote."""

    name: str  # as the person said it: "real estate"
    stream: str | None = None  # catalog id; None: the catalog does not hold it
    title: str = ""  # the catalog's name: "Rental property"
    capital: str = ""
    hours_per_week: str = ""
    risk: str = ""
    liquidity: str = ""
    passivity: str = ""
    first_income: str = ""
    quote: str = ""
    citation: int | None = None  # the [n] of the quote in the answer


class Comparison(BaseModel):
    sides: list[ComparisonSide]
    verdict: str  # which fits this person, or which facts would decide it


class AnswerInfo(BaseModel):
    """How the advisor answered, beside the text and its citations: which engine,
    whether it declined and why, the route, warnings, facts, figures. Part of every
    :class:`Answer`; the API sends it as ``advisor`` (``AdvisorInfo``), built by
    :meth:`of` rather than field by field."""

    engine: str = "grounded"
    declined: bool = False
    reason: Reason | None = Field(default=None, description=reasons.field_description())
    question: str = Field(default="", description="the standalone question actually answered")
    warnings: list[str] = Field(default_factory=list)
    profile_facts: dict[str, Any] | None = Field(
        default=None,
        description="facts read from the question (capital, hours a week, ...), offered to "
        "be saved to the profile; saved only when the request sets save_profile_facts",
    )
    profile_saved: bool = Field(default=False, description="the facts were saved, as requested")
    route: str | None = Field(
        default=None,
        description="how the router answered (advisor.answering.router.ROUTES): small_talk, "
        "decline, passivity, calculation, comparison, preference, suggestions, general, or "
        "task for a front end's task",
    )
    figures: list[Figure] = Field(
        default_factory=list, description="numbers the answer states, computed by code"
    )
    comparison: Comparison | None = Field(
        default=None,
        description="a comparison's sides (catalog attributes, cited quote) and verdict",
    )

    @classmethod
    def of(cls, answer: AnswerInfo) -> Self:
        """This part of ``answer`` (an :class:`Answer`), as this model."""
        return cls.model_validate({name: getattr(answer, name) for name in AnswerInfo.model_fields})


class Answer(AnswerInfo):
    """An answer: its text and citations, and how it was answered (:class:`AnswerInfo`)."""

    answer: str
    citations: list[Citation] = Field(default_factory=list)

    def public(self) -> dict[str, object]:
        """The ``--json`` / API shape (the text first)."""
        data = self.model_dump(mode="json")
        return {"answer": data.pop("answer"), **data}


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class AnswerStream:
    """What :meth:`advisor.answering.service.Advisor.stream` returns: iterate it for the answer's
    text as it is produced, then call :meth:`answer` for the final :class:`Answer` (its
    citations, reason, warnings). ``answer()`` reads whatever text was not iterated yet,
    so ``stream(...).answer()`` is a whole answer. Errors (bad input, a store that is
    down) are raised while iterating, as the steps run, not when the stream is made.

    ``then(fn)`` runs ``fn`` on the final answer once it is known, before ``answer()``
    returns it (a server saves the facts it found this way, streaming or not)."""

    def __init__(self, events: Generator[str, None, Answer]) -> None:
        self._events = events
        self._answer: Answer | None = None
        self._hooks: list[Callable[[Answer], None]] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self._answer is not None:
            raise StopIteration
        try:
            return next(self._events)
        except StopIteration as stop:
            answer: Answer = stop.value
            for hook in self._hooks:
                hook(answer)
            self._answer = answer
            raise StopIteration from None

    def then(self, hook: Callable[[Answer], None]) -> AnswerStream:
        self._hooks.append(hook)
        return self

    def answer(self) -> Answer:
        for _ in self:
            pass
        if self._answer is None:  # the steps ended without an answer: a bug, not input
            raise RuntimeError("the answer stream ended without an answer")
        return self._answer
