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
    from advisor.answering.service import Advisor
    from advisor.core.answers import Answer, Citation
    from advisor.interfaces.langchain import as_runnable, tools

_EXPORTS = {
    "Advisor": "advisor.answering.service",
    "Answer": "advisor.core.answers",
    "Citation": "advisor.core.answers",
    "as_runnable": "advisor.interfaces.langchain",
    "tools": "advisor.interfaces.langchain",
}
__all__ = ["Advisor", "Answer", "Citation", "as_runnable", "tools"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'advisor' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
