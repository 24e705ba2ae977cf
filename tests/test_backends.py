"""Backends are chosen through a registry: a new one is registered the way the built-in
ones are, and an unknown spec is one line naming every registered backend."""

from __future__ import annotations

import pytest

from advisor.answering.engines import get_engine, register_engine
from advisor.answering.engines.fake import FakeEngine
from advisor.core.errors import InputError, UnknownBackendError
from advisor.core.settings import Settings
from advisor.embeddings import get_embedder, register_embedder
from advisor.embeddings.fake import FakeEmbedder


@pytest.fixture
def settings(tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(home=tmp_path)


def test_an_unknown_engine_names_the_registered_ones(settings):
    with pytest.raises(UnknownBackendError) as caught:
        get_engine("gpt-4", settings, embedder=None)  # type: ignore[arg-type]
    message = str(caught.value)
    assert isinstance(caught.value, InputError) and "\n" not in message
    for usage in ("grounded", "openai:MODEL", "ollama:MODEL", "fake:TEXT"):
        assert usage in message
    assert "ADVISOR_ENGINE" in message


def test_an_unknown_embedding_model_names_the_registered_ones():
    with pytest.raises(UnknownBackendError, match=r"st:all-MiniLM-L6-v2, fake:DIM"):
        get_embedder("hf:bge-small")


def test_a_registered_backend_is_chosen_by_its_prefix(settings, monkeypatch):
    import advisor.answering.engines
    import advisor.embeddings

    monkeypatch.setattr(
        advisor.answering.engines, "_engines", _copy(advisor.answering.engines._engines)
    )
    monkeypatch.setattr(advisor.embeddings, "_embedders", _copy(advisor.embeddings._embedders))
    register_engine("echo", lambda model, settings, embedder: FakeEngine(model), usage="echo:TEXT")
    register_embedder("tiny", lambda model: FakeEmbedder(int(model)))
    engine = get_engine("echo:hello", settings, embedder=None)  # type: ignore[arg-type]
    assert isinstance(engine, FakeEngine) and engine.script == "hello"
    assert get_embedder("tiny:8").dimension == 8
    with pytest.raises(UnknownBackendError, match="echo:TEXT"):
        get_engine("nope", settings, embedder=None)  # type: ignore[arg-type]


def _copy(registry):  # type: ignore[no-untyped-def]
    from advisor.core.registry import Registry

    fresh = Registry(registry.kind, registry.setting)
    fresh._factories = dict(registry._factories)
    return fresh
