"""The OpenAI-compatible HTTP API (``/v1/models``, ``/v1/chat/completions``).

Importing this package stays cheap: FastAPI is imported only by ``advisor.interfaces.api.app``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.interfaces.api.app import create_api

__all__ = ["create_api"]


def __getattr__(name: str) -> Any:
    if name == "create_api":
        from advisor.interfaces.api.app import create_api

        return create_api
    raise AttributeError(f"module 'advisor.interfaces.api' has no attribute {name!r}")
