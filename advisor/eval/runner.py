"""Running reference rows through :meth:`Advisor.ask` (the path ``advisor ask`` takes),
scoring each answer, summarising, comparing with an earlier run and gating on floors."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from advisor.errors import AdvisorError, InputError, NotFoundError
from advisor.eval import metrics as m
from advisor.eval.dataset import DEFAULT_SPLIT, OUT_OF_SCOPE, SMALL_TALK, SPLITS, Row
from advisor.sentences import strip_markers

if TYPE_CHECKING:
    from advisor.service import Advisor

# Per-row scores; the summary averages each over the rows where it applies (the median
# for answer_words).
ROW_METRICS = (
    "hit_at_1",
    "hit_at_3",
    "hit_at_5",
    "mrr",
    "context_recall",
    "semantic_similarity",
    "rouge_l",
    "groundedness",
    "citation_precision",
    "answer_fact_recall",
    "filler_rate",
    "answer_words",
)
RATE_METRICS = ("decline_rate_out_of_scope", "false_decline_rate", "small_talk_rate")
LATENCY_METRICS = ("latency_p50_ms", "latency_p95_ms")
METRICS = ROW_METRICS + RATE_METRICS + LATENCY_METRICS
# Lower is better for these: they take ceilings, not floors.
LOWER_IS_BETTER = frozenset({"false_decline_rate", "filler_rate", "answer_words", *LATENCY_METRICS})
# No generated gate threshold: latencies measure the machine as much as the code, and
# the right length of an answer depends on the question.
UNGATED = frozenset({"answer_words", *LATENCY_METRICS})
MEDIAN_METRICS = frozenset({"answer_words"})


class RowResult(BaseModel):
    """One line of ``results.jsonl``: the reference row plus what the advisor did."""

    id: str
    category: str
    user_input: str
    reference: str
    reference_contexts: list[str]
    history: list[dict[str, str]] = Field(default_factory=list)
    split: str = DEFAULT_SPLIT
    response: str
    retrieved_contexts: list[str]
    declined: bool
    reason: str | None = None
    engine: str = ""
    question: str = ""  # the standalone question the advisor answered (follow-ups resolved)
    latency_ms: float
    metrics: dict[str, float | None] = Field(default_factory=dict)
    # out of scope: declined; small talk: a small-talk reply; the rest: answered with a
    # reference hit in the top 3
    ok: bool = False
    error: str | None = None

    @property
    def in_scope(self) -> bool:
        return self.category != OUT_OF_SCOPE

    @property
    def expects_answer(self) -> bool:
        """Neither a decline nor a small-talk reply is the right reply to this row."""
        return self.category not in (OUT_OF_SCOPE, SMALL_TALK)


def _score(
    row: Row, response: str, retrieved: list[str], declined: bool, reason: str | None = None
) -> dict[str, Any]:
    """Every per-row metric except semantic similarity and filler rate (they embed, and
    are added after the run). A small-talk reply cites nothing by design, so it has no
    groundedness or citation precision to judge."""
    scores: dict[str, float | None] = dict.fromkeys(ROW_METRICS)
    if row.expects == "answer":
        rank = m.first_hit(retrieved, row.reference_contexts)
        if row.reference_contexts:
            scores.update(
                hit_at_1=m.hit_at(rank, 1),
                hit_at_3=m.hit_at(rank, 3),
                hit_at_5=m.hit_at(rank, 5),
                mrr=m.reciprocal_rank(rank),
                context_recall=m.context_recall(retrieved, row.reference_contexts),
                answer_fact_recall=m.answer_fact_recall(
                    "" if declined else response, row.reference_contexts
                ),
            )
        scores["rouge_l"] = m.rouge_l(response, row.reference)
    if not declined and reason != SMALL_TALK:
        passages = dict(enumerate(retrieved, start=1))
        scores["groundedness"] = m.groundedness(response, passages)
        scores["citation_precision"] = m.citation_precision(response, passages)
    if not declined and response:
        scores["answer_words"] = float(m.answer_words(response))
    return scores


def _ok(row: Row, declined: bool, reason: str | None, scores: dict[str, float | None]) -> bool:
    if row.expects == "decline":
        return declined
    if row.expects == "small_talk":
        return not declined and reason == SMALL_TALK
    return not declined and scores.get("hit_at_3") in (None, 1.0)


def run_rows(
    advisor: Advisor,
    rows: Sequence[Row],
    *,
    engine: str | None = None,
    k: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[RowResult]:
    """Ask every row (with its ``history``), time it and score it. An empty library
    stops the run at once.

    One untimed question first loads the lazy parts (store, guard anchors, engine), so
    the latencies describe answering, not start-up."""
    results: list[RowResult] = []
    if rows:
        try:
            advisor.ask(rows[0].user_input, k=k, engine=engine)
        except NotFoundError:
            raise
        except AdvisorError:
            pass  # the row itself will record the error
    for row in rows:
        started = time.perf_counter()
        error = None
        try:
            answer = advisor.ask(row.user_input, history=row.history_dicts(), k=k, engine=engine)
            response, declined, reason, used, standalone = (
                answer.answer,
                answer.declined,
                answer.reason,
                answer.engine,
                answer.question,
            )
            retrieved = [c.text for c in answer.citations]
        except NotFoundError:
            raise
        except AdvisorError as exc:  # one broken row should not hide the other results
            response, declined, reason, used, standalone, retrieved = "", False, None, "", "", []
            error = str(exc)
        latency = (time.perf_counter() - started) * 1000
        scores = _score(row, response, retrieved, declined, reason)
        results.append(
            RowResult(
                **row.model_dump(exclude={"split"}),
                split=row.split_name,
                response=response,
                retrieved_contexts=retrieved,
                declined=declined,
                reason=reason,
                engine=used,
                question=standalone,
                latency_ms=round(latency, 1),
                metrics=scores,
                ok=_ok(row, declined, reason, scores),
                error=error,
            )
        )
        if progress is not None:
            progress(row.id)
    _add_similarity(advisor, results)
    _add_filler(advisor, results)
    return results


def _add_filler(advisor: Advisor, results: list[RowResult]) -> None:
    """Filler rate of every answer to a row that wants one (the advisor's embedder)."""
    for r in results:
        if r.expects_answer and not r.declined and r.response:
            r.metrics["filler_rate"] = m.filler_rate(
                r.response, r.user_input, r.reference, r.reference_contexts, advisor.embedder.embed
            )


def _add_similarity(advisor: Advisor, results: list[RowResult]) -> None:
    """Cosine of answer and reference with the advisor's own embedder, one batch."""
    scored = [r for r in results if r.expects_answer]
    if not scored:
        return
    answers = [strip_markers(r.response) or " " for r in scored]
    vectors = advisor.embedder.embed(answers + [r.reference for r in scored])
    for i, result in enumerate(scored):
        value = m.cosine(vectors[i], vectors[len(scored) + i]) if result.response else 0.0
        result.metrics["semantic_similarity"] = value


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def aggregate(results: Sequence[RowResult]) -> dict[str, float | None]:
    """Means of the per-row metrics (median words), guard rates and latency percentiles.

    The decline rate is over out-of-scope rows, the small-talk rate over small-talk rows,
    and the false-decline rate over the rows that want an answer: small talk is neither."""
    out: dict[str, float | None] = {}
    for name in ROW_METRICS:
        values = [r.metrics.get(name) for r in results]
        out[name] = _rounded(m.median(values) if name in MEDIAN_METRICS else m.mean(values))
    outside = [float(r.declined) for r in results if r.category == OUT_OF_SCOPE]
    inside = [float(r.declined) for r in results if r.expects_answer]
    chat = [
        float(not r.declined and r.reason == SMALL_TALK)
        for r in results
        if r.category == SMALL_TALK
    ]
    out["decline_rate_out_of_scope"] = _rounded(m.mean(outside))
    out["false_decline_rate"] = _rounded(m.mean(inside))
    out["small_talk_rate"] = _rounded(m.mean(chat))
    latencies = [r.latency_ms for r in results]
    out["latency_p50_ms"] = _rounded(m.percentile(latencies, 50), 1)
    out["latency_p95_ms"] = _rounded(m.percentile(latencies, 95), 1)
    return out


def _by_category(results: Sequence[RowResult]) -> dict[str, dict[str, Any]]:
    categories = sorted({r.category for r in results})
    return {
        c: {
            "rows": sum(r.category == c for r in results),
            **aggregate([r for r in results if r.category == c]),
        }
        for c in categories
    }


def summarise(
    results: Sequence[RowResult],
    engine: str,
    *,
    split: str = "all",
    sources: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Metrics over the run, per category, and per split (each again per category).

    ``sources`` (:func:`advisor.eval.sources.fingerprint`, taken before the run) is
    recorded as is: the hash of the code, prompts, corpus and dataset that produced these
    answers, so a committed baseline can tell when it is stale."""
    summary: dict[str, Any] = {
        "rows": len(results),
        "engine": engine,
        "split": split,
        "metrics": aggregate(results),
        "by_category": _by_category(results),
        "by_split": {
            name: {
                "rows": len(part),
                "metrics": aggregate(part),
                "by_category": _by_category(part),
            }
            for name in SPLITS
            if (part := [r for r in results if r.split == name])
        },
    }
    if sources is not None:
        summary["sources"] = sources
    return summary


def write_run(
    out: Path, results: Sequence[RowResult], summary: dict[str, Any], report_html: str
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.jsonl").open("w", encoding="utf-8") as fh:
        for r in results:
            fh.write(json.dumps(r.model_dump(mode="json"), ensure_ascii=False) + "\n")
    (out / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / "report.html").write_text(report_html, encoding="utf-8")


# --- comparing with an earlier run -------------------------------------------------------


class Earlier(BaseModel):
    summary: dict[str, Any]
    ok: dict[str, bool]  # row id -> ok; empty when the earlier run kept no results.jsonl


def load_earlier(folder: Path) -> Earlier:
    path = folder / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no summary.json to compare with (give a run folder)") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a JSON summary") from exc
    if not isinstance(summary, dict) or not isinstance(summary.get("metrics"), dict):
        raise InputError(f"{path}: has no 'metrics' object; is it an eval summary?")
    ok: dict[str, bool] = {}
    results = folder / "results.jsonl"
    if results.exists():
        for line in results.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                ok[str(row["id"])] = bool(row.get("ok"))
    return Earlier(summary=summary, ok=ok)


def compare_table(summary: dict[str, Any], earlier: Earlier) -> list[tuple[str, Any, Any, Any]]:
    """(metric, earlier, now, change) for every metric either run has."""
    before, now = earlier.summary["metrics"], summary["metrics"]
    rows = []
    for name in [*METRICS, *[k for k in before if k not in METRICS]]:
        if name not in before and name not in now:
            continue
        a, b = before.get(name), now.get(name)
        change = (
            round(b - a, 4) if isinstance(a, int | float) and isinstance(b, int | float) else None
        )
        rows.append((name, a, b, change))
    return rows


def flipped(results: Sequence[RowResult], earlier: Earlier) -> list[tuple[RowResult, bool]]:
    """Rows whose pass/fail changed, with the earlier verdict."""
    return [
        (r, earlier.ok[r.id]) for r in results if r.id in earlier.ok and earlier.ok[r.id] != r.ok
    ]
