"""The eval report's comparison with an earlier run, paired by row: per metric the mean
paired difference, its interval and verdict, and per changed row its scores before and
after with both answers side by side."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from advisor.eval.report_cells import fmt, interval_text
from advisor.eval.runner import RowResult


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
                else f"{fmt((before.get('metrics') or {}).get(name))} → {fmt(r.metrics.get(name))}"
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


def paired_html(
    paired: dict[str, Any], engine: str = "", *, now: str = "now", then: str = "earlier"
) -> str:
    """The paired comparison: per metric the mean paired difference, its interval and
    whether it is significant; per row which main scores improved or regressed. ``now``
    and ``then`` name the two sides ("this target" and "the first target" when several
    targets are compared in one run)."""
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
            f"<p>{escape(now[:1].upper() + now[1:])}: <b>{escape(str(engine))}</b> · "
            f"{escape(then)}: "
            f"<b>{escape(str(paired.get('against_engine')))}</b> "
            f"(<code>{escape(str(paired.get('against', '')))}</code>)</p>"
            if paired.get("against_engine")
            else ""
        )
        + f"<p class='muted'>Mean of the per-row differences ({escape(now)} minus "
        f"{escape(then)}) with its 95% bootstrap interval; a change is significant only "
        "when the interval excludes zero. Latencies are not paired.</p>"
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
