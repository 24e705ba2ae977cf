"""Errors the advisor raises on purpose.

Every interface (CLI, API, UI, MCP) shows ``str(error)`` as a one-line message and
never a traceback. Third-party errors are translated at the boundary with
``raise SomeAdvisorError(msg) from exc``.

    AdvisorError
     ├── InputError          bad question, file, id, profile value or dataset line
     │    └── UnknownBackendError  a spec no registered engine or embedding model takes
     ├── NotFoundError       unknown user, document or collection
     ├── StoreError          the vector store or data folder cannot be used
     │    └── EmbeddingMismatchError  collection built with another embedding model
     ├── EngineError         an answer engine failed (LLM down, bad credentials)
     └── MissingExtraError   an optional dependency is not installed
"""

from __future__ import annotations


class AdvisorError(Exception):
    """Base class: the message is shown to the user as is, by every interface. A hint
    that only makes sense in a terminal (a command to run) goes in ``cli_hint``, which
    only the CLI shows, so no web or API user is told to run a command."""

    exit_code = 2

    def __init__(self, *args: object, cli_hint: str | None = None) -> None:
        super().__init__(*args)
        self.cli_hint = cli_hint

    def for_terminal(self) -> str:
        """The message with the terminal's hint, for the CLI."""
        return f"{self}: {self.cli_hint}" if self.cli_hint else str(self)


class InputError(AdvisorError):
    """The user's input cannot be used; the message says what to change."""


class UnknownBackendError(InputError):
    """A ``provider:model`` spec whose provider nothing registered; the one-line message
    lists what is registered and where the spec is set."""

    def __init__(self, kind: str, spec: str, registered: list[str], setting: str) -> None:
        names = ", ".join(registered) or "nothing is registered"
        super().__init__(f"unknown {kind} {spec!r}: use one of {names} ({setting})")


class NotFoundError(AdvisorError):
    """A user, document or collection that does not exist."""


class StoreError(AdvisorError):
    """The vector store or data folder cannot be read or written."""


class EmbeddingMismatchError(StoreError):
    """A collection was built with another embedding model or dimension."""


class EngineError(AdvisorError):
    """An answer engine failed; callers fall back to the grounded engine."""


class MissingExtraError(AdvisorError):
    """An optional dependency is missing; the message names the pip command."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"{package} is not installed: run `pip install 'passive-income-advisor[{extra}]'`"
        )
