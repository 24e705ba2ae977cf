"""Answer engines behind one small interface, chosen by a string:
``grounded`` (default, offline), ``openai:MODEL``, ``ollama:MODEL``, ``fake``.

The interface (``Engine``, ``EngineRequest``) is in ``base.py``, each backend in a
module beside it. A backend is registered by its provider prefix with
:func:`register_engine`; the built-in ones below use it too, and import their module
only when an engine of theirs is built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from advisor.answering.engines.base import Engine, EngineRequest
from advisor.core.registry import Registry

if TYPE_CHECKING:
    from advisor.core.settings import Settings
    from advisor.embeddings import Embedder

__all__ = ["Engine", "EngineFactory", "EngineRequest", "get_engine", "register_engine"]

# (model, the part of the spec after "provider:"; settings; the embedder) -> an engine
EngineFactory = Callable[[str, "Settings", "Embedder"], Engine]

_engines: Registry[EngineFactory] = Registry("engine", "ADVISOR_ENGINE or --engine")


def register_engine(prefix: str, factory: EngineFactory, *, usage: str | None = None) -> None:
    """Make ``prefix`` or ``prefix:MODEL`` name an engine that ``factory`` builds."""
    _engines.register(prefix, factory, usage)


def get_engine(spec: str, settings: Settings, embedder: Embedder) -> Engine:
    """A new engine for ``spec``; an unknown provider is an error listing the known ones."""
    factory, model = _engines.find(spec)
    return factory(model, settings, embedder)


def _grounded(model: str, settings: Settings, embedder: Embedder) -> Engine:
    from advisor.answering.engines.grounded import GroundedEngine

    return GroundedEngine(embedder)


def _openai(model: str, settings: Settings, embedder: Embedder) -> Engine:
    from advisor.answering.engines.openai import OpenAIEngine

    return OpenAIEngine(model, settings)


def _ollama(model: str, settings: Settings, embedder: Embedder) -> Engine:
    from advisor.answering.engines.ollama import OllamaEngine

    return OllamaEngine(model, settings)


def _fake(model: str, settings: Settings, embedder: Embedder) -> Engine:
    from advisor.answering.engines.fake import FakeEngine

    return FakeEngine(model)


register_engine("grounded", _grounded)
register_engine("openai", _openai, usage="openai:MODEL")
register_engine("ollama", _ollama, usage="ollama:MODEL")
register_engine("fake", _fake, usage="fake:TEXT")
