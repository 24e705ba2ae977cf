"""What an eval run asks: this advisor in process (:class:`AdvisorTarget`, the path
``advisor ask`` takes) or any OpenAI-compatible chat endpoint (:class:`ChatTarget`).

Both turn one reference row into a :class:`Reply`. A reply says what the target could
tell: an endpoint that returns no ``citations`` field leaves ``passages`` as ``None``
(retrieval and citation metrics are then *not measured*, never zero), and one that
returns no ``advisor`` field leaves ``declined`` as ``None`` (the guard rates are not
measured either). This advisor's ``/v1`` returns both.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ValidationError

from advisor.answering.answer_text import strip_label, strip_sources
from advisor.core.answers import AnswerInfo
from advisor.core.errors import (
    AdvisorError,
    EngineError,
    InputError,
    MissingExtraError,
    NotFoundError,
)

if TYPE_CHECKING:
    from advisor.answering.service import Advisor
    from advisor.eval.dataset import Row


class Reply(BaseModel):
    response: str
    # the passages the target showed, by their [n]; None: the target returns none
    passages: dict[int, str] | None = None
    declined: bool | None = None  # None: the target does not say
    engine: str = ""
    # how the target says it answered (this advisor's AnswerInfo, in process or the /v1
    # ``advisor`` field); None: it does not say
    info: AnswerInfo | None = None

    @property
    def reason(self) -> str | None:
        return self.info.reason if self.info else None

    @property
    def question(self) -> str:
        return self.info.question if self.info else ""

    @property
    def route(self) -> str | None:
        """How the advisor's router answered, when the target says."""
        return self.info.route if self.info else None

    @property
    def facts(self) -> dict[str, Any] | None:
        """Profile facts the target read from the question."""
        return self.info.profile_facts if self.info else None

    @property
    def retrieved(self) -> list[str]:
        """The passages in the order the target gave them."""
        return list(self.passages.values()) if self.passages else []


class Target(Protocol):
    @property
    def name(self) -> str:
        """What the summary calls this target."""

    def warm_up(self, row: Row) -> None:
        """Load what is lazy before the timed rows; raise only when no row can work."""

    def answer(self, row: Row) -> Reply: ...

    def nothing(self) -> Reply:
        """The reply a row that failed or timed out is scored as: empty, with passages
        and a decline flag only where this target gives them."""


class AdvisorTarget:
    """This advisor, in process."""

    def __init__(self, advisor: Advisor, engine: str | None = None, k: int | None = None):
        self.advisor, self.engine, self.k = advisor, engine, k

    @property
    def name(self) -> str:
        return self.advisor.engine(self.engine).name

    def nothing(self) -> Reply:
        return Reply(response="", passages={}, declined=False)

    def warm_up(self, row: Row) -> None:
        try:
            self.advisor.ask(row.user_input, k=self.k, engine=self.engine)
        except NotFoundError:
            raise
        except AdvisorError:
            pass  # the row itself will record the error

    def answer(self, row: Row) -> Reply:
        answer = self.advisor.ask(
            row.user_input, history=row.history_dicts(), k=self.k, engine=self.engine
        )
        return Reply(
            response=strip_label(answer.answer),  # the label is not answer text
            # by the number the answer cites, in retrieval order (hit@k and MRR rank that)
            passages={c.n: c.text for c in sorted(answer.citations, key=lambda c: c.rank)},
            declined=answer.declined,
            engine=answer.engine,
            info=AnswerInfo.of(answer),
        )


