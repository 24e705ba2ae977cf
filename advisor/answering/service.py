"""The one path every interface shares: condense → retrieve → guard → answer →
verify citations. CLI, UI, API, MCP and the LangChain runnable all call this."""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from advisor import prompts, recommender
from advisor.answering import router
from advisor.answering.answer_text import with_label
from advisor.answering.citations import finish_answer, renumbered
from advisor.answering.engines import Engine, EngineRequest, get_engine
from advisor.answering.engines.fallback import FallbackEngine, Handover
from advisor.conversation.condense import (
    condense,
    follow_up_topic,
    is_follow_up,
    last_user_question,
)
from advisor.conversation.facts import asks_what_to_do, extract_facts
from advisor.conversation.facts import describe as describe_facts
from advisor.conversation.question_text import clean_question
from advisor.conversation.smalltalk import small_talk_reply
from advisor.conversation.spelling import speller_for
from advisor.conversation.suggest_intent import asks_nothing, wants_suggestions
from advisor.core.answers import Answer, AnswerStream, Passage, Turn
from advisor.core.errors import NotFoundError
from advisor.core.reasons import Reason
from advisor.core.settings import Settings, get_settings
from advisor.embeddings import Embedder, Vector, get_embedder
from advisor.guard.picks import principle_answer
from advisor.guard.scope import Guard, Verdict
from advisor.store import LIBRARY, Store
from advisor.users.ids import user_collection
from advisor.users.profile import validate_profile
from advisor.users.profile_store import load_profile
from advisor.worked import dispatch, phrasing
from advisor.worked.base import Worked

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reading:
    """How the service read a question: spelt right, made standalone with the
    conversation, its vector, the facts typed in it, and the profile to use."""

    spelt: str
    standalone: str
    vector: Vector
    facts: dict[str, Any]
    profile: dict[str, Any] | None
    known: dict[str, Any] | None = None  # the saved or given profile, before these facts


