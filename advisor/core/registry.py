"""Backends by name: a ``provider:model`` spec picks the factory registered for its
provider. The built-in embedding models and answer engines register through the same
call a new backend would use (``register_embedder``, ``register_engine``)."""

from __future__ import annotations

from typing import Generic, TypeVar

from advisor.core.errors import UnknownBackendError

F = TypeVar("F")


class Registry(Generic[F]):
    """Factories of one kind of backend, by provider prefix, in registration order."""

    def __init__(self, kind: str, setting: str) -> None:
        self.kind = kind  # "engine", "embedding model": how the error names a spec
        self.setting = setting  # where a spec is chosen, for the error's hint
        self._factories: dict[str, tuple[F, str]] = {}

    def register(self, prefix: str, factory: F, usage: str | None = None) -> None:
        """``usage`` is how the error for an unknown spec shows this one (``openai:MODEL``)."""
        self._factories[prefix] = (factory, usage or prefix)

    def usages(self) -> dict[str, str]:
        """How each registered provider is written in a spec, by provider, in order."""
        return {prefix: usage for prefix, (_, usage) in self._factories.items()}

    def find(self, spec: str) -> tuple[F, str]:
        """The factory for ``spec`` and the model part after the first ``:``."""
        provider, _, model = spec.partition(":")
        if provider not in self._factories:
            usages = [usage for _, usage in self._factories.values()]
            raise UnknownBackendError(self.kind, spec, usages, self.setting)
        return self._factories[provider][0], model
