"""How the eval report writes a value: its style sheet, a metric's value ("n/a" where
it was not measured), its 95% interval and a table cell holding both."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from advisor.eval.metric_specs import BY_NAME

CSS = """
body{font:15px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.25em .7em;border-bottom:1px solid #eee;
text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.cats{display:flex;flex-wrap:wrap;gap:1.2em}
.cat{border:1px solid #ddd;border-radius:6px;padding:.5em}
.row{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;margin:1em 0}
.bad{color:#b00020}.good{color:#116611}.muted{color:#666}
blockquote{margin:.3em 0;padding:.3em .8em;background:#f6f6f6;
border-left:3px solid #ccc;white-space:pre-wrap}
.side{display:grid;grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:.8em}
.side>div{min-width:0}.side h4{margin:.2em 0;font-size:.9em;color:#555}
.side ol{padding-left:1.2em;margin:0}
"""


def fmt(value: Any, name: str = "", na: Sequence[str] = ()) -> str:
    if value is None:
        return "<span class='muted' title='not measured'>n/a</span>" if name in na else "–"
    described = BY_NAME.get(name)
    if described is not None and (isinstance(value, float) or described.unit != "score"):
        return described.precise(value)
    if isinstance(value, float):
        return f"{value:.3f}"
    return escape(str(value))


def interval_text(interval: Any, name: str = "") -> str:
    """``[lo, hi]`` of a 95% interval, as coarse as the table it sits in ('' for none)."""
    if not isinstance(interval, list | tuple) or len(interval) != 2:
        return ""
    lo, hi = interval
    described = BY_NAME.get(name)
    return described.interval(lo, hi) if described is not None else f"[{lo:.2f}, {hi:.2f}]"


def cell(value: Any, name: str, intervals: dict[str, Any] | None, na: Sequence[str] = ()) -> str:
    """A table cell: the value and, below it, its interval ("n/a": not measured)."""
    ci = interval_text((intervals or {}).get(name), name)
    extra = f" <small class='muted'>{ci}</small>" if ci and value is not None else ""
    return f"<td class='n'>{fmt(value, name, na)}{extra}</td>"