class Advisor:
    """Holds the heavy parts (embedder, store, guard), created on first use."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        if embedder is not None:
            self.__dict__["embedder"] = embedder
        self._engine = engine
        self._engines: dict[str, Engine] = {}

    @cached_property
    def embedder(self) -> Embedder:
        return get_embedder(self.settings.embedding_model)

    @cached_property
    def store(self) -> Store:
        return Store(self.settings, self.embedder)

    @cached_property
    def retriever(self) -> Any:
        from advisor.retrieval.hybrid import Retriever

        return Retriever(self.store, self.embedder)

    @cached_property
    def guard(self) -> Guard:
        from advisor.retrieval.sentence_vectors import SentenceVectors

        return Guard(self.embedder, vectors=SentenceVectors(self.store.manifest, self.embedder))

    def engine(self, spec: str | None = None) -> Engine:
        if spec is None and self._engine is not None:
            return self._engine
        spec = spec or self.settings.engine
        if spec not in self._engines:
            self._engines[spec] = get_engine(spec, self.settings, self.embedder)
        return self._engines[spec]

    def _with_fallback(self, primary: Engine) -> Engine:
        """Any engine but the grounded one answers through a :class:`FallbackEngine`
        that hands a failed request over to the grounded engine."""
        grounded = self.engine("grounded")
        return primary if primary is grounded else FallbackEngine(primary, grounded)

    def warm(self) -> None:
        """Load the model, store, guard and engine now, so a server's first request is
        not the slow one (servers call this at start-up, in a worker thread)."""
        _ = self.embedder, self.store, self.retriever, self.guard
        self.engine()

    def collections(self, user: str | None) -> list[str]:
        # "" is an invalid id, not "no user": it must not silently drop the user's data.
        return [LIBRARY] + ([user_collection(user)] if user is not None else [])

    def search(self, query: str, *, user: str | None = None, k: int | None = None) -> list[Passage]:
        query = clean_question(query, self.settings.max_question_chars)
        return list(
            self.retriever.search(query, collections=self.collections(user), k=k or self.settings.k)
        )

    def ask(
        self,
        question: str,
        *,
        history: Iterable[Turn | dict[str, str]] = (),
        user: str | None = None,
        k: int | None = None,
        engine: str | None = None,
        profile: dict[str, Any] | None = None,
    ) -> Answer:
        """The whole answer at once; the parameters are those of :meth:`stream`."""
        return self.stream(
            question, history=history, user=user, k=k, engine=engine, profile=profile
        ).answer()

    def stream(
        self,
        question: str,
        *,
        history: Iterable[Turn | dict[str, str]] = (),
        user: str | None = None,
        k: int | None = None,
        engine: str | None = None,
        profile: dict[str, Any] | None = None,
    ) -> AnswerStream:
        """The answer as it is produced: iterate for text, then ``.answer()``.

        ``history``: earlier turns; ``user``: whose documents and profile to use as well
        as the library; ``k``: passages to retrieve; ``engine``: an engine spec instead
        of the configured one; ``profile``: profile fields to use instead of the saved
        ones. The steps: small talk is answered at once; :meth:`_read` reads the question
        (facts typed in it, spelling, the conversation); :meth:`_retrieve`;
        :meth:`_route` (the guard, and whether it asks which streams suit the person);
        then a decline, the recommender, or :meth:`_generate` with the engine (an LLM
        that fails hands over to the grounded engine);
        :func:`~advisor.answering.citations.finish_answer` numbers and checks the citations."""
        steps = self._steps(question, history, user, k, engine, profile)
        # the numbers finish_answer gives the sources, as the text streams, and its label
        return AnswerStream(renumbered(with_label(steps), k or self.settings.k))

    def _steps(
        self,
        question: str,
        history: Iterable[Turn | dict[str, str]],
        user: str | None,
        k: int | None,
        engine: str | None,
        profile: dict[str, Any] | None,
    ) -> Generator[str, None, Answer]:
        question = clean_question(question, self.settings.max_question_chars)
        turns = [
            # earlier turns are context: replace undecodable bytes rather than fail on them
            Turn(role=t.role, content=t.content.encode("utf-8", "replace").decode("utf-8"))
            for t in (t if isinstance(t, Turn) else Turn.model_validate(t) for t in history)
        ]
        reply = small_talk_reply(question)
        if reply is not None:
            yield reply
            chat: Reason = "small_talk"
            return Answer(answer=reply, engine=chat, reason=chat, question=question, route=chat)
        if self.store.manifest.count(LIBRARY) == 0:
            raise NotFoundError(
                "the library is empty: the source articles have not been ingested yet",
                cli_hint="run `advisor ingest` first",
            )
        primary = self.engine(engine)
        chosen = self._with_fallback(primary)
        read = self._read(question, turns, user, profile, chosen)
        passages = self._retrieve(read.standalone, read.vector, read.spelt, turns, user, k)
        verdict, suggest = self._route(read, passages, turns)
        plan = router.plan_message(question, read.spelt, turns, self.settings)
        # a bare calculation or "stocks or real estate?" can look off topic or like a
        # pick to the guard; injections, code and insider trading are declined still
        worked_ok = plan.route is not None and verdict.reason in ("off_topic", "specific_pick")
        if (
            not verdict.in_scope
            and not worked_ok
            and not (suggest and verdict.reason == "off_topic")
        ):
            declined = yield from self._declined(
                read.standalone, read.vector, passages, verdict, turns
            )
            declined.route = "decline"
            return declined
        if plan.route is not None:
            worked = dispatch.work(
                plan, plan.text, read.known, passages, manifest=self.store.manifest, user=user
            )
            if worked is not None:
                return (yield from self._worked(worked, read, primary, turns))
        if suggest and recommender.has_facts(read.profile):
            text, cited = recommender.answer_for(
                read.profile, user=user, manifest=self.store.manifest
            )
            if read.facts:
                text = f"Understood: {describe_facts(read.facts)}.\n\n{text}"
            yield text
            answer = finish_answer(text, read.standalone, cited, "recommender", [])
            answer.profile_facts = read.facts or None
            answer.route = "suggestions"
            return answer
        basics = recommender.principle_answer(read.spelt, validate_profile(read.profile))
        if basics is not None:  # an emergency fund in a REIT, or investing beside card debt,
            # when the recommender has no ranking to lead with these basics
            yield basics
            answer = finish_answer(basics, read.standalone, [], "recommender", [])
            answer.profile_facts, answer.route = read.facts or None, "basics"
            return answer
        focus = follow_up_topic(read.spelt) if turns else None
        request = EngineRequest(
            read.standalone, passages, read.vector, turns, read.profile, focus=focus
        )
        text, used = yield from self._suggest_or_generate(chosen, request, suggest, user)
        text = text.strip() or "The sources I have do not cover this question."
        answer = finish_answer(text, read.standalone, passages, used, request.notes)
        answer.profile_facts = read.facts or None
        answer.route = "suggestions" if suggest else "general"
        return answer

    def _worked(
        self, worked: Worked, read: Reading, chosen: Engine, turns: list[Turn]
    ) -> Generator[str, None, Answer]:
        """A worked answer: as computed, or phrased by an LLM engine that is given it as
        facts (its answer is checked to state every computed figure)."""
        request = EngineRequest(read.standalone, worked.passages, read.vector, turns, read.profile)
        text, engine, warnings = yield from phrasing.phrase(worked, chosen, request)
        answer = finish_answer(text, read.standalone, worked.passages, engine, warnings)
        answer.route, answer.figures = worked.route, worked.figures
        answer.comparison = worked.comparison
        answer.profile_facts = {**read.facts, **worked.facts} or None
        return answer

    def _read(
        self,
        question: str,
        turns: list[Turn],
        user: str | None,
        profile: dict[str, Any] | None,
        chosen: Engine,
    ) -> Reading:
        """Facts typed in the question join the profile for this answer; the question
        is spelt right against the library's words and read with the conversation."""
        if user and profile is None:
            saved = load_profile(self.settings, user)
            profile = None if saved.is_empty() else saved.model_dump(mode="json")
        known = profile
        facts = extract_facts(question)
        if facts:
            profile = {**(profile or {}), **facts}
        spelt = speller_for(self.store.manifest).correct(question)
        standalone = chosen.condense(spelt, turns) or condense(spelt, turns)
        vector = self.embedder.embed([standalone])[0]
        return Reading(spelt, standalone, vector, facts, profile, known)

    def _route(
        self, read: Reading, passages: list[Passage], turns: list[Turn]
    ) -> tuple[Verdict, bool]:
        """The guard's verdict, and whether the question asks which streams suit the
        person (or tells facts about them and asks what to do)."""
        top = max((p.score for p in passages), default=0.0)
        verdict = self.guard.check(read.spelt, read.vector, top)
        previous = last_user_question(turns)
        if verdict.reason == "off_topic" and previous:
            # "Give me an example of a good mix." is off topic alone, not after a question
            # on diversifying income: judge it with the conversation it belongs to
            joined = self.embedder.embed([f"{previous} {read.spelt}"])[0]
            verdict = self.guard.check(read.spelt, joined, top)
        log.debug("guard %s", verdict)
        suggest = wants_suggestions(read.spelt, read.vector, self.embedder) or bool(
            read.facts and (asks_what_to_do(read.spelt) or (not turns and asks_nothing(read.spelt)))
        )
        return verdict, suggest

    def _retrieve(
        self,
        standalone: str,
        vector: Any,
        spelt: str,
        turns: list[Turn],
        user: str | None,
        k: int | None,
    ) -> list[Passage]:
        """Search with the standalone question; for a follow-up the condenser could not
        rewrite, also with the follow-up read beside the previous question, and fuse the
        two rankings (rules alone miss most follow-ups; an explicit topic swap such as
        "what about ETFs?" is not fused, or the old topic would win)."""
        collections = self.collections(user)
        k = k or self.settings.k
        passages = list(
            self.retriever.search(standalone, collections=collections, k=k, vector=vector)
        )
        previous = last_user_question(turns)
        if not previous or standalone != spelt or not is_follow_up(spelt, standalone):
            return passages  # no conversation, or the condenser already resolved it
        from advisor.retrieval.hybrid import rrf

        joined = f"{previous} {spelt}"
        second = list(self.retriever.search(joined, collections=collections, k=k))
        fused = rrf([[p.id for p in passages], [p.id for p in second]])
        by_id = {p.id: p for p in second} | {p.id: p for p in passages}
        return [by_id[i] for i in sorted(fused, key=lambda i: -fused[i])][:k]

    def _suggest_or_generate(
        self, chosen: Engine, request: EngineRequest, suggest: bool, user: str | None
    ) -> Generator[str, None, tuple[str, str]]:
        """The engine's answer, then, for suggestions asked with no facts, which facts
        would help; those alone when the library does not cover the request."""
        from advisor.answering.coverage import covers

        if not suggest:
            return (yield from self._generate(chosen, request))
        hint = recommender.profile_hint(user)
        if not covers(request.question, request.passages, follow_up=bool(request.history)):
            yield hint
            return hint, "recommender"
        text, used = yield from self._generate(chosen, request)
        yield "\n\n" + hint
        return f"{text}\n\n{hint}", used

    def _generate(
        self, chosen: Engine, request: EngineRequest
    ) -> Generator[str, None, tuple[str, str]]:
        """Stream the engine's answer. Returns (text, the name of the engine that
        answered); a fallback's notice voids the text streamed before it."""
        pieces: list[str] = []
        for piece in chosen.stream(request):
            if isinstance(piece, Handover):
                pieces = []
            else:
                pieces.append(piece)
            yield piece
        return "".join(pieces), request.answered_by or chosen.name

    def _declined(
        self,
        standalone: str,
        vector: Any,
        passages: list[Passage],
        verdict: Verdict,
        turns: list[Turn],
    ) -> Generator[str, None, Answer]:
        """A decline. A specific pick gets the note and the principle chosen for what
        it names (diversification for one company, costs for a fund, the risk you can
        carry for a coin or a trade), quoted from the library where it states it."""
        if verdict.reason == "specific_pick":
            text, cited = principle_answer(verdict.pick, self._library_search)
            yield text
            answer = finish_answer(text, standalone, cited, "guard", [])
        else:
            by_reason = prompts.data("decline_reasons.yaml").get(verdict.reason or "")
            text = (by_reason[0] if by_reason else prompts.text("decline.txt")).strip()
            yield text
            answer = Answer(answer=text, declined=True, engine="guard", question=standalone)
        answer.declined = True
        answer.reason = verdict.reason
        return answer

    def _library_search(self, text: str) -> list[Passage]:
        return list(self.retriever.search(text, collections=[LIBRARY], k=3))
