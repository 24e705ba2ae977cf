"""The ``/v1`` routes: the model list and chat completions, plain and streamed."""

import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from advisor.answering.answer_text import cited, sources_block, strip_sources, with_sources
from advisor.answering.service import Advisor
from advisor.core.answers import Answer, AnswerStream, Turn
from advisor.core.errors import AdvisorError, InputError
from advisor.interfaces.api.body_limit import MAX_BODY_BYTES
from advisor.interfaces.api.errors import (
    APIError,
    from_advisor_error,
    internal_error,
    unknown_model,
)
from advisor.interfaces.api.schemas import (
    MODEL_ID,
    SSE_EVENT,
    AdvisorInfo,
    AssistantMessage,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    ChatMessage,
    Choice,
    ChunkChoice,
    Delta,
    ErrorResponse,
    FeedbackRecord,
    FeedbackRequest,
    ModelCard,
    ModelList,
    Usage,
)
from advisor.interfaces.api.security import Caller, KeyRing, write_guard
from advisor.interfaces.api.sources import add_source_route, annotations
from advisor.interfaces.api.statements import add_statement_routes

log = logging.getLogger(__name__)

_CREATED = int(time.time())

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in {
        400: "bad request: no messages, empty or oversized question, invalid field "
        "(for feedback: a rating other than up or down, an oversized comment)",
        401: "missing or wrong API key (when ADVISOR_API_KEYS is set)",
        404: "the library is empty or the model is unknown",
        413: f"request body over {MAX_BODY_BYTES:,} bytes",
        503: "the document store cannot be used",
    }.items()
}


def conversation(messages: list[ChatMessage]) -> tuple[str, list[Turn]]:
    """The question (last user message) and the turns before it."""
    if not messages:
        raise InputError("messages is empty: send at least one message with role 'user'")
    turns = [
        Turn(role=m.role, content=strip_sources(m.text()).strip())
        for m in messages
        if m.role in ("user", "assistant")
    ]
    if not turns or turns[-1].role != "user":
        raise InputError("the last message must have role 'user' and hold the question")
    question = turns[-1].content
    if not question:
        raise InputError("the last user message is empty: ask something about passive income")
    return question, [t for t in turns[:-1] if t.content]


def _save_facts(answer: Answer, advisor: Advisor, user: str | None) -> None:
    """Save the facts the answer found to the user's profile (the client asked to)."""
    from advisor.users.profile_store import save_facts

    if not answer.profile_facts:
        return
    if user is None:
        answer.warnings.append("profile facts not saved: this request has no user")
    else:
        save_facts(advisor.settings, user, answer.profile_facts)
        answer.profile_saved = True


def _info(answer: Answer) -> AdvisorInfo:
    return AdvisorInfo.of(answer)


