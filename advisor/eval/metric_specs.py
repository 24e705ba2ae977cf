"""Every eval metric described once: its name, which way is better, whether the gate
checks it, how rows are aggregated into it, whether it needs the target's passages, and
how its value is written. The runner, the gate, the statistics, the report and the
tables read these descriptions; the tuples below (``ROW_METRICS``, ``LOWER_IS_BETTER``,
...) are views of them, never lists of their own.

The order of :data:`ALL` is the order of every summary, table and report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["row", "rate", "latency", "judge"]
Statistic = Literal["mean", "median", "p50", "p95"]
Unit = Literal["score", "count", "ms"]


@dataclass(frozen=True)
class Metric:
    """``kind``: ``row`` (scored per row), ``rate`` (a share of rows of some kind: the
    guard's), ``latency`` (of every row), ``judge`` (scored by an LLM judge, with
    ``--judge`` only). ``gated``: the gate proposes a threshold for it (latencies measure
    the machine as much as the code; the right length of an answer depends on the
    question). ``statistic``: how the rows' values become the summary's. ``unit``: a
    ``score`` in [0, 1], a ``count`` or milliseconds: how the value is written."""

    name: str
    kind: Kind
    lower_is_better: bool = False
    gated: bool = True
    statistic: Statistic = "mean"
    needs_passages: bool = False  # measured only when the target shows its passages
    unit: Unit = "score"
    ranks_rows: bool = False  # one of the scores the report ranks its weakest rows by

    @property
    def digits(self) -> int:
        """Decimals a summary keeps."""
        return 1 if self.unit == "ms" else 4

    @property
    def on_unit_scale(self) -> bool:
        """A value in [0, 1] (drawn as a bar)."""
        return self.unit == "score"

    def plain(self, value: float) -> str:
        """As the terminal and the README write it."""
        if self.unit == "ms":
            return f"{value:.0f} ms"
        return f"{value:.0f}" if self.unit == "count" else f"{value:.2f}"

    def precise(self, value: float) -> str:
        """As the report's tables write it (a score to three decimals)."""
        if self.unit == "ms":
            return f"{value:.0f} ms"
        return f"{value:.0f}" if self.unit == "count" else f"{value:.3f}"

    def interval(self, lo: float, hi: float) -> str:
        """A 95% interval, as coarse as the table it sits in."""
        if self.unit == "score":
            return f"[{lo:.2f}, {hi:.2f}]"
        return f"[{lo:.0f}, {hi:.0f}]"


def _retrieval(name: str, *, ranks_rows: bool = False) -> Metric:
    return Metric(name, "row", needs_passages=True, ranks_rows=ranks_rows)


ALL: tuple[Metric, ...] = (
    _retrieval("hit_at_1"),
    _retrieval("hit_at_3", ranks_rows=True),
    _retrieval("hit_at_5"),
    _retrieval("mrr"),
    _retrieval("context_recall", ranks_rows=True),
    Metric("semantic_similarity", "row", ranks_rows=True),
    Metric("rouge_l", "row"),
    _retrieval("groundedness", ranks_rows=True),
    _retrieval("citation_precision"),
    Metric("answer_fact_recall", "row"),
    Metric("filler_rate", "row", lower_is_better=True),
    Metric(
        "answer_words", "row", lower_is_better=True, gated=False, statistic="median", unit="count"
    ),
    Metric("expectations_met", "row"),
    Metric("decline_rate_out_of_scope", "rate"),
    Metric("false_decline_rate", "rate", lower_is_better=True),
    Metric("small_talk_rate", "rate"),
    Metric(
        "latency_p50_ms", "latency", lower_is_better=True, gated=False, statistic="p50", unit="ms"
    ),
    Metric(
        "latency_p95_ms", "latency", lower_is_better=True, gated=False, statistic="p95", unit="ms"
    ),
    Metric("faithfulness", "judge", needs_passages=True),
    Metric("answer_correctness", "judge"),
    Metric("context_precision", "judge", needs_passages=True),
)
BY_NAME: dict[str, Metric] = {metric.name: metric for metric in ALL}


def metric(name: str) -> Metric | None:
    """The description of ``name``, or None for a name that is not a metric."""
    return BY_NAME.get(name)


def _names(*kinds: Kind) -> tuple[str, ...]:
    return tuple(m.name for m in ALL if m.kind in kinds)


# Views of ALL, in its order
ROW_METRICS = _names("row")  # scored per row; the summary aggregates them
RATE_METRICS = _names("rate")
LATENCY_METRICS = _names("latency")
METRICS = _names("row", "rate", "latency")  # every summary has these
JUDGE_METRICS = _names("judge")  # with --judge only
LOWER_IS_BETTER = frozenset(m.name for m in ALL if m.lower_is_better)  # take ceilings
UNGATED = frozenset(m.name for m in ALL if not m.gated)
MEDIAN_METRICS = frozenset(m.name for m in ALL if m.kind == "row" and m.statistic == "median")
PASSAGE_METRICS = tuple(m.name for m in ALL if m.kind == "row" and m.needs_passages)
RANKING_METRICS = tuple(m.name for m in ALL if m.ranks_rows)
GATED = tuple(n for n in METRICS if n not in UNGATED)
