"""A self-contained HTML report: headline metrics, an inline SVG chart per category
and the worst rows with their passages. No scripts, no CDN; every text is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from advisor.eval.runner import LATENCY_METRICS, LOWER_IS_BETTER, RowResult

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
"""


def _fmt(value: Any, name: str = "") -> str:
    if value is None:
        return "–"
    if name in LATENCY_METRICS:
        return f"{value:.0f} ms"
    if isinstance(value, float):
        return f"{value:.3f}"
    return escape(str(value))


def _bars(metrics: dict[str, Any]) -> str:
    """Horizontal bars for the metrics in [0, 1] that have a value."""
    items = [(k, v) for k, v in metrics.items() if k not in LATENCY_METRICS and k != "rows"]
    items = [(k, float(v)) for k, v in items if isinstance(v, int | float)]
    label_w, bar_w, row_h = 190, 200, 18
    height = row_h * len(items) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 50}" '
        f'height="{height}" role="img">'
    ]
    for i, (name, value) in enumerate(items):
        y = i * row_h + 2
        good = 1 - value if name in LOWER_IS_BETTER else value
        colour = "#3a7d44" if good >= 0.8 else "#d19a00" if good >= 0.5 else "#b00020"
        width = max(0.0, min(1.0, value)) * bar_w
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" font-size="12" text-anchor="end">'
            f"{escape(name)}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="{row_h - 5}" fill="#eee"/>'
            f'<rect x="{label_w}" y="{y + 2}" width="{width:.1f}" height="{row_h - 5}" '
            f'fill="{colour}"/>'
            f'<text x="{label_w + bar_w + 4}" y="{y + 13}" font-size="12">{value:.2f}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _badness(r: RowResult) -> float:
    """Lower is worse: out-of-scope rows by the decline, in-scope rows by their scores."""
    if not r.in_scope:
        return 1.0 if r.declined else 0.0
    keys = ("hit_at_3", "context_recall", "semantic_similarity", "groundedness")
    values = [r.metrics[k] for k in keys if r.metrics.get(k) is not None]
    values.append(0.0 if r.declined else 1.0)
    return sum(v for v in values if v is not None) / len(values)


def worst(results: Sequence[RowResult], n: int = 12) -> list[RowResult]:
    return sorted(results, key=lambda r: (r.ok, _badness(r), r.id))[:n]


def _row(r: RowResult) -> str:
    status = '<span class="good">ok</span>' if r.ok else '<span class="bad">failed</span>'
    scores = ", ".join(f"{escape(k)} {_fmt(v)}" for k, v in r.metrics.items() if v is not None)
    passages = "".join(
        f"<li><blockquote>{escape(t)}</blockquote></li>" for t in r.retrieved_contexts
    )
    quotes = "".join(f"<li><blockquote>{escape(q)}</blockquote></li>" for q in r.reference_contexts)
    declined = f" · declined ({escape(r.reason or 'guard')})" if r.declined else ""
    error = f'<p class="bad">error: {escape(r.error)}</p>' if r.error else ""
    return (
        f'<div class="row"><b>{escape(r.id)}</b> <span class="muted">{escape(r.category)}</span>'
        f" · {status}{declined} · {r.latency_ms:.0f} ms"
        f"<p><b>Question:</b> {escape(r.user_input)}</p>"
        f"<p><b>Answer:</b></p><blockquote>{escape(r.response)}</blockquote>{error}"
        f"<p><b>Reference:</b> {escape(r.reference)}</p>"
        f'<p class="muted">{scores}</p>'
        f"<details><summary>reference quotes ({len(r.reference_contexts)})</summary>"
        f"<ol>{quotes}</ol></details>"
        f"<details><summary>retrieved passages ({len(r.retrieved_contexts)})</summary>"
        f"<ol>{passages}</ol></details></div>"
    )


def render(
    summary: dict[str, Any],
    results: Sequence[RowResult],
    *,
    comparison: Sequence[tuple[str, Any, Any, Any]] = (),
    dataset: str = "",
) -> str:
    metrics = summary["metrics"]
    head = "".join(
        f"<tr><td>{escape(k)}</td><td class='n'>{_fmt(v, k)}</td></tr>" for k, v in metrics.items()
    )
    compared = ""
    if comparison:
        lines = "".join(
            f"<tr><td>{escape(name)}</td><td class='n'>{_fmt(a, name)}</td>"
            f"<td class='n'>{_fmt(b, name)}</td><td class='n'>{_fmt(c, name)}</td></tr>"
            for name, a, b, c in comparison
        )
        compared = (
            "<h2>Against the earlier run</h2><table><tr><th>metric</th><th>earlier</th>"
            f"<th>now</th><th>change</th></tr>{lines}</table>"
        )
    cats = "".join(
        f'<div class="cat"><b>{escape(cat)}</b> <span class="muted">({vals.get("rows", 0)} rows, '
        f"p50 {_fmt(vals.get('latency_p50_ms'), 'latency_p50_ms')})</span><br>{_bars(vals)}</div>"
        for cat, vals in summary["by_category"].items()
    )
    failing = sum(not r.ok for r in results)
    rows = "".join(_row(r) for r in worst(results))
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Eval report: {escape(str(summary['engine']))}</title><style>{CSS}</style>"
        "</head><body>"
        f"<h1>Eval report</h1><p>{summary['rows']} rows · engine "
        f"<b>{escape(str(summary['engine']))}</b>"
        + (f" · dataset <code>{escape(dataset)}</code>" if dataset else "")
        + f" · {failing} rows failed</p>"
        f"<h2>Headline metrics</h2><table>{head}</table>{compared}"
        f"<h2>By category</h2><div class='cats'>{cats}</div>"
        f"<h2>Worst rows</h2>{rows}</body></html>\n"
    )
