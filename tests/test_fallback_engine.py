"""FallbackEngine: an engine that fails hands the same request to its fallback, after a
notice, and the service takes the fallback's text as the answer."""

from __future__ import annotations

from collections.abc import Iterator

from advisor.answering.engines.base import EngineRequest
from advisor.answering.engines.fake import FakeEngine
from advisor.answering.engines.fallback import FallbackEngine, Handover
from advisor.core.answers import Passage
from advisor.core.errors import EngineError


class HalfThenDown(FakeEngine):
    """Streams one piece, then its server goes away."""

    def stream(self, request: EngineRequest) -> Iterator[str]:
        yield "Passive income is"
        raise EngineError("the LLM server at http://127.0.0.1:9 was unreachable")


def _request() -> EngineRequest:
    passage = Passage(
        id="p1", text="Dividends pay you. More follows.", source="a.md", title="A", doc_id="a.md"
    )
    return EngineRequest(question="what pays?", passages=[passage], vector=[0.0])


def test_a_working_primary_answers_alone_with_its_own_name():
    request = _request()
    engine = FallbackEngine(FakeEngine("It pays [1]."), FakeEngine("fallback text"))
    assert list(engine.stream(request)) == ["It pays [1]."]
    assert engine.name == "fake:It pays [1]." and request.answered_by is None
    assert request.notes == []


def test_a_failing_primary_hands_over_after_a_notice_that_voids_its_text():
    request = _request()
    request.notes.append("one passage dropped to fit the context")
    engine = FallbackEngine(HalfThenDown(), FakeEngine("Dividends pay you. [1]"))
    pieces = list(engine.stream(request))
    assert pieces[0] == "Passive income is"
    handover = [p for p in pieces if isinstance(p, Handover)]
    assert len(handover) == 1 and handover[0].startswith("\n\n")
    assert pieces[-1] == "Dividends pay you. [1]"
    assert request.answered_by == "fake:Dividends pay you. [1]"
    assert request.notes[0].endswith("answered by the fake:Dividends pay you. [1] engine instead.")
    assert request.notes[1] == "one passage dropped to fit the context"


def test_the_service_answers_with_the_fallback_text_only(library_home, embedder):
    from helpers import make_settings

    from advisor.answering.service import Advisor

    advisor = Advisor(make_settings(library_home), embedder=embedder, engine=HalfThenDown())
    stream = advisor.stream("What is passive income?")
    streamed = "".join(stream)
    answer = stream.answer()
    assert streamed.startswith("Passive income is\n\n")  # the reader saw the notice
    assert answer.engine == "grounded"
    assert not answer.answer.startswith("Passive income is\n")  # the void text is gone
    assert answer.warnings[0].endswith("answered by the grounded engine instead.")
    assert any(c.cited for c in answer.citations)
