"""A self-contained HTML report: headline metrics, per split, an inline SVG chart per
category and the worst rows with their passages. No scripts, no CDN; every text is
escaped.

Also the README's baseline table: ``python -m advisor.eval.report --readme [README.md
[SUMMARY.json]]`` rewrites the table between :data:`README_START` and :data:`README_END`
from ``evals/baseline/summary.json`` (``make eval-baseline`` runs it)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from advisor.eval.dataset import SPLITS
from advisor.eval.runner import LATENCY_METRICS, LOWER_IS_BETTER, METRICS, RowResult

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


def _fmt(value: Any, name: str = "", na: Sequence[str] = ()) -> str:
    if value is None:
        return "<span class='muted' title='not measured'>n/a</span>" if name in na else "–"
    if name in LATENCY_METRICS:
        return f"{value:.0f} ms"
    if name == "answer_words":
        return f"{value:.0f}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return escape(str(value))


def interval_text(interval: Any, name: str = "") -> str:
    """``[lo, hi]`` of a 95% interval, as coarse as the table it sits in ('' for none)."""
    if not isinstance(interval, list | tuple) or len(interval) != 2:
        return ""
    lo, hi = interval
    if name in LATENCY_METRICS or name == "answer_words":
        return f"[{lo:.0f}, {hi:.0f}]"
    return f"[{lo:.2f}, {hi:.2f}]"


def _cell(value: Any, name: str, intervals: dict[str, Any] | None, na: Sequence[str] = ()) -> str:
    """A table cell: the value and, below it, its interval ("n/a": not measured)."""
    ci = interval_text((intervals or {}).get(name), name)
    extra = f" <small class='muted'>{ci}</small>" if ci and value is not None else ""
    return f"<td class='n'>{_fmt(value, name, na)}{extra}</td>"


def _bars(metrics: dict[str, Any]) -> str:
    """Horizontal bars for the metrics in [0, 1] that have a value."""
    skip = {*LATENCY_METRICS, "rows", "answer_words"}  # not on a 0-1 scale
    items = [(k, v) for k, v in metrics.items() if k not in skip]
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


def _badness(r: RowResult) -> float:
    """Lower is worse: out-of-scope and small-talk rows by the kind of reply, the rest
    by their scores."""
    if not r.expects_answer:
        return 1.0 if r.ok else 0.0
    keys = ("hit_at_3", "context_recall", "semantic_similarity", "groundedness")
    values = [r.metrics[k] for k in keys if r.metrics.get(k) is not None]
    values.append(0.0 if r.declined else 1.0)
    return sum(v for v in values if v is not None) / len(values)


MAX_ROWS_SHOWN = 60


def worst(results: Sequence[RowResult], n: int = 12) -> list[RowResult]:
    """Every failing row (up to :data:`MAX_ROWS_SHOWN`), worst first, then the weakest
    passing rows until ``n`` rows are shown."""
    ranked = sorted(results, key=lambda r: (r.ok, _badness(r), r.id))
    failing = sum(not r.ok for r in results)
    return ranked[: min(MAX_ROWS_SHOWN, max(n, failing))]


def _quotes(texts: Sequence[str]) -> str:
    if not texts:
        return "<p class='muted'>none</p>"
    return (
        "<ol>" + "".join(f"<li><blockquote>{escape(t)}</blockquote></li>" for t in texts) + "</ol>"
    )


def _row(r: RowResult) -> str:
    status = '<span class="good">ok</span>' if r.ok else '<span class="bad">failed</span>'
    scores = ", ".join(f"{escape(k)} {_fmt(v)}" for k, v in r.metrics.items() if v is not None)
    declined = f" · declined ({escape(r.reason or 'guard')})" if r.declined else ""
    if not r.declined and r.reason:
        declined = f" · {escape(r.reason)}"
    history = "".join(
        f"<p class='muted'><b>{escape(t.get('role', ''))}:</b> {escape(t.get('content', ''))}</p>"
        for t in r.history
    )
    error = f'<p class="bad">error: {escape(r.error)}</p>' if r.error else ""
    judged = ""
    if r.judge:
        verdicts = "".join(
            f"<li>{escape(name)}: <blockquote>{escape(str(raw))}</blockquote></li>"
            for name, raw in (r.judge.get("raw") or {}).items()
        )
        if r.judge.get("error"):
            verdicts += f"<li class='bad'>{escape(str(r.judge['error']))}</li>"
        judged = (
            f"<details><summary>judge verdicts ({escape(str(r.judge.get('model', '')))})"
            f"</summary><ul>{verdicts}</ul></details>"
        )
    return (
        f'<div class="row"><b>{escape(r.id)}</b> <span class="muted">{escape(r.category)}</span>'
        f" · {escape(r.split)} · {status}{declined} · {r.latency_ms:.0f} ms{history}"
        f"{error}<div class='side'>"
        f"<div><h4>Question</h4><blockquote>{escape(r.user_input)}</blockquote></div>"
        f"<div><h4>Answer</h4><blockquote>{escape(r.response)}</blockquote></div>"
        f"<div><h4>Reference</h4><blockquote>{escape(r.reference)}</blockquote>"
        f"<h4>Reference quotes ({len(r.reference_contexts)})</h4>"
        f"{_quotes(r.reference_contexts)}</div>"
        f"<div><h4>Retrieved passages ({len(r.retrieved_contexts)})</h4>"
        f"{_quotes(r.retrieved_contexts)}</div></div>"
        f'<p class="muted">{scores}</p>{judged}</div>'
    )


def render(
    summary: dict[str, Any],
    results: Sequence[RowResult],
    *,
    comparison: Sequence[tuple[str, Any, Any, Any]] = (),
    dataset: str = "",
    earlier_not_measured: Sequence[str] = (),
    earlier_rows: dict[str, dict[str, Any]] | None = None,
) -> str:
    metrics = summary["metrics"]
    na = summary.get("not_measured", [])
    splits = [name for name in SPLITS if name in summary.get("by_split", {})]
    split_head = "".join(
        f"<th>{escape(name)} ({summary['by_split'][name]['rows']})</th>" for name in splits
    )
    head = f"<tr><th>metric</th><th>run ({summary['rows']})</th>{split_head}</tr>" + "".join(
        f"<tr><td>{escape(k)}</td>{_cell(v, k, summary.get('intervals'), na)}"
        + "".join(
            _cell(
                summary["by_split"][name]["metrics"].get(k),
                k,
                summary["by_split"][name].get("intervals"),
                na,
            )
            for name in splits
        )
        + "</tr>"
        for k, v in metrics.items()
    )
    compared = ""
    if comparison:
        lines = "".join(
            f"<tr><td>{escape(name)}</td><td class='n'>{_fmt(a, name, earlier_not_measured)}</td>"
            f"<td class='n'>{_fmt(b, name, na)}</td><td class='n'>{_fmt(c, name)}</td></tr>"
            for name, a, b, c in comparison
        )
        compared = (
            "<h2>Against the earlier run</h2><table><tr><th>metric</th><th>earlier</th>"
            f"<th>now</th><th>change</th></tr>{lines}</table>"
        )
    if summary.get("compare"):
        compared += _paired_html(summary["compare"], str(summary["engine"]))
        compared += row_diff(summary["compare"], results, earlier_rows or {})
    cats = "".join(
        f'<div class="cat"><b>{escape(cat)}</b> <span class="muted">({vals.get("rows", 0)} rows, '
        f"p50 {_fmt(vals.get('latency_p50_ms'), 'latency_p50_ms')})</span><br>{_bars(vals)}</div>"
        for cat, vals in summary["by_category"].items()
    )
    failing = sum(not r.ok for r in results)
    shown = worst(results)
    rows = "".join(_row(r) for r in shown)
    latencies = latency_histogram([r.latency_ms for r in results])
    if summary.get("intervals"):
        head += (
            "<tr><td colspan='9' class='muted'><small>[lo, hi]: 95% bootstrap interval "
            "(rows resampled with replacement)</small></td></tr>"
        )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Eval report: {escape(str(summary['engine']))}</title><style>{CSS}</style>"
        "</head><body>"
        f"<h1>Eval report</h1><p>{summary['rows']} rows · engine "
        f"<b>{escape(str(summary['engine']))}</b>"
        + (f" · dataset <code>{escape(dataset)}</code>" if dataset else "")
        + f" · {failing} rows failed</p>"
        f"<h2>Headline metrics</h2><table>{head}</table>{_not_measured_note(summary)}{compared}"
        f"<h2>By category</h2><div class='cats'>{cats}</div>"
        f"<h2>Latency</h2>{latencies}"
        f"<h2>Worst rows: failing first</h2><p class='muted'>{failing} failing rows"
        f"{' (the first ' + str(MAX_ROWS_SHOWN) + ' shown)' if failing > len(shown) else ''}"
        f", then the weakest passing ones.</p>{rows}</body></html>\n"
    )


def _not_measured_note(summary: dict[str, Any]) -> str:
    from advisor.eval.judge import NOTE

    judge = "" if summary.get("judge") else f"<p class='muted'>{escape(NOTE)}</p>"
    if not summary.get("not_measured"):
        return judge
    names = ", ".join(escape(n) for n in summary["not_measured"])
    return (
        f"<p class='muted'>n/a, not measured: {names}. The target returns no citations "
        "or no decline flag, so these cannot be scored (they are not zero).</p>" + judge
    )


def row_diff(
    paired: dict[str, Any], results: Sequence[RowResult], earlier: dict[str, dict[str, Any]]
) -> str:
    """What changed in each row that did not stay the same: its verdict, each main score
    before and after, and the earlier and the new answer side by side."""
    now = {r.id: r for r in results}
    cls = {"improved": "good", "regressed": "bad"}
    parts = []
    for d in paired["rows"]:
        r, before = now.get(d["id"]), earlier.get(d["id"])
        if r is None or before is None:
            continue
        changes = "".join(
            f"<li class='{'good' if name in d['improved'] else 'bad'}'>{escape(name)}: "
            + (
                f"{'ok' if before.get('ok') else 'failed'} → {'ok' if r.ok else 'failed'}"
                if name == "ok"
                else f"{_fmt((before.get('metrics') or {}).get(name))} → "
                f"{_fmt(r.metrics.get(name))}"
            )
            + "</li>"
            for name in (*d["improved"], *d["regressed"])
        )
        parts.append(
            f"<div class='row'><b>{escape(d['id'])}</b> "
            f"<span class='muted'>{escape(str(d['category']))}</span> · "
            f"<span class='{cls.get(d['verdict'], 'muted')}'>{escape(d['verdict'])}</span>"
            f"<p>{escape(r.user_input)}</p><ul>{changes}</ul><div class='side'>"
            f"<div><h4>Earlier answer</h4><blockquote>{escape(str(before.get('response', '')))}"
            f"</blockquote></div><div><h4>Answer now</h4><blockquote>{escape(r.response)}"
            "</blockquote></div></div></div>"
        )
    if not parts:
        return ""
    same = paired["row_counts"].get("same", 0)
    return (
        f"<h3>What changed, row by row</h3><p class='muted'>{len(parts)} rows changed, "
        f"{same} stayed the same.</p>" + "".join(parts)
    )


def _signed(value: Any) -> str:
    return "–" if value is None else f"{value:+.4f}"


def _paired_html(paired: dict[str, Any], engine: str = "") -> str:
    """The paired comparison: per metric the mean paired difference, its interval and
    whether it is significant; per row which main scores improved or regressed."""
    cls = {"improved": "good", "regressed": "bad"}
    lines = "".join(
        f"<tr><td>{escape(name)}</td><td class='n'>{item['pairs']}</td>"
        f"<td class='n'>{_signed(item['mean_diff'])}</td>"
        f"<td class='n'>{interval_text(item['interval'])}</td>"
        f"<td class='{cls.get(item['change'], 'muted')}'>{escape(item['change'])}</td></tr>"
        for name, item in paired["metrics"].items()
    )
    counts = ", ".join(f"{n} {escape(v)}" for v, n in paired["row_counts"].items())
    rows = "".join(
        f"<tr><td>{escape(d['id'])}</td><td>{escape(str(d['category']))}</td>"
        f"<td class='{cls.get(d['verdict'], 'muted')}'>{escape(d['verdict'])}</td>"
        f"<td class='good'>{escape(', '.join(d['improved']))}</td>"
        f"<td class='bad'>{escape(', '.join(d['regressed']))}</td></tr>"
        for d in paired["rows"]
    )
    return (
        f"<h2>Paired by row ({paired['rows_paired']} rows, {paired['split']})</h2>"
        + (
            f"<p>Now: <b>{escape(str(engine))}</b> · earlier: "
            f"<b>{escape(str(paired.get('against_engine')))}</b> "
            f"(<code>{escape(str(paired.get('against', '')))}</code>)</p>"
            if paired.get("against_engine")
            else ""
        )
        + "<p class='muted'>Mean of the per-row differences (now minus earlier) with its 95% "
        "bootstrap interval; a change is significant only when the interval excludes zero. "
        "Latencies are not paired.</p>"
        "<table><tr><th>metric</th><th>pairs</th><th>mean change</th><th>interval</th>"
        f"<th>verdict</th></tr>{lines}</table>"
        f"<h3>Rows</h3><p>{counts}</p>"
        + (
            "<table><tr><th>row</th><th>category</th><th>verdict</th><th>improved</th>"
            f"<th>regressed</th></tr>{rows}</table>"
            if rows
            else ""
        )
    )


# --- tables from a summary: the terminal and the README ----------------------------------


def _plain(value: Any, name: str) -> str:
    if value is None:
        return "–"
    if name in LATENCY_METRICS:
        return f"{value:.0f} ms"
    if name == "answer_words":
        return f"{value:.0f}"
    return f"{value:.2f}"


def split_columns(summary: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(column title, metrics) for the run and each of its splits."""
    columns = [(f"{summary.get('split', 'all')} ({summary['rows']} rows)", summary["metrics"])]
    for name in SPLITS:
        part = summary.get("by_split", {}).get(name)
        if part is not None and len(summary.get("by_split", {})) > 1:
            columns.append((f"{name} ({part['rows']} rows)", part["metrics"]))
    return columns


