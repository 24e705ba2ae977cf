"""The OpenAI-compatible API, so chat tools that speak OpenAI (Open WebUI, LibreChat,
Continue, the ``openai`` SDK) can use the advisor as a model.

``POST /v1/chat/completions`` takes the whole conversation: the last user message is
the question, earlier user and assistant turns are its history, and system messages
are ignored (they cannot change how the advisor behaves). Answers carry their sources
twice: as a short "Sources" list in the message text, for clients that only show
text, and as a ``citations`` field, for clients that want structure.

The app claims only ``/v1/...`` and ``/openapi.json``, so ``advisor serve`` can mount
the Gradio UI at ``/`` on the same app. There is no ``/docs`` page: FastAPI's loads its
scripts from a CDN, and nothing here reaches the internet.
"""

import json
import logging
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from advisor.answers import Answer, Citation, Turn
from advisor.api.security import Caller, KeyRing
from advisor.api.sources import cited, sources_block, strip_sources, with_sources
from advisor.errors import (
    AdvisorError,
    EngineError,
    InputError,
    MissingExtraError,
    NotFoundError,
    StoreError,
)
from advisor.service import Advisor

log = logging.getLogger(__name__)

MODEL_ID = "passive-income-advisor"
MAX_BODY_BYTES = 1_000_000
_CREATED = int(time.time())


# ---- request and response shapes (documented in /openapi.json) ----------------------


class ContentPart(BaseModel):
    """One part of a multi-part message; only text parts are read."""

    model_config = ConfigDict(extra="allow", strict=True)
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None
    name: str | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    include_usage: bool | None = None


class ChatCompletionRequest(BaseModel):
    """The usual OpenAI request. Sampling options (temperature, top_p, max_tokens, ...)
    are accepted and ignored: the default engine is deterministic."""

    model_config = ConfigDict(
        extra="allow",
        strict=True,  # false is not a temperature, 1 is not a stream flag
        json_schema_extra={
            "examples": [
                {
                    "model": MODEL_ID,
                    "messages": [{"role": "user", "content": "What is passive income?"}],
                }
            ]
        },
    )
    model: str = Field(
        MODEL_ID,
        description=f"{MODEL_ID!r}, the one model GET /v1/models lists; "
        "any other name is a 404 with code model_not_found",
    )
    messages: list[ChatMessage] = Field(description="the conversation; the last one is the user's")
    stream: bool | None = Field(False, description="send chat.completion.chunk server-sent events")
    stream_options: StreamOptions | None = Field(
        None, description="with stream: include_usage adds a last chunk with the usage"
    )
    user: str | None = Field(
        None,
        description="advisor user id; used only with a front-end key (mapped to '*'), "
        "otherwise the API key decides the user",
    )
    temperature: float | None = Field(None, description="accepted and ignored")
    save_profile_facts: bool | None = Field(
        False,
        description="save the facts the last message states (advisor.profile_facts) to the "
        "user's profile; they are never saved unless a client asks",
    )


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class AdvisorInfo(BaseModel):
    """How the advisor answered: which engine, whether it declined and why, any warnings."""

    engine: str
    declined: bool
    reason: str | None = Field(
        None,
        description="off_topic, code, injection or specific_pick for a decline, small_talk "
        "for a greeting or thanks, null for an ordinary answer",
    )
    question: str = Field("", description="the standalone question actually answered")
    warnings: list[str] = Field(default_factory=list)
    profile_facts: dict[str, Any] | None = Field(
        None,
        description="facts read from the question (capital, hours a week, ...), offered to "
        "be saved to the profile; saved only when the request sets save_profile_facts",
    )
    profile_saved: bool = Field(False, description="the facts were saved, as requested")


class Usage(BaseModel):
    """Token counts with the tokenizer of the advisor's embedding model (MiniLM's
    WordPiece): the advisor's engine is not a chat model with a tokenizer of its own."""

    prompt_tokens: int = Field(description="tokens of the text of every message sent")
    completion_tokens: int = Field(description="tokens of the reply text, Sources included")
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL_ID
    choices: list[Choice]
    usage: Usage
    citations: list[Citation] = Field(description="the passages the answer cites")
    advisor: AdvisorInfo


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop"] | None = None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    """One server-sent event; the one with ``finish_reason`` carries ``citations`` and
    ``advisor``; with ``stream_options.include_usage`` one more, with no choices, carries
    ``usage``."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str = MODEL_ID
    choices: list[ChunkChoice]
    citations: list[Citation] | None = None
    advisor: AdvisorInfo | None = None
    usage: Usage | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


# ---- errors in the OpenAI shape ------------------------------------------------------


