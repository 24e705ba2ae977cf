"""The HTML report people read: a latency histogram, failing rows first with question,
answer, reference and passages side by side, a per-row diff against an earlier run,
and every text escaped. Built from real summaries of hand-made rows (no advisor)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from advisor.eval import charts, report, runner, stats
from advisor.eval.runner import RowResult

EVIL = "<script>alert('x')</script>"


def _row(i: int, *, ok: bool, latency: float, answer: str = "", hit: float = 1.0) -> RowResult:
    return RowResult(
        id=f"r{i}",
        category="fact",
        user_input=f"question {i} {EVIL}",
        reference=f"reference {i} <b>bold</b>",
        reference_contexts=[f"quote {i}"],
        response=answer or f"answer {i} & more",
        retrieved_contexts=[f"passage {i} <img src=x onerror=alert(1)>"],
        declined=False,
        latency_ms=latency,
        metrics={"hit_at_3": hit, "rouge_l": 0.5},
        ok=ok,
    )


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        self.tags.append(tag)


def _tags(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_the_latency_histogram_counts_every_row_once():
    latencies = [10.0, 11.0, 12.0, 50.0, 51.0, 90.0, 200.0]
    svg = charts.latency_histogram(latencies, bins=4)
    counts = [int(n) for n in re.findall(r'text-anchor="middle">(\d+)</text>', svg)]
    assert sum(counts) == len(latencies)
    assert counts == [5, 1, 1]  # 10-57.5 ms: five rows; 57.5-105: one; the last bin: 200
    assert svg.startswith("<svg") and "milliseconds per row" in svg
    assert charts.latency_histogram([]) == "<p class='muted'>no latencies</p>"


def test_failing_rows_come_first_with_everything_side_by_side_and_escaped():
    rows = [_row(i, ok=i % 3 != 0, latency=10.0 + i, hit=float(i % 3 != 0)) for i in range(9)]
    summary = runner.summarise(rows, "grounded")
    stats.add_intervals(summary, rows)
    html = report.render(summary, rows)
    assert "<h2>Latency</h2><svg" in html
    assert "Worst rows: failing first" in html and "3 failing rows" in html
    shown = re.findall(r"<div class=\"row\"><b>(r\d)</b>", html)
    assert shown[:3] == ["r0", "r3", "r6"]  # the failing rows, before any passing one
    first = html.split('<div class="row"><b>r0</b>')[1].split('<div class="row">')[0]
    for heading in ("Question", "Answer", "Reference", "Retrieved passages (1)"):
        assert f"<h4>{heading}</h4>" in first
    assert "<div class='side'>" in first
    # untrusted text is text: no tag the data brought survives
    assert "script" not in _tags(html) and "img" not in _tags(html)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_many_failing_rows_are_all_listed_up_to_the_cap():
    rows = [_row(i, ok=False, latency=5.0, hit=0.0) for i in range(report.MAX_ROWS_SHOWN + 5)]
    html = report.render(runner.summarise(rows, "grounded"), rows)
    assert len(re.findall(r"<div class=\"row\">", html)) == report.MAX_ROWS_SHOWN
    assert f"(the first {report.MAX_ROWS_SHOWN} shown)" in html


def test_compare_shows_a_per_row_diff_with_both_answers():
    before = [
        _row(0, ok=True, latency=10, answer="old right answer"),
        _row(1, ok=False, latency=10, answer=f"old wrong {EVIL}", hit=0.0),
        _row(2, ok=True, latency=10, answer="unchanged"),
    ]
    now = [
        _row(0, ok=False, latency=12, answer="new wrong answer", hit=0.0),
        _row(1, ok=True, latency=12, answer="new right answer"),
        _row(2, ok=True, latency=12, answer="unchanged"),
    ]
    earlier = {r.id: r.model_dump(mode="json") for r in before}
    summary = runner.summarise(now, "grounded")
    summary["compare"] = {"against": "earlier", **stats.paired(now, earlier)}
    html = report.render(summary, now, earlier_rows=earlier)
    diff = html.split("<h3>What changed, row by row</h3>")[1].split("<h2>")[0]
    assert "2 rows changed, 1 stayed the same" in diff
    r0 = diff.split("<b>r0</b>")[1].split("<b>r1</b>")[0]
    assert "<span class='bad'>regressed</span>" in r0
    assert "ok: ok → failed" in r0 and "hit_at_3: 1.000 → 0.000" in r0
    assert "old right answer" in r0 and "new wrong answer" in r0
    r1 = diff.split("<b>r1</b>")[1]
    assert "<span class='good'>improved</span>" in r1 and "ok: failed → ok" in r1
    assert "old wrong &lt;script&gt;" in r1 and "<b>r2</b>" not in diff
    assert "script" not in _tags(html)
