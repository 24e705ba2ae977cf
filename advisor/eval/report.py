"""A self-contained HTML report: headline metrics, per split, an inline SVG chart per
category and the worst rows with their passages. No scripts, no CDN; every text is
escaped.

Also the README's baseline table: ``python -m advisor.eval.report --readme [README.md
[SUMMARY.json]]`` rewrites the table between
:data:`advisor.eval.summary_tables.README_START` and ``README_END`` from
``evals/baseline/summary.json`` (``make eval-baseline`` runs it). Cells, charts, the
paired comparison and the summary tables live in ``report_cells``, ``charts``,
``report_paired`` and ``summary_tables`` beside this module."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from advisor.eval.charts import category_bars, latency_histogram
from advisor.eval.dataset import SPLITS
from advisor.eval.metric_specs import RANKING_METRICS
from advisor.eval.report_cells import CSS, cell, fmt
from advisor.eval.report_paired import paired_html, row_diff
from advisor.eval.runner import RowResult
from advisor.eval.summary_tables import update_readme


def _quality(r: RowResult) -> float:
    """How good a row's reply is, 0 to 1 (the weakest rows first in the report):
    out-of-scope and small-talk rows by the kind of reply, the rest by their scores."""
    if not r.expects_answer:
        return 1.0 if r.ok else 0.0
    keys = RANKING_METRICS
    values = [r.metrics[k] for k in keys if r.metrics.get(k) is not None]
    values.append(0.0 if r.declined else 1.0)
    return sum(v for v in values if v is not None) / len(values)


MAX_ROWS_SHOWN = 60


def worst(results: Sequence[RowResult], n: int = 12) -> list[RowResult]:
    """Every failing row (up to :data:`MAX_ROWS_SHOWN`), worst first, then the weakest
    passing rows until ``n`` rows are shown."""
    ranked = sorted(results, key=lambda r: (r.ok, _quality(r), r.id))
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
    scores = ", ".join(f"{escape(k)} {fmt(v)}" for k, v in r.metrics.items() if v is not None)
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
        f"<tr><td>{escape(k)}</td>{cell(v, k, summary.get('intervals'), na)}"
        + "".join(
            cell(
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
            f"<tr><td>{escape(name)}</td><td class='n'>{fmt(a, name, earlier_not_measured)}</td>"
            f"<td class='n'>{fmt(b, name, na)}</td><td class='n'>{fmt(c, name)}</td></tr>"
            for name, a, b, c in comparison
        )
        compared = (
            "<h2>Against the earlier run</h2><table><tr><th>metric</th><th>earlier</th>"
            f"<th>now</th><th>change</th></tr>{lines}</table>"
        )
    if summary.get("compare"):
        compared += paired_html(summary["compare"], str(summary["engine"]))
        compared += row_diff(summary["compare"], results, earlier_rows or {})
    cats = "".join(
        f'<div class="cat"><b>{escape(cat)}</b> <span class="muted">({vals.get("rows", 0)} rows, '
        f"p50 {fmt(vals.get('latency_p50_ms'), 'latency_p50_ms')})</span><br>"
        f"{category_bars(vals)}</div>"
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
