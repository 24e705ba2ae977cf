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

from advisor.core.errors import InputError
from advisor.core.registry import Registry

if TYPE_CHECKING:
    from advisor.answering.engines.base import Engine, EngineRequest
    from advisor.answering.engines.llm import LLMEngine
    from advisor.core.settings import Settings
    from advisor.embeddings import Embedder

__all__ = [
    "Engine",
    "EngineFactory",
    "EngineRequest",
    "chat_engine",
    "engine_help",
    "get_engine",
    "register_engine",
]

# (model, the part of the spec after "provider:"; settings; the embedder, which only
# engines that embed use: None when a chat model is built as a judge) -> an engine
EngineFactory = Callable[[str, "Settings", "Embedder | None"], "Engine"]

_engines: Registry[EngineFactory] = Registry("engine", "ADVISOR_ENGINE or --engine")
_chat: set[str] = set()  # providers whose engines are chat models (a judge can be one)
_hidden: set[str] = set()  # providers left out of --engine's help (test doubles)


def __getattr__(name: str) -> object:
    """``Engine`` and ``EngineRequest`` from ``base`` when first asked for, so that
    reading the registry (the CLI's ``--engine`` help) imports no numpy."""
    if name in ("Engine", "EngineRequest"):
        from advisor.answering.engines import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def register_engine(
    prefix: str,
    factory: EngineFactory,
    *,
    usage: str | None = None,
    chat: bool = False,
    listed: bool = True,
) -> None:
    """Make ``prefix`` or ``prefix:MODEL`` name an engine that ``factory`` builds.
    ``chat``: it is a chat model (an ``LLMEngine``), so it can also judge and draft eval
    rows; ``listed``: shown in ``--engine``'s help."""
    _engines.register(prefix, factory, usage)
    if chat:
        _chat.add(prefix)
    if not listed:
        _hidden.add(prefix)


def get_engine(spec: str, settings: Settings, embedder: Embedder) -> Engine:
    """A new engine for ``spec``; an unknown provider is an error listing the known ones."""
    factory, model = _engines.find(spec)
    return factory(model, settings, embedder)


def engine_help() -> str:
    """``--engine``'s help: the registered engines, as a spec names them."""
    return " | ".join(u for p, u in _engines.usages().items() if p not in _hidden)


def chat_engine(spec: str, settings: Settings, option: str) -> LLMEngine:
    """The chat model behind ``spec`` (``openai:MODEL``, ``ollama:MODEL``), built as the
    answer engine of that name is; ``option`` names the flag in the error."""
    provider, _, model = spec.partition(":")
    usages = _engines.usages()
    if provider not in _chat:
        chats = " or ".join(usages[p] for p in usages if p in _chat)
        raise InputError(f"{option} {spec!r}: give {chats}")
    factory, model = _engines.find(spec)
    engine = factory(model, settings, None)
    from advisor.answering.engines.llm import LLMEngine

    assert isinstance(engine, LLMEngine), f"{provider} is registered as a chat model"
    return engine


def _grounded(model: str, settings: Settings, embedder: Embedder | None) -> Engine:
    from advisor.answering.engines.grounded import GroundedEngine

    assert embedder is not None, "the grounded engine embeds sentences"
    return GroundedEngine(embedder)


def _openai(model: str, settings: Settings, embedder: Embedder | None) -> Engine:
    from advisor.answering.engines.openai import OpenAIEngine

    return OpenAIEngine(model, settings)


def _ollama(model: str, settings: Settings, embedder: Embedder | None) -> Engine:
    from advisor.answering.engines.ollama import OllamaEngine

    return OllamaEngine(model, settings)


def _fake(model: str, settings: Settings, embedder: Embedder | None) -> Engine:
    from advisor.answering.engines.fake import FakeEngine

    return FakeEngine(model)


register_engine("grounded", _grounded)
register_engine("openai", _openai, usage="openai:MODEL", chat=True)
register_engine("ollama", _ollama, usage="ollama:MODEL", chat=True)
register_engine("fake", _fake, usage="fake:TEXT", listed=False)
