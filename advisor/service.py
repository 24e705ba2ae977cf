"""The one path every interface shares: condense → retrieve → guard → answer →
verify citations. CLI, UI, API, MCP and the LangChain runnable all call this."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any

from advisor import prompts, recommender
from advisor.citations import instructions, verify
from advisor.condense import condense
from advisor.embeddings import Embedder, get_embedder
from advisor.engines import Engine, EngineRequest, get_engine
from advisor.errors import EngineError, InputError, NotFoundError
from advisor.guard import Guard, Verdict
from advisor.models import Answer, Citation, Passage, Turn
from advisor.profile import load_profile
from advisor.settings import Settings, get_settings
from advisor.store import LIBRARY, Store
from advisor.users import user_collection

log = logging.getLogger(__name__)


def _clean_question(question: object, limit: int) -> str:
    if not isinstance(question, str):
        raise InputError("the question must be text")
    text = question.replace("\x00", "").strip()
    try:  # bytes that were not UTF-8 (a terminal's argv, a JSON "\udcff") reach us as
        text.encode("utf-8")  # lone surrogates, which the tokenizer cannot take
    except UnicodeEncodeError as exc:
        raise InputError(
            f"the question is not valid UTF-8 text (character {exc.start + 1}): "
            "type it again or save it as UTF-8"
        ) from None
    if not text:
        raise InputError("the question is empty: ask something about passive or active income")
    if len(text) > limit:
        raise InputError(
            f"the question is {len(text):,} characters; the limit is {limit:,} "
            "(ADVISOR_MAX_QUESTION_CHARS)"
        )
    return text


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
        from advisor.retrieval import Retriever

        return Retriever(self.store, self.embedder)

    @cached_property
    def guard(self) -> Guard:
        return Guard(self.embedder, self.settings.home / "cache")

    def engine(self, spec: str | None = None) -> Engine:
        if spec is None and self._engine is not None:
            return self._engine
        spec = spec or self.settings.engine
        if spec not in self._engines:
            self._engines[spec] = get_engine(spec, self.settings, self.embedder)
        return self._engines[spec]

    def warm(self) -> None:
        """Load the model, store, guard and engine now, so a server's first request is
        not the slow one (servers call this at start-up, in a worker thread)."""
        _ = self.embedder, self.store, self.retriever, self.guard
        self.engine()

    def collections(self, user: str | None) -> list[str]:
        # "" is an invalid id, not "no user": it must not silently drop the user's data.
        return [LIBRARY] + ([user_collection(user)] if user is not None else [])

    def search(self, query: str, *, user: str | None = None, k: int | None = None) -> list[Passage]:
        query = _clean_question(query, self.settings.max_question_chars)
        return list(
            self.retriever.search(query, collections=self.collections(user), k=k or self.settings.k)
        )

    def ask(self, question: str, **kwargs: Any) -> Answer:
        answer = None
        for event in self.stream(question, **kwargs):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def stream(
        self,
        question: str,
        *,
        history: Iterable[Turn | dict[str, str]] = (),
        user: str | None = None,
        k: int | None = None,
        engine: str | None = None,
        profile: dict[str, Any] | None = None,
    ) -> Iterator[str | Answer]:
        """Yield answer text as it is produced, then the final :class:`Answer`."""
        question = _clean_question(question, self.settings.max_question_chars)
        turns = [
            # earlier turns are context: replace undecodable bytes rather than fail on them
            Turn(role=t.role, content=t.content.encode("utf-8", "replace").decode("utf-8"))
            for t in (t if isinstance(t, Turn) else Turn.model_validate(t) for t in history)
        ]
        collections = self.collections(user)
        if user and profile is None:
            saved = load_profile(self.settings, user)
            profile = None if saved.is_empty() else saved.model_dump(mode="json")
        chosen = self.engine(engine)
        standalone = chosen.condense(question, turns) or condense(question, turns)
        vector = self.embedder.embed([standalone])[0]
        if self.store.index.count(LIBRARY) == 0:
            raise NotFoundError("the library is empty: run `advisor ingest` first")
        passages: list[Passage] = list(
            self.retriever.search(
                standalone, collections=collections, k=k or self.settings.k, vector=vector
            )
        )
        top = max((p.score for p in passages), default=0.0)
        verdict = self.guard.check(question, vector, top)
        log.debug("guard %s", verdict)
        if not verdict.in_scope:
            yield from self._declined(standalone, vector, passages, verdict, turns)
            return
        wants_suggestions = recommender.wants_suggestions(question, vector, self.embedder)
        if wants_suggestions and recommender.has_facts(profile):
            text, cited = recommender.answer_for(profile, user=user, index=self.store.index)
            yield text
            yield self._finish(text, standalone, cited, "recommender", [])
            return
        request = EngineRequest(standalone, passages, vector, turns, profile)
        warnings: list[str] = []
        pieces: list[str] = []
        try:
            for piece in chosen.stream(request):
                pieces.append(piece)
                yield piece
        except EngineError as exc:
            if chosen.name == "grounded":
                raise
            notice = f"{exc} — answered by the grounded engine instead."
            warnings.append(notice)
            yield ("\n\n" if pieces else "") + notice + "\n\n"
            pieces = []
            grounded = self.engine("grounded")
            for piece in grounded.stream(request):
                pieces.append(piece)
                yield piece
            chosen = grounded
        if wants_suggestions:  # no profile yet: answer, then say which facts to set
            hint = "\n\n" + recommender.profile_hint(user)
            pieces.append(hint)
            yield hint
        warnings.extend(request.notes)
        text = "".join(pieces).strip()
        if not text:
            text = "The sources I have do not cover this question."
        yield self._finish(text, standalone, passages, chosen.name, warnings)

    def _declined(
        self,
        standalone: str,
        vector: Any,
        passages: list[Passage],
        verdict: Verdict,
        turns: list[Turn],
    ) -> Iterator[str | Answer]:
        if verdict.reason == "specific_pick" and passages:
            note = prompts.text("specific_pick.txt").strip()
            grounded = self.engine("grounded")
            body = "".join(grounded.stream(EngineRequest(standalone, passages, vector, turns)))
            text = f"{note}\n\n{body}".strip()
            yield text
            answer = self._finish(text, standalone, passages, "grounded", [])
        else:
            text = prompts.text("decline.txt").strip()
            yield text
            answer = Answer(answer=text, declined=True, engine="guard", question=standalone)
        answer.declined = True
        answer.reason = verdict.reason
        yield answer

    def _finish(
        self, text: str, standalone: str, passages: list[Passage], engine: str, warnings: list[str]
    ) -> Answer:
        numbered = {n: p.text for n, p in enumerate(passages, start=1)}
        checked = verify(text, numbered)
        unsupported = checked.unsupported()
        citations = [
            Citation(
                n=n,
                source=p.source,
                title=p.title,
                text=p.text,
                score=p.score,
                origin=p.origin,
                doc_id=p.doc_id,
                cited=n in checked.cited,
                supported=(n not in unsupported) if n in checked.cited else None,
                suspicious=bool(instructions(p.text)),
            )
            for n, p in enumerate(passages, start=1)
        ]
        return Answer(
            answer=checked.text,
            engine=engine,
            citations=citations,
            warnings=warnings + checked.warnings,
            question=standalone,
        )
