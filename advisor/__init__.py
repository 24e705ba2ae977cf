"""The passive-income advisor: grounded, cited answers on passive versus active income.

``import advisor`` stays cheap; the LangChain exports load on first use:

    from advisor import as_runnable, tools
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.lc import as_runnable, tools

__all__ = ["as_runnable", "tools"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from advisor import lc

        return getattr(lc, name)
    raise AttributeError(f"module 'advisor' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
