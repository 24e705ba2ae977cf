"""The passive-income advisor: grounded, cited answers on passive versus active income.

``import advisor`` stays cheap; everything loads on first use:

    from advisor import Advisor, Answer
    Advisor().ask("What is passive income?")

    from advisor import as_runnable, tools      # LangChain
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.answers import Answer, Citation
    from advisor.integrations.langchain import as_runnable, tools
    from advisor.service import Advisor

_EXPORTS = {
    "Advisor": "advisor.service",
    "Answer": "advisor.answers",
    "Citation": "advisor.answers",
    "as_runnable": "advisor.integrations.langchain",
    "tools": "advisor.integrations.langchain",
}
__all__ = ["Advisor", "Answer", "Citation", "as_runnable", "tools"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'advisor' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