def split_intervals(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The intervals of each column of :func:`split_columns`, in the same order."""
    out = [summary.get("intervals") or {}]
    for name in SPLITS:
        part = summary.get("by_split", {}).get(name)
        if part is not None and len(summary.get("by_split", {})) > 1:
            out.append(part.get("intervals") or {})
    return out


README_START = (
    "<!-- eval-baseline-table:start (generated: python -m advisor.eval.report --readme) -->"
)
README_END = "<!-- eval-baseline-table:end -->"


def readme_table(summary: dict[str, Any]) -> str:
    """The Markdown table of a baseline summary: one row a metric, one column a split."""
    parts = [
        (name, summary["by_split"][name]) for name in SPLITS if name in summary.get("by_split", {})
    ]
    if not parts:  # a summary from before splits
        parts = [("all", {"rows": summary["rows"], "metrics": summary["metrics"]})]
    names = [n for n in METRICS if any(p["metrics"].get(n) is not None for _, p in parts)]
    source = summary.get("sources", {}).get("hash", "")
    lines = [
        f"Engine `{summary['engine']}`"
        + "".join(f", {name} {part['rows']} rows" for name, part in parts)
        + (f"; sources `{source[:12]}`" if source else "")
        + ".",
        "",
        "| metric | " + " | ".join(f"{name} ({part['rows']})" for name, part in parts) + " |",
        "| --- |" + " --- |" * len(parts),
    ]
    lines += [
        f"| `{n}` | " + " | ".join(_plain(p["metrics"].get(n), n) for _, p in parts) + " |"
        for n in names
    ]
    return "\n".join(lines)


def update_readme(text: str, summary: dict[str, Any]) -> str:
    """``text`` with the table between the markers replaced by :func:`readme_table`."""
    if text.count(README_START) != 1 or text.count(README_END) != 1:
        raise ValueError(f"the README needs exactly one {README_START} and one {README_END}")
    before, rest = text.split(README_START, 1)
    _, after = rest.split(README_END, 1)
    return f"{before}{README_START}\n{readme_table(summary)}\n{README_END}{after}"


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "--readme" or len(args) > 3:
        sys.exit("usage: python -m advisor.eval.report --readme [README.md [SUMMARY.json]]")
    readme = Path(args[1] if len(args) > 1 else "README.md")
    summary_path = Path(args[2] if len(args) > 2 else "evals/baseline/summary.json")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    text = readme.read_text(encoding="utf-8")
    try:
        updated = update_readme(text, summary)
    except ValueError as exc:
        sys.exit(f"{readme}: {exc}")
    if updated != text:
        readme.write_text(updated, encoding="utf-8")
        print(f"updated the baseline table in {readme}", file=sys.stderr)


if __name__ == "__main__":
    main()
