"""Running reference rows through :meth:`Advisor.ask` (the path ``advisor ask`` takes),
scoring each answer and summarising. A run's files and ``--resume`` are in
:mod:`advisor.eval.runfolder`; comparing with an earlier run in :mod:`advisor.eval.earlier`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from advisor.core.errors import AdvisorError, NotFoundError
from advisor.core.sentences import strip_markers
from advisor.eval import expectations
from advisor.eval import metrics as m
from advisor.eval.dataset import DEFAULT_SPLIT, OUT_OF_SCOPE, SMALL_TALK, SPLITS, Row
from advisor.eval.metric_specs import (
    BY_NAME,
    JUDGE_METRICS,
    LATENCY_METRICS,
    PASSAGE_METRICS,
    RATE_METRICS,
    ROW_METRICS,
)
from advisor.eval.metric_specs import METRICS as METRICS  # re-exported for callers
from advisor.eval.targets import AdvisorTarget, Reply, Target

if TYPE_CHECKING:
    from advisor.answering.service import Advisor
    from advisor.embeddings import Embedder


def judged(rows: Sequence[RowResult | dict[str, Any]]) -> list[str]:
    """The judge metrics these rows carry (none without ``--judge``)."""
    present: set[str] = set()
    for r in rows:
        present.update((r.metrics if isinstance(r, RowResult) else r.get("metrics") or {}).keys())
    return [name for name in JUDGE_METRICS if name in present]


def not_measured(rows: Sequence[RowResult | dict[str, Any]]) -> list[str]:
    """The metrics no row could measure: the passage metrics when the target showed no
    passages, the guard rates when it never said whether it declined. They are reported
    as not measured, never as zero."""
    dicts = [r.model_dump(mode="json") if isinstance(r, RowResult) else r for r in rows]
    if not dicts:
        return []
    out: list[str] = []
    if not any(d.get("measured", True) for d in dicts):
        out += PASSAGE_METRICS
    if all(d.get("declined") is None for d in dicts):
        out += RATE_METRICS
    return out


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
    declined: bool | None  # None: the target does not say whether it declined
    reason: str | None = None
    engine: str = ""
    question: str = ""  # the standalone question the advisor answered (follow-ups resolved)
    latency_ms: float
    metrics: dict[str, float | None] = Field(default_factory=dict)
    # out of scope: declined; small talk: a small-talk reply; the rest: answered with a
    # reference hit in the top 3
    ok: bool = False
    error: str | None = None
    # False: the target showed no passages, so retrieval and citation metrics are not
    # measured for this row (None, never zero)
    measured: bool = True
    # with --judge: the judge's model, the prompts sent, its raw replies and scores
    judge: dict[str, Any] | None = None
    # worked-answer rows (advisor.eval.expectations): what the row expects, what the
    # advisor's router did, and what the answer missed
    expected_route: str | None = None
    route: str | None = None
    missed: list[str] = Field(default_factory=list)

    @property
    def in_scope(self) -> bool:
        return self.category != OUT_OF_SCOPE and self.expected_route != "decline"

    @property
    def expects_answer(self) -> bool:
        """Neither a decline nor a small-talk reply is the right reply to this row."""
        return self.in_scope and self.category != SMALL_TALK

    @property
    def worked(self) -> bool:
        """A worked-answer row: scored by what it expects (expectations_met), not by
        text likeness to its reference or citations (a calculation cites nothing)."""
        return self.expected_route is not None


def _score(row: Row, reply: Reply) -> dict[str, Any]:
    """Every per-row metric except semantic similarity and filler rate (they embed, and
    are added after the run). A small-talk reply cites nothing by design, so it has no
    groundedness or citation precision to judge. A target that shows no passages
    (``reply.passages is None``) leaves the retrieval and citation metrics unmeasured."""
    scores: dict[str, float | None] = dict.fromkeys(ROW_METRICS)
    response, retrieved, declined = reply.response, reply.retrieved, bool(reply.declined)
    shown = reply.passages is not None
    scores["expectations_met"] = expectations.met(row, reply)
    if row.expected_route is not None:
        return scores  # a worked-answer row: see RowResult.worked
    if row.expects == "answer":
        if row.reference_contexts:
            if shown:
                rank = m.first_hit(retrieved, row.reference_contexts)
                scores.update(
                    hit_at_1=m.hit_at(rank, 1),
                    hit_at_3=m.hit_at(rank, 3),
                    hit_at_5=m.hit_at(rank, 5),
                    mrr=m.reciprocal_rank(rank),
                    context_recall=m.context_recall(retrieved, row.reference_contexts),
                )
            scores["answer_fact_recall"] = m.answer_fact_recall(
                "" if declined else response, row.reference_contexts
            )
        scores["rouge_l"] = m.rouge_l(response, row.reference)
    if shown and not declined and reply.reason != SMALL_TALK:
        passages = reply.passages or {}
        scores["groundedness"] = m.groundedness(m.claims(response, reply.route), passages)
        scores["citation_precision"] = m.citation_precision(response, passages)
    if not declined and response:
        scores["answer_words"] = float(m.answer_words(response))
    return scores


def _ok(row: Row, reply: Reply, scores: dict[str, float | None]) -> bool:
    """A row whose right reply is a decline cannot pass against a target that does not
    say whether it declined."""
    declined = bool(reply.declined)
    if scores.get("expectations_met") == 0.0:
        return False
    if row.expects == "decline":
        return declined
    if row.expects == "small_talk":
        return not declined and reply.reason == SMALL_TALK
    return not declined and scores.get("hit_at_3") in (None, 1.0)


def _result(row: Row, reply: Reply, latency_ms: float, error: str | None = None) -> RowResult:
    scores = _score(row, reply)
    return RowResult(
        **row.model_dump(include=set(RowResult.model_fields) - {"split"}),
        route=reply.route,
        missed=expectations.failures(row, reply) if row.checks else [],
        split=row.split_name,
        response=reply.response,
        retrieved_contexts=reply.retrieved,
        declined=reply.declined,
        reason=reply.reason,
        engine=reply.engine,
        question=reply.question,
        latency_ms=round(latency_ms, 1),
        metrics=scores,
        ok=error is None and _ok(row, reply, scores),
        error=error,
        measured=reply.passages is not None,
    )


def _ask(target: Target, row: Row, timeout: float | None) -> RowResult:
    """One row, timed. An :class:`AdvisorError` (or running past ``timeout`` seconds)
    is that row's error; the run goes on. A timed-out call is left to finish on its own
    daemon thread: Python cannot stop a thread, and its late answer is dropped."""
    box: dict[str, Any] = {}

    def call() -> None:
        started = time.perf_counter()
        try:
            box["reply"] = target.answer(row)
        except BaseException as exc:  # handed to the caller's thread below
            box["exc"] = exc
        box["latency"] = (time.perf_counter() - started) * 1000

    if timeout is None:
        call()
    else:
        worker = threading.Thread(target=call, name=f"eval-{row.id}", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            return _result(row, target.nothing(), timeout * 1000, f"timed out after {timeout:g} s")
    exc = box.get("exc")
    if isinstance(exc, NotFoundError):
        raise exc
    if isinstance(exc, AdvisorError):  # one broken row should not hide the other results
        return _result(row, target.nothing(), box["latency"], str(exc))
    if exc is not None:
        raise exc
    return _result(row, box["reply"], box["latency"])


def run_target(
    target: Target,
    rows: Sequence[Row],
    embedder: Embedder,
    *,
    workers: int = 1,
    timeout: float | None = None,
    finished: Sequence[RowResult] = (),
    on_result: Callable[[RowResult], None] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[RowResult]:
    """Ask ``target`` every row not in ``finished`` (``workers`` at a time), score each,
    hand each result to ``on_result`` as it finishes, then add the embedding metrics
    over every row. Results come back in the dataset's order.

    One untimed question first loads the lazy parts (store, guard anchors, engine; a
    target that is down stops the run here), so the latencies describe answering."""
    done = {r.id: r for r in finished}
    todo = [row for row in rows if row.id not in done]
    if todo:
        target.warm_up(todo[0])
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="eval") as pool:
        futures = [pool.submit(_ask, target, row, timeout) for row in todo]
        try:
            for future in as_completed(futures):
                result = future.result()
                done[result.id] = result
                if on_result is not None:
                    on_result(result)
                if progress is not None:
                    progress(result.id)
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    results = [done[row.id] for row in rows if row.id in done]
    _add_similarity(embedder, results)
    _add_filler(embedder, results)
    return results


def run_rows(
    advisor: Advisor,
    rows: Sequence[Row],
    *,
    engine: str | None = None,
    k: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[RowResult]:
    """Ask this advisor every row (with its ``history``), time it and score it, one at
    a time. An empty library stops the run at once."""
    target = AdvisorTarget(advisor, engine=engine, k=k)
    return run_target(target, rows, advisor.embedder, progress=progress)


def _add_filler(embedder: Embedder, results: list[RowResult]) -> None:
    """Filler rate of every answer to a row that wants one (the advisor's embedder)."""
    for r in results:
        if r.expects_answer and not r.worked and not r.declined and r.response:
            r.metrics["filler_rate"] = m.filler_rate(
                m.claims(r.response, r.route),
                r.user_input,
                r.reference,
                r.reference_contexts,
                embedder.embed,
            )


def _add_similarity(embedder: Embedder, results: list[RowResult]) -> None:
    """Cosine of answer and reference with the advisor's own embedder, one batch."""
    scored = [r for r in results if r.expects_answer and not r.worked]
    if not scored:
        return
    answers = [strip_markers(r.response) or " " for r in scored]
    vectors = embedder.embed(answers + [r.reference for r in scored])
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
        median = BY_NAME[name].statistic == "median"
        out[name] = _rounded(m.median(values) if median else m.mean(values))
    for name in judged(results):
        out[name] = _rounded(m.mean([r.metrics.get(name) for r in results]))
    said = [r for r in results if r.declined is not None]  # targets that say
    outside = [float(bool(r.declined)) for r in said if r.category == OUT_OF_SCOPE]
    inside = [float(bool(r.declined)) for r in said if r.expects_answer]
    chat = [
        float(not r.declined and r.reason == SMALL_TALK) for r in said if r.category == SMALL_TALK
    ]
    out["decline_rate_out_of_scope"] = _rounded(m.mean(outside))
    out["false_decline_rate"] = _rounded(m.mean(inside))
    out["small_talk_rate"] = _rounded(m.mean(chat))
    latencies = [r.latency_ms for r in results]
    for name in LATENCY_METRICS:
        at = {"p50": 50, "p95": 95}[BY_NAME[name].statistic]
        out[name] = _rounded(m.percentile(latencies, at), BY_NAME[name].digits)
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
    missing = not_measured(results)
    if missing:
        summary["not_measured"] = missing
    if sources is not None:
        summary["sources"] = sources
    return summary
