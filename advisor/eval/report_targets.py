"""The report of one ``advisor eval`` over several ``--target`` endpoints: one column a
target (its value and 95% interval, "n/a" where it could not measure a metric), and
every later target paired row by row with the first. Each target's own report, with its
rows, is in its sub-folder. No scripts, no CDN; every text is escaped."""

from __future__ import annotations

from html import escape
from typing import Any

from advisor.eval.metric_specs import METRICS
from advisor.eval.report_cells import CSS, cell
from advisor.eval.report_paired import paired_html


def render_targets(combined: dict[str, Any], *, dataset: str = "") -> str:
    """The HTML page of a side-by-side ``summary.json`` (see
    :func:`advisor.eval.multi.side_by_side`)."""
    targets = combined["targets"]
    present = {name for t in targets for name in t["metrics"]}
    names = [*(n for n in METRICS if n in present), *sorted(present - set(METRICS))]
    head = "".join(
        f"<th>{i + 1}. {escape(str(t['name']))}<br><small class='muted'>"
        f"<a href='{escape(t['folder'])}/report.html'>{escape(t['folder'])}</a>, "
        f"{t['failed']} of {t['rows']} rows failed</small></th>"
        for i, t in enumerate(targets)
    )
    body = "".join(
        f"<tr><td>{escape(name)}</td>"
        + "".join(
            cell(t["metrics"].get(name), name, t.get("intervals"), t.get("not_measured", []))
            for t in targets
        )
        + "</tr>"
        for name in names
    )
    unmeasured = "".join(
        f"<li>{escape(str(t['name']))}: {escape(', '.join(t['not_measured']))}</li>"
        for t in targets
        if t.get("not_measured")
    )
    note = (
        "<p class='muted'>n/a, not measured (the target returns no citations or no decline "
        f"flag, so these cannot be scored; they are not zero):</p><ul>{unmeasured}</ul>"
        if unmeasured
        else ""
    )
    first = str(targets[0]["name"]) if targets else ""
    paired = "".join(
        f"<h2>{escape(str(t['name']))} against {escape(first)}</h2>"
        + paired_html(t["compare"], str(t["name"]), now="this target", then="the first target")
        for t in targets[1:]
        if t.get("compare")
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Eval report: {len(targets)} targets</title><style>{CSS}</style></head><body>"
        f"<h1>Eval report: {len(targets)} targets side by side</h1>"
        f"<p>{combined['rows']} rows each · split {escape(str(combined.get('split', 'all')))}"
        + (f" · dataset <code>{escape(dataset)}</code>" if dataset else "")
        + "</p><h2>Metrics by target</h2>"
        f"<table><tr><th>metric</th>{head}</tr>{body}"
        "<tr><td colspan='9' class='muted'><small>[lo, hi]: 95% bootstrap interval (rows "
        "resampled with replacement)</small></td></tr></table>"
        f"{note}{paired}</body></html>\n"
    )