class ChatTarget:
    """Any OpenAI-compatible ``/chat/completions`` endpoint, through the ``openai`` SDK.

    Each row goes as its ``history`` turns followed by the question, one request, no
    system prompt (the endpoint answers as it would answer anyone)."""

    def __init__(
        self, url: str, model: str | None, key_env: str | None, timeout: float | None = None
    ) -> None:
        try:
            import openai
        except ImportError as exc:
            raise MissingExtraError("openai", "llm") from exc
        key = "not-needed"
        if key_env:
            key = os.environ.get(key_env, "")
            if not key:
                raise InputError(f"--target-key-env {key_env}: that environment variable is unset")
        self.url = url.rstrip("/")
        self._openai = openai
        # past the row timeout, so the run's own timeout decides, and a late reply ends
        # the abandoned call soon after
        self.client = openai.OpenAI(
            base_url=self.url, api_key=key, max_retries=0, timeout=(timeout or 115.0) + 5.0
        )
        self.model = model or self._first_model()
        self.name = f"{self.model} @ {self.url}"
        self._shows: Reply | None = None  # the shape of the last reply: what it gives

    def nothing(self) -> Reply:
        seen = self._shows
        return Reply(
            response="",
            passages=None if seen is None or seen.passages is None else {},
            declined=None if seen is None or seen.declined is None else False,
        )

    def _down(self, exc: Exception) -> EngineError:
        return EngineError(
            f"cannot reach the target {self.url} ({type(exc).__name__}): is it running? "
            "Check --target (the base URL, usually ending in /v1)"
        )

    def _first_model(self) -> str:
        try:
            models = list(self.client.models.list())
        except self._openai.APIConnectionError as exc:
            raise self._down(exc) from exc
        except self._openai.APIError as exc:
            raise InputError(
                f"the target {self.url} does not list its models ({exc.__class__.__name__}): "
                "name one with --target-model"
            ) from exc
        if not models:
            raise InputError(f"the target {self.url} lists no models: name one with --target-model")
        return str(models[0].id)

    def warm_up(self, row: Row) -> None:
        """One untimed question: a target that is down, refuses the key or has no such
        model stops the run at once; any other failure is left to the row to record."""
        try:
            self.answer(row)
        except InputError:
            raise
        except EngineError as exc:
            if isinstance(exc.__cause__, self._openai.APIConnectionError):
                raise

    def answer(self, row: Row) -> Reply:
        messages: list[Any] = [*row.history_dicts(), {"role": "user", "content": row.user_input}]
        try:
            completion = self.client.chat.completions.create(model=self.model, messages=messages)
        except self._openai.APITimeoutError as exc:
            raise EngineError(f"the target {self.url} did not answer in time") from exc
        except self._openai.APIConnectionError as exc:
            raise self._down(exc) from exc
        except self._openai.APIStatusError as exc:
            message = re.sub(r"^Error code: \d+ - ", "", exc.message)  # the SDK's prefix
            said = f"the target answered HTTP {exc.status_code}: {message}"
            if exc.status_code in (401, 403):
                raise InputError(f"{said}; give its key with --target-key-env VAR") from exc
            if exc.status_code == 404:
                raise InputError(f"{said}; check --target and --target-model") from exc
            raise EngineError(said) from exc
        except self._openai.APIError as exc:
            raise EngineError(f"the target failed: {exc}") from exc
        data = completion.model_dump()
        text = (completion.choices[0].message.content or "") if completion.choices else ""
        # without the "Sources" list this advisor's API appends (its passages come in the
        # citations field; the list is not answer text)
        reply = Reply(response=strip_sources(text), engine=str(data.get("model") or self.model))
        citations = data.get("citations")
        if isinstance(citations, list):
            reply.passages = {
                int(c.get("n", i)): str(c.get("text", ""))
                for i, c in enumerate(citations, start=1)
                if isinstance(c, dict)
            }
        info = data.get("advisor")
        if isinstance(info, dict):
            reply.declined = bool(info.get("declined"))
            reply.engine = str(info.get("engine") or reply.engine)
            reply.info = _said(info)
        self._shows = reply
        return reply


def _said(info: dict[str, Any]) -> AnswerInfo | None:
    """An endpoint's ``advisor`` field as this advisor's :class:`AnswerInfo`; None when
    it is not one (another server's field of that name), so nothing it says is scored."""
    try:
        return AnswerInfo.model_validate(info)
    except ValidationError:
        return None