class APIError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        type: str = "invalid_request_error",
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.detail = ErrorDetail(message=message, type=type, param=param, code=code)
        self.headers = headers

    def response(self) -> JSONResponse:
        body = ErrorResponse(error=self.detail).model_dump(mode="json")
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def from_advisor_error(exc: AdvisorError) -> APIError:
    """An advisor error as the HTTP error a client can act on."""
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, InputError):
        return APIError(400, message, code="invalid_input")
    if isinstance(exc, NotFoundError):
        return APIError(404, message, "not_found_error", "not_found")
    if isinstance(exc, StoreError):
        return APIError(503, message, "server_error", "store_unavailable")
    if isinstance(exc, EngineError):
        return APIError(502, message, "server_error", "engine_error")
    if isinstance(exc, MissingExtraError):
        return APIError(500, message, "server_error", "missing_extra")
    return APIError(400, message)


def internal_error() -> APIError:
    return APIError(500, "the advisor failed unexpectedly; try again", "server_error", "internal")


def unknown_model(model: str) -> APIError:
    """OpenAI's answer to a model it does not serve."""
    return APIError(
        404,
        f"the model {model!r} does not exist here: use {MODEL_ID!r} (see GET /v1/models)",
        code="model_not_found",
        param="model",
    )


def unreadable_body(cause: BaseException | None) -> APIError:
    """Why FastAPI could not parse a JSON body, in one line: Python's json module gives
    up on deep nesting (RecursionError) and on integers over its digit limit
    (ValueError), and the body must be UTF-8."""
    if isinstance(cause, UnicodeDecodeError):
        message = "the request body is not valid JSON: send UTF-8 encoded JSON"
        code = "invalid_utf8"
    elif isinstance(cause, RecursionError):
        message = "the request body is nested too deeply to read: send a flat JSON object"
        code = "json_too_deep"
    elif isinstance(cause, ValueError) and "integer string conversion" in str(cause):
        limit = sys.get_int_max_str_digits()
        message = f"the request body holds a number over {limit:,} digits long: send a shorter one"
        code = "json_number_too_long"
    else:
        message, code = "the request body is not valid JSON", "invalid_json"
    return APIError(400, message, code=code)


SSE_EVENT = {  # one event of the stream (OpenAPI 3.1 reads an event-stream schema per event)
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {"type": "string", "description": "a ChatCompletionChunk as JSON, or [DONE]"},
        "event": {"type": "string"},
    },
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in {
        400: "bad request: no messages, empty or oversized question, invalid field",
        401: "missing or wrong API key (when ADVISOR_API_KEYS is set)",
        404: "the library is empty or the model is unknown",
        413: f"request body over {MAX_BODY_BYTES:,} bytes",
        503: "the document store cannot be used",
    }.items()
}


class V1Guard:
    """For ``/v1`` only: cap the request body and turn any crash into a one-line 500 in
    the OpenAI shape (the traceback goes to the debug log, never to the client)."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1"):
            await self.app(scope, receive, send)
            return
        too_large = APIError(
            413,
            f"the request body is over {self.max_body:,} bytes; send a shorter conversation",
            code="request_too_large",
        )
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await too_large.response()(scope, receive, send)
            return
        if length is None:  # a chunked body: read it here, up to the cap, then replay it
            body = await _read_body(receive, self.max_body)
            if body is None:
                await too_large.response()(scope, receive, send)
                return
            receive = _replay(body, receive)
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        except Exception:
            log.debug("unexpected error in %s", scope["path"], exc_info=True)
            if not started:
                await internal_error().response()(scope, receive, send)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None when it grows past ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


# ---- the conversation ----------------------------------------------------------------


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


def _saving_facts(
    events: Iterator[str | Answer], advisor: Advisor, user: str | None
) -> Iterator[str | Answer]:
    """Pass the answer through, saving the facts it found to the user's profile."""
    from advisor.profile import save_facts

    for event in events:
        if isinstance(event, Answer) and event.profile_facts:
            if user is None:
                event.warnings.append("profile facts not saved: this request has no user")
            else:
                save_facts(advisor.settings, user, event.profile_facts)
                event.profile_saved = True
        yield event


def _info(answer: Answer) -> AdvisorInfo:
    return AdvisorInfo(
        engine=answer.engine,
        declined=answer.declined,
        reason=answer.reason,
        question=answer.question,
        warnings=answer.warnings,
        profile_facts=answer.profile_facts,
        profile_saved=answer.profile_saved,
    )


def usage_tokens(text: str) -> int:
    """Tokens of ``text`` for ``usage``: the packaged MiniLM WordPiece tokenizer the
    embedding model uses (offline, loaded once); characters / 4 if it cannot load."""
    if not text:
        return 0
    try:
        from advisor.engines.llm import _tokenizer

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


def _next(events: Iterator[str | Answer]) -> object:
    return next(events, _END)


# ---- the app ---------------------------------------------------------------------------


