"""The eval report's inline SVG charts: bars of a category's metrics and a histogram of
the row latencies (no scripts, every label escaped)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from advisor.eval.metric_specs import BY_NAME


def category_bars(metrics: dict[str, Any]) -> str:
    """Horizontal bars for the metrics in [0, 1] that have a value."""
    items = [(k, v) for k, v in metrics.items() if k in BY_NAME and BY_NAME[k].on_unit_scale]
    items = [(k, float(v)) for k, v in items if isinstance(v, int | float)]
    label_w, bar_w, row_h = 190, 200, 18
    height = row_h * len(items) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 50}" '
        f'height="{height}" role="img">'
    ]
    for i, (name, value) in enumerate(items):
        y = i * row_h + 2
        good = 1 - value if BY_NAME[name].lower_is_better else value
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


def latency_histogram(latencies: Sequence[float], bins: int = 12) -> str:
    """An SVG histogram of the row latencies: equal-width bins from the fastest row to
    the slowest, each bar labelled with its count."""
    values = sorted(v for v in latencies if v is not None)
    if not values:
        return "<p class='muted'>no latencies</p>"
    lo, hi = values[0], values[-1]
    width = (hi - lo) / bins or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / width))] += 1
    bar_w, plot_h, left, bottom = 40, 120, 10, 34
    top = max(counts)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left * 2 + bar_w * bins}" '
        f'height="{plot_h + bottom + 16}" role="img" aria-label="latency histogram">'
    ]
    for i, n in enumerate(counts):
        h = plot_h * n / top
        x = left + i * bar_w
        y = 16 + plot_h - h
        parts.append(
            f'<rect x="{x + 2}" y="{y:.1f}" width="{bar_w - 4}" height="{h:.1f}" fill="#4a78a8"/>'
        )
        if n:
            parts.append(
                f'<text x="{x + bar_w / 2}" y="{y - 3:.1f}" font-size="11" '
                f'text-anchor="middle">{n}</text>'
            )
        if i % 3 == 0:
            parts.append(
                f'<text x="{x}" y="{16 + plot_h + 14}" font-size="11">{lo + i * width:.0f}</text>'
            )
    parts.append(
        f'<text x="{left + bar_w * bins}" y="{16 + plot_h + 14}" font-size="11" '
        f'text-anchor="end">{hi:.0f}</text>'
        f'<text x="{left + bar_w * bins / 2}" y="{16 + plot_h + 30}" font-size="12" '
        'text-anchor="middle">milliseconds per row (rows per bin above each bar)</text></svg>'
    )
    return "".join(parts)
