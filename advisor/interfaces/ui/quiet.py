"""One line, not a traceback, in the server log when a UI request is refused.

Gradio prints a full traceback (``traceback.print_exc()``) for any exception raised
while it reads a request, including a malformed one that a client sent on purpose: a
file path that was never uploaded, a string where a number goes. The client already
gets the error message; the server log should say in one line what was refused, and
keep the traceback for ``--log-level debug``. Gradio has no setting for this, so the
``traceback`` name in the modules that print is pointed at a shim that logs instead.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import ModuleType
from typing import Any

log = logging.getLogger("advisor.interfaces.ui")

_MODULES = ("gradio.queueing", "gradio.routes", "gradio.route_utils", "gradio.utils")


class _LoggingTraceback(ModuleType):
    """``traceback`` with ``print_exc`` logging one line (the traceback at debug)."""

    def __init__(self) -> None:
        super().__init__("traceback")

    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)

    @staticmethod
    def print_exc(*_args: Any, **_kwargs: Any) -> None:
        exc = sys.exception()
        if exc is None:
            return
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        log.warning("UI request refused: %s: %s", type(exc).__name__, first)
        log.debug("UI request refused", exc_info=exc)


def quiet_gradio_tracebacks() -> None:
    """Idempotent; only touches modules Gradio has already imported."""
    shim = _LoggingTraceback()
    for name in _MODULES:
        module = sys.modules.get(name)
        if module is not None and isinstance(getattr(module, "traceback", None), ModuleType):
            module.traceback = shim  # type: ignore[attr-defined]
