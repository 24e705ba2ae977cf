"""``ollama:MODEL``: a model served by Ollama (``ADVISOR_OLLAMA_URL``, default
``http://127.0.0.1:11434``) through ``langchain-ollama``.

Ollama's own default context is small and it cuts longer prompts silently, so the
engine asks for ``num_ctx = ADVISOR_LLM_CONTEXT_WINDOW``, the same window it fits
the prompt to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.answering.engines.llm import LLMEngine, one_line
from advisor.core.errors import EngineError, InputError, MissingExtraError

if TYPE_CHECKING:
    from advisor.core.settings import Settings


class OllamaEngine(LLMEngine):
    url_setting = "ADVISOR_OLLAMA_URL (is `ollama serve` running?)"
    key_setting = "OLLAMA_API_KEY"
    kind = "the Ollama server"

    def __init__(self, model: str, settings: Settings) -> None:
        if not model:
            raise InputError("name the model: ollama:MODEL, e.g. ollama:llama3.2 (--engine)")
        try:
            from langchain_ollama import ChatOllama
        except ImportError as exc:
            raise MissingExtraError("langchain-ollama", "llm") from exc
        url = settings.ollama_url.rstrip("/")
        chat_model = ChatOllama(
            model=model,
            base_url=url,
            num_ctx=settings.llm_context_window,
            num_predict=settings.llm_max_tokens,
            client_kwargs={"timeout": settings.llm_timeout},
        )
        super().__init__(chat_model, settings, name=f"ollama:{model}", url=url)

    def translate(self, exc: Exception, *, midway: bool = False) -> EngineError:
        from ollama import ResponseError

        if isinstance(exc, ResponseError):
            if exc.status_code in (401, 403):
                return self.rejected()
            if exc.status_code == 404 or "not found" in str(exc.error).lower():
                return self.missing_model(exc)
            status = f"{exc.status_code}: " if exc.status_code > 0 else ""
            return self.unreachable(f"it returned an error ({status}{one_line(exc.error)})")
        return super().translate(exc, midway=midway)

    def missing_model(self, exc: Exception) -> EngineError:
        return EngineError(
            f"{self.kind} at {self.url} has no model {self.model_name!r}: "
            f"run `ollama pull {self.model_name}`"
        )
