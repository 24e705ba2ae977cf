"""``openai:MODEL``: any server that speaks OpenAI's chat-completions protocol
(vLLM, llama.cpp's ``llama-server``, LM Studio, OpenAI itself) through
``langchain-openai``.

``ADVISOR_OPENAI_BASE_URL`` points at the server (unset: OpenAI's API) and
``ADVISOR_OPENAI_API_KEY`` holds its key (``OPENAI_API_KEY`` is used when unset; local
servers need none). No retries: a failed request falls back to the grounded engine
straight away, so ``ADVISOR_LLM_TIMEOUT`` is the longest anyone waits.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pydantic import SecretStr

from advisor.answering.engines.llm import LLMEngine
from advisor.core.errors import EngineError, InputError, MissingExtraError

if TYPE_CHECKING:
    from advisor.core.settings import Settings

OPENAI_URL = "https://api.openai.com/v1"
LOCAL_KEY = "not-needed"  # llama-server, vLLM and LM Studio accept any key


class OpenAIEngine(LLMEngine):
    url_setting = "ADVISOR_OPENAI_BASE_URL"
    key_setting = "ADVISOR_OPENAI_API_KEY"
    kind = "the OpenAI-compatible server"

    def __init__(self, model: str, settings: Settings) -> None:
        if not model:
            raise InputError("name the model: openai:MODEL, e.g. openai:gpt-4o-mini (--engine)")
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise MissingExtraError("langchain-openai", "llm") from exc
        base_url = settings.openai_base_url or os.environ.get("OPENAI_BASE_URL") or None
        key = settings.openai_api_key or os.environ.get("OPENAI_API_KEY") or None
        limit = settings.llm_max_tokens
        chat_model = ChatOpenAI(
            model=model,
            base_url=base_url,
            api_key=SecretStr(key or LOCAL_KEY),
            timeout=settings.llm_timeout,
            max_retries=0,
            max_completion_tokens=limit,
            # older llama-server and LM Studio builds read only the older name
            extra_body={"max_tokens": limit} if base_url else None,
        )
        super().__init__(chat_model, settings, name=f"openai:{model}", url=base_url or OPENAI_URL)
        if key is None and base_url is None:
            self.config_error = EngineError(
                f"no API key for {OPENAI_URL}: set ADVISOR_OPENAI_API_KEY, or "
                "ADVISOR_OPENAI_BASE_URL for a local server"
            )