def create_api(
    advisor: Advisor | None = None, *, api_keys: dict[str, str] | None = None
) -> FastAPI:
    """The API over ``advisor``; keys default to ``advisor.settings.api_keys``."""
    if advisor is None:
        advisor = Advisor()
    keys = KeyRing(advisor.settings.api_keys if api_keys is None else api_keys)
    the_advisor = advisor

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            await run_in_threadpool(the_advisor.warm)
        except AdvisorError as exc:  # requests will report it; the server still starts
            log.warning("advisor not ready: %s", exc)
        yield

    app = FastAPI(
        title="Passive-income advisor API",
        version="1",
        description=(
            "OpenAI-compatible chat completions answered from cited sources. "
            "Citations are in the message text and in the `citations` field."
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(V1Guard)

    @app.exception_handler(APIError)
    async def _api_error(_: Request, exc: APIError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(AdvisorError)
    async def _advisor_error(_: Request, exc: AdvisorError) -> JSONResponse:
        return from_advisor_error(exc).response()

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"{where}: {first.get('msg', 'invalid request')}" if where else "invalid request"
        if not where:  # empty, or JSON that is not an object (a list, null, a string)
            message = 'the request body must be a JSON object such as {"messages": [...]}'
        if first.get("type") == "json_invalid":
            return unreadable_body(None).response()
        return APIError(400, message, code="invalid_request").response()

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = "not_found_error" if exc.status_code == 404 else "invalid_request_error"
        message = str(exc.detail)
        if exc.status_code == 404:
            message = f"no route {request.url.path}: the API is under /v1"
        elif exc.status_code == 400 and message == "There was an error parsing the body":
            # FastAPI's words for any body json.loads raises on other than a syntax
            # error; what it raised is the cause
            return unreadable_body(exc.__cause__).response()
        return APIError(exc.status_code, message, kind, headers=exc.headers).response()

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
        """Without keys the server is loopback-only and answers from the library."""
        return Caller()

    # The schema declares bearer auth (and its 401) only when keys are configured.
    authenticate = check_key if keys.enabled else local_caller
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
        body: ChatCompletionRequest, caller: Annotated[Caller, Depends(authenticate)]
    ) -> Any:
        """Answer the last user message, using earlier turns as context."""
        if body.model != MODEL_ID:
            raise unknown_model(body.model)
        question, history = conversation(body.messages)
        user = caller.resolve(body.user)
        events = the_advisor.stream(question, history=history, user=user)  # loads their profile
        if body.save_profile_facts:
            events = _saving_facts(events, the_advisor, user)
        first = await run_in_threadpool(_next, events)  # input and store errors surface here
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        if body.stream:
            options = body.stream_options
            sent = body.messages if options and options.include_usage else None
            sse = _events(completion_id, created, first, events, sent)
            return EventSourceResponse(sse, headers={"Cache-Control": "no-cache"})
        answer = first
        while not isinstance(answer, Answer) and answer is not _END:
            answer = await run_in_threadpool(_next, events)
        if not isinstance(answer, Answer):
            raise internal_error()
        reply = with_sources(answer)
        counted = await run_in_threadpool(usage, body.messages, reply)
        return ChatCompletion(
            id=completion_id,
            created=created,
            choices=[Choice(message=AssistantMessage(content=reply))],
            usage=counted,
            citations=cited(answer),
            advisor=_info(answer),
        )

    app.include_router(v1)
    app.state.advisor = advisor
    return app


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
    events: Iterator[str | Answer],
    sent: list[ChatMessage] | None = None,
) -> AsyncIterator[str]:
    """The answer as chat.completion.chunk events, then its sources, then (when ``sent``
    is given, for ``stream_options.include_usage``) the usage, then [DONE]."""
    yield _chunk(completion_id, created, Delta(role="assistant", content=""))
    event = first
    answer: Answer | None = None
    text: list[str] = []
    try:
        while event is not _END:
            if isinstance(event, Answer):
                answer = event
                break
            text.append(str(event))
            yield _chunk(completion_id, created, Delta(content=text[-1]))
            event = await run_in_threadpool(_next, events)
    except AdvisorError as exc:
        yield json.dumps(ErrorResponse(error=from_advisor_error(exc).detail).model_dump())
        return
    except Exception:
        log.debug("stream failed", exc_info=True)
        yield json.dumps(ErrorResponse(error=internal_error().detail).model_dump())
        return
    if answer is not None:
        block = sources_block(answer)
        if block:
            text.append(block)
            yield _chunk(completion_id, created, Delta(content=block))
    yield _chunk(completion_id, created, Delta(), "stop", answer)
    if sent is not None:
        counted = await run_in_threadpool(usage, sent, "".join(text))
        yield _usage_chunk(completion_id, created, counted)
    yield "[DONE]"
