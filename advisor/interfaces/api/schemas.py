"""The wire shapes of the OpenAI-compatible API, as OpenAI's clients send and read them
(documented in ``/openapi.json``)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor.core.answers import AnswerInfo, Citation
from advisor.core.reasons import Reason

MODEL_ID = "passive-income-advisor"


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


class URLCitation(BaseModel):
    """Where a cited passage can be read, and the ``[n]`` marker that cites it."""

    url: str = Field(description="GET it with the same key: /v1/sources/{id}")
    title: str
    start_index: int = Field(description="where the first [n] citing it starts in the text")
    end_index: int = Field(description="where that marker ends (exclusive)")


class Annotation(BaseModel):
    """OpenAI's ``url_citation`` annotation, one per cited passage in the order 1..n,
    so a client that numbers its sources in arrival order (Open WebUI) shows ``[n]``
    as the n-th source."""

    type: Literal["url_citation"] = "url_citation"
    url_citation: URLCitation


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    annotations: list[Annotation] = Field(default_factory=list)


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class AdvisorInfo(AnswerInfo):
    """How the advisor answered: which engine, whether it declined and why, any warnings
    (:class:`advisor.core.answers.AnswerInfo`, the same fields as every answer's)."""


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
    annotations: list[Annotation] | None = Field(
        default=None, description="on the last delta: the url_citation of each cited passage"
    )


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


SSE_EVENT = {  # one event of the stream (OpenAPI 3.1 reads an event-stream schema per event)
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {"type": "string", "description": "a ChatCompletionChunk as JSON, or [DONE]"},
        "event": {"type": "string"},
    },
}


class SourcePassage(BaseModel):
    """One stored passage, as ``GET /v1/sources/{id}`` serves it."""

    id: str
    object: Literal["source"] = "source"
    title: str
    source: str = Field(description="the document it comes from (a file name)")
    origin: str = Field(description="library, or user for the caller's own documents")
    text: str


class FeedbackCitationIn(BaseModel):
    """A passage the rated answer cited (the ``citations`` of the completion)."""

    model_config = ConfigDict(extra="ignore", strict=True)
    source: str = ""
    title: str = ""
    text: str = ""


class FeedbackRequest(BaseModel):
    """A thumbs up or down on one answer, stored for the caller's user; ``advisor eval
    import-feedback`` turns it into a dataset row to review."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "messages": [{"role": "user", "content": "What is passive income?"}],
                    "answer": "Passive income is money earned with little ongoing work [1].",
                    "rating": "down",
                    "comment": "it should mention taxes",
                }
            ]
        },
    )
    messages: list[ChatMessage] | None = Field(
        None, description="the conversation that was answered; the last user message is rated"
    )
    question: str | None = Field(None, description="the question, instead of messages")
    answer: str = Field(description="the answer being rated (its Sources block is dropped)")
    citations: list[FeedbackCitationIn] = Field(
        default_factory=list, description="the completion's citations, if the client kept them"
    )
    rating: str = Field(description="'up' or 'down'")
    comment: str | None = Field(None, description="optional, up to 2,000 characters")
    engine: str | None = Field(None, description="advisor.engine of the completion")
    reason: Reason | None = Field(None, description="advisor.reason of the completion")
    user: str | None = Field(
        None, description="advisor user id; used only with a front-end key (mapped to '*')"
    )


class FeedbackRecord(BaseModel):
    id: str
    object: Literal["feedback"] = "feedback"
    created: str
    user: str
    rating: Literal["up", "down"]
