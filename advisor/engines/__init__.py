"""Answer engines behind one small interface, chosen by a string:
``grounded`` (default, offline), ``openai:MODEL``, ``ollama:MODEL``, ``fake``.

The interface (``Engine``, ``EngineRequest``) is in ``base.py``, each backend in a
module beside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.engines.base import Engine, EngineRequest
from advisor.errors import InputError

if TYPE_CHECKING:
    from advisor.embeddings import Embedder
    from advisor.settings import Settings

__all__ = ["Engine", "EngineRequest", "get_engine"]


def get_engine(spec: str, settings: Settings, embedder: Embedder) -> Engine:
    provider, _, model = spec.partition(":")
    if provider == "grounded":
        from advisor.engines.grounded import GroundedEngine

        return GroundedEngine(embedder)
    if provider == "fake":
        from advisor.engines.fake import FakeEngine

        return FakeEngine(model)
    if provider == "openai":
        from advisor.engines.openai import OpenAIEngine

        return OpenAIEngine(model, settings)
    if provider == "ollama":
        from advisor.engines.ollama import OllamaEngine

        return OllamaEngine(model, settings)
    raise InputError(
        f"unknown engine {spec!r}: use grounded, openai:MODEL or ollama:MODEL "
        "(ADVISOR_ENGINE or --engine)"
    )