def usage_tokens(text: str) -> int:
    """Tokens of ``text`` for ``usage``: the packaged MiniLM WordPiece tokenizer the
    embedding model uses (offline, loaded once); characters / 4 if it cannot load."""
    if not text:
        return 0
    try:
        from advisor.answering.engines.llm import _tokenizer

        return len(_tokenizer().encode(text, add_special_tokens=False).ids)
    except Exception:  # the tokenizer is an optional convenience here, never a failure
        log.debug("tokenizer unavailable; estimating tokens", exc_info=True)
        return -(-len(text) // 4)


def usage(messages: list[ChatMessage], reply: str) -> Usage:
    prompt = sum(usage_tokens(m.text()) for m in messages)
    completion = usage_tokens(reply)
    return Usage(
        prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
    )


_END = object()


def _next(events: AnswerStream) -> object:
    return next(events, _END)


def authenticator(keys: KeyRing) -> Callable[..., Awaitable[Caller]]:
    """The dependency that names the caller: bearer auth when ``keys`` has keys;
    without keys the server is loopback-only and answers from the library."""
    bearer = HTTPBearer(auto_error=False, description="a key from ADVISOR_API_KEYS")

    async def check_key(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Caller:
        caller = keys.caller(credentials.credentials if credentials else None)
        if caller is None:
            raise APIError(
                401,
                "missing or wrong API key: send `Authorization: Bearer KEY` with a key "
                "from ADVISOR_API_KEYS",
                code="invalid_api_key",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return caller

    async def local_caller() -> Caller:
        return Caller()

    return check_key if keys.enabled else local_caller


def v1_router(the_advisor: Advisor, keys: KeyRing, *, anonymous_writes: bool = True) -> APIRouter:
    """The ``/v1`` routes over ``the_advisor``, behind bearer auth when ``keys`` has keys."""
    # The schema declares bearer auth (and its 401) only when keys are configured.
    authenticate = authenticator(keys)
    responses = {k: v for k, v in ERROR_RESPONSES.items() if keys.enabled or k != 401}
    v1 = APIRouter(prefix="/v1", dependencies=[Depends(authenticate)], responses=responses)
    card = ModelCard(id=MODEL_ID, created=_CREATED, owned_by="passive-income-advisor")

    @v1.get("/models", response_model=ModelList)
    async def list_models() -> ModelList:
        """The one model this server offers."""
        return ModelList(data=[card])

    @v1.get("/models/{model}", response_model=ModelCard)
    async def get_model(model: str) -> ModelCard:
        if model != MODEL_ID:
            raise unknown_model(model)
        return card

    @v1.post(
        "/chat/completions",
        response_model=ChatCompletion,
        responses={
            200: {
                "description": "a completion, or with `stream: true` server-sent events of "
                "`ChatCompletionChunk` ending with `data: [DONE]`",
                "content": {"text/event-stream": {"schema": SSE_EVENT}},
            }
        },
    )
    async def chat_completions(
        body: ChatCompletionRequest,
        caller: Annotated[Caller, Depends(authenticate)],
        request: Request,
    ) -> Any:
        """Answer the last user message, using earlier turns as context."""
        if body.model != MODEL_ID:
            raise unknown_model(body.model)
        task = _front_end_task(body.messages)
        if task is not None:
            return await _task_response(body, task)
        question, history = conversation(body.messages)
        user = caller.resolve(body.user)
        events = the_advisor.stream(question, history=history, user=user)  # loads their profile
        if body.save_profile_facts:
            events.then(lambda answer: _save_facts(answer, the_advisor, user))
        first = await run_in_threadpool(_next, events)  # input and store errors surface here
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        if body.stream:
            options = body.stream_options
            sent = body.messages if options and options.include_usage else None
            base = str(request.base_url)
            sse = _events(completion_id, created, first, events, sent, base)
            return EventSourceResponse(sse, headers={"Cache-Control": "no-cache"})
        answer = await run_in_threadpool(events.answer)  # the text not read yet, then the answer
        return await _completion(answer, body, completion_id, created, str(request.base_url))

    @v1.post("/feedback", response_model=FeedbackRecord, **write_guard(anonymous_writes, keys))
    async def feedback(
        body: FeedbackRequest, caller: Annotated[Caller, Depends(authenticate)]
    ) -> FeedbackRecord:
        """Rate an answer (thumbs ``up`` or ``down``, an optional comment); stored for the
        caller's user with the question, the answer and its citations."""
        record = await run_in_threadpool(_record_feedback, the_advisor, body, caller)
        return FeedbackRecord(
            id=record.id, created=record.created, user=record.user, rating=record.rating
        )

    add_source_route(v1, the_advisor, authenticate)
    add_statement_routes(v1, the_advisor, authenticate)
    return v1


async def _completion(
    answer: Answer, body: ChatCompletionRequest, completion_id: str, created: int, base: str
) -> ChatCompletion:
    """The whole (not streamed) completion of ``answer``."""
    reply = with_sources(answer)
    counted = await run_in_threadpool(usage, body.messages, reply)
    notes = annotations(reply, cited(answer), base)
    return ChatCompletion(
        id=completion_id,
        created=created,
        choices=[Choice(message=AssistantMessage(content=reply, annotations=notes))],
        usage=counted,
        citations=cited(answer),
        advisor=_info(answer),
    )


def _front_end_task(messages: list[ChatMessage]) -> str | None:
    """The reply to a chat front end's background task (title, tags, follow-ups,
    queries), or None for a question."""
    from advisor.interfaces.api.tasks import task_reply

    if not messages:
        return None
    earlier = [m.text() for m in messages[:-1] if m.role == "user"]
    return task_reply(messages[-1].text(), earlier)


async def _task_response(body: ChatCompletionRequest, reply: str) -> Any:
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    info = AdvisorInfo(engine="task", reason="front_end_task", route="task")
    counted = await run_in_threadpool(usage, body.messages, reply)
    if not body.stream:
        return ChatCompletion(
            id=completion_id,
            created=created,
            choices=[Choice(message=AssistantMessage(content=reply))],
            usage=counted,
            citations=[],
            advisor=info,
        )

    async def events() -> AsyncIterator[str]:
        yield _chunk(completion_id, created, Delta(role="assistant", content=""))
        yield _chunk(completion_id, created, Delta(content=reply))
        last = json.loads(_chunk(completion_id, created, Delta(), "stop"))
        last |= {"citations": [], "advisor": info.model_dump(mode="json")}
        yield json.dumps(last, ensure_ascii=False)
        if body.stream_options and body.stream_options.include_usage:
            yield _usage_chunk(completion_id, created, counted)
        yield "[DONE]"

    return EventSourceResponse(events(), headers={"Cache-Control": "no-cache"})


def _record_feedback(the_advisor: Advisor, body: FeedbackRequest, caller: Caller) -> Any:
    """Store the rating for the caller's user (``local`` on a server without keys, as
    the UI without a login)."""
    from advisor.interfaces.ui.auth import LOCAL_USER
    from advisor.users.feedback import record_feedback

    if body.messages is not None:
        question, history = conversation(body.messages)
    elif body.question is not None and body.question.strip():
        question, history = body.question.strip(), []
    else:
        raise InputError("send the rated conversation as messages, or its question")
    user = caller.resolve(body.user) or LOCAL_USER
    return record_feedback(
        the_advisor.settings,
        user,
        question=question,
        answer=strip_sources(body.answer),
        rating=body.rating,
        comment=body.comment,
        history=[t.model_dump() for t in history],
        citations=[c.model_dump() for c in body.citations],
        engine=body.engine,
        reason=body.reason,
    )


def _chunk(
    completion_id: str,
    created: int,
    delta: Delta,
    finish: Literal["stop"] | None = None,
    answer: Answer | None = None,
) -> str:
    chunk = ChatCompletionChunk(
        id=completion_id,
        created=created,
        choices=[ChunkChoice(delta=delta, finish_reason=finish)],
    )
    data = chunk.model_dump(mode="json", exclude_none=True)
    data["choices"][0]["finish_reason"] = finish
    if answer is not None:  # every field, null ones too, as in the plain response
        data["citations"] = [c.model_dump(mode="json") for c in cited(answer)]
        data["advisor"] = _info(answer).model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False)


def _usage_chunk(completion_id: str, created: int, counted: Usage) -> str:
    chunk = ChatCompletionChunk(id=completion_id, created=created, choices=[], usage=counted)
    return json.dumps(chunk.model_dump(mode="json", exclude_none=True), ensure_ascii=False)


async def _events(
    completion_id: str,
    created: int,
    first: object,
    events: AnswerStream,
    sent: list[ChatMessage] | None = None,
    base_url: str = "",
) -> AsyncIterator[str]:
    """The answer as chat.completion.chunk events, then its sources, then (when ``sent``
    is given, for ``stream_options.include_usage``) the usage, then [DONE]."""
    yield _chunk(completion_id, created, Delta(role="assistant", content=""))
    event = first
    text: list[str] = []
    try:
        while event is not _END:
            text.append(str(event))
            yield _chunk(completion_id, created, Delta(content=text[-1]))
            event = await run_in_threadpool(_next, events)
        answer = events.answer()  # the text is all read: this only hands the answer over
    except AdvisorError as exc:
        yield json.dumps(ErrorResponse(error=from_advisor_error(exc).detail).model_dump())
        return
    except Exception:
        log.debug("stream failed", exc_info=True)
        yield json.dumps(ErrorResponse(error=internal_error().detail).model_dump())
        return
    block = sources_block(answer)
    if block:
        text.append(block)
        yield _chunk(completion_id, created, Delta(content=block))
    notes = annotations("".join(text), cited(answer), base_url) or None
    yield _chunk(completion_id, created, Delta(annotations=notes), "stop", answer)
    if sent is not None:
        counted = await run_in_threadpool(usage, sent, "".join(text))
        yield _usage_chunk(completion_id, created, counted)
    yield "[DONE]"
