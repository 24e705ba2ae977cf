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


@pytest.fixture
def fresh_engines(monkeypatch):  # type: ignore[no-untyped-def]
    """The engine registry as built in, restored after the test."""
    import advisor.answering.engines as engines

    monkeypatch.setattr(engines, "_engines", _copy(engines._engines))
    monkeypatch.setattr(engines, "_chat", set(engines._chat))
    monkeypatch.setattr(engines, "_hidden", set(engines._hidden))
    return engines


def test_the_engine_help_lists_the_registered_engines_and_every_command_shows_it(
    fresh_engines, capsys, monkeypatch
):
    from helpers import cli

    monkeypatch.setenv("COLUMNS", "300")
    assert fresh_engines.engine_help() == "grounded | openai:MODEL | ollama:MODEL"
    for command in ("ask", "chat", "api", "mcp", "serve", "eval"):
        code, shown, _ = cli(capsys, command, "--help")
        assert code == 0 and "grounded | openai:MODEL | ollama:MODEL" in shown, command
    register_engine("echo", lambda model, settings, embedder: FakeEngine(model), usage="echo:TEXT")
    assert fresh_engines.engine_help().endswith("| echo:TEXT")


def test_the_judge_is_any_registered_chat_model_and_nothing_else(fresh_engines, settings):
    from fakes import FakeChatModel

    from advisor.answering.engines.llm import LLMEngine
    from advisor.eval.judge import build_engine

    def scripted(model, settings, embedder):  # type: ignore[no-untyped-def]
        chat = FakeChatModel(script=[model])
        return LLMEngine(chat, settings, name=f"scripted:{model}", url="fake://")

    with pytest.raises(InputError, match=r"--judge 'scripted:x': give openai:MODEL or ollama"):
        build_engine("scripted:x", settings)
    register_engine("scripted", scripted, usage="scripted:MODEL", chat=True)
    judge = build_engine("scripted:verdict", settings)
    assert isinstance(judge, LLMEngine) and judge.name == "scripted:verdict"
    for not_a_chat_model in ("grounded", "fake:text"):
        with pytest.raises(InputError, match="or scripted:MODEL"):
            build_engine(not_a_chat_model, settings)
    assert type(build_engine("openai:gpt-x", settings)).__name__ == "OpenAIEngine"


def test_the_upload_types_are_the_types_the_loaders_read():
    from advisor.ingest.loaders import LOADERS
    from advisor.interfaces.ui.documents_tab import UPLOAD_TYPES

    assert sorted(UPLOAD_TYPES) == sorted(LOADERS) and len(UPLOAD_TYPES) == len(LOADERS)
