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
from advisor.eval.dataset import OUT_OF_SCOPE, Row
from advisor.sentences import strip_markers

if TYPE_CHECKING:
    from advisor.service import Advisor

# Per-row scores; the summary averages each over the rows where it applies.
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
)
RATE_METRICS = ("decline_rate_out_of_scope", "false_decline_rate")
LATENCY_METRICS = ("latency_p50_ms", "latency_p95_ms")
METRICS = ROW_METRICS + RATE_METRICS + LATENCY_METRICS
# Lower is better for these: they take ceilings, not floors.
LOWER_IS_BETTER = frozenset({"false_decline_rate", *LATENCY_METRICS})


class RowResult(BaseModel):
    """One line of ``results.jsonl``: the reference row plus what the advisor did."""

    id: str
    category: str
    user_input: str
    reference: str
    reference_contexts: list[str]
    response: str
    retrieved_contexts: list[str]
    declined: bool
    reason: str | None = None
    engine: str = ""
    latency_ms: float
    metrics: dict[str, float | None] = Field(default_factory=dict)
    ok: bool = False  # out of scope: declined; in scope: answered with a reference hit in the top 3
    error: str | None = None

    @property
    def in_scope(self) -> bool:
        return self.category != OUT_OF_SCOPE


def _score(row: Row, response: str, retrieved: list[str], declined: bool) -> dict[str, Any]:
    """Every per-row metric except semantic similarity (embedded in one batch later)."""
    scores: dict[str, float | None] = dict.fromkeys(ROW_METRICS)
    if row.in_scope:
        rank = m.first_hit(retrieved, row.reference_contexts)
        if row.reference_contexts:
            scores.update(
                hit_at_1=m.hit_at(rank, 1),
                hit_at_3=m.hit_at(rank, 3),
                hit_at_5=m.hit_at(rank, 5),
                mrr=m.reciprocal_rank(rank),
                context_recall=m.context_recall(retrieved, row.reference_contexts),
            )
        scores["rouge_l"] = m.rouge_l(response, row.reference)
    if not declined:
        passages = dict(enumerate(retrieved, start=1))
        scores["groundedness"] = m.groundedness(response, passages)
        scores["citation_precision"] = m.citation_precision(response, passages)
    return scores


def _ok(row: Row, declined: bool, scores: dict[str, float | None]) -> bool:
    if not row.in_scope:
        return declined
    return not declined and scores.get("hit_at_3") in (None, 1.0)


def run_rows(
    advisor: Advisor,
    rows: Sequence[Row],
    *,
    engine: str | None = None,
    k: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[RowResult]:
    """Ask every row, time it and score it. An empty library stops the run at once.

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
            answer = advisor.ask(row.user_input, k=k, engine=engine)
            response, declined, reason, used = (
                answer.answer,
                answer.declined,
                answer.reason,
                answer.engine,
            )
            retrieved = [c.text for c in answer.citations]
        except NotFoundError:
            raise
        except AdvisorError as exc:  # one broken row should not hide the other results
            response, declined, reason, used, retrieved = "", False, None, "", []
            error = str(exc)
        latency = (time.perf_counter() - started) * 1000
        scores = _score(row, response, retrieved, declined)
        results.append(
            RowResult(
                **row.model_dump(),
                response=response,
                retrieved_contexts=retrieved,
                declined=declined,
                reason=reason,
                engine=used,
                latency_ms=round(latency, 1),
                metrics=scores,
                ok=_ok(row, declined, scores),
                error=error,
            )
        )
        if progress is not None:
            progress(row.id)
    _add_similarity(advisor, results)
    return results


def _add_similarity(advisor: Advisor, results: list[RowResult]) -> None:
    """Cosine of answer and reference with the advisor's own embedder, one batch."""
    scored = [r for r in results if r.in_scope]
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
    """Means of the per-row metrics, guard rates and latency percentiles."""
    out: dict[str, float | None] = {}
    for name in ROW_METRICS:
        out[name] = _rounded(m.mean([r.metrics.get(name) for r in results]))
    outside = [float(r.declined) for r in results if not r.in_scope]
    inside = [float(r.declined) for r in results if r.in_scope]
    out["decline_rate_out_of_scope"] = _rounded(m.mean(outside))
    out["false_decline_rate"] = _rounded(m.mean(inside))
    latencies = [r.latency_ms for r in results]
    out["latency_p50_ms"] = _rounded(m.percentile(latencies, 50), 1)
    out["latency_p95_ms"] = _rounded(m.percentile(latencies, 95), 1)
    return out


def summarise(results: Sequence[RowResult], engine: str) -> dict[str, Any]:
    categories = sorted({r.category for r in results})
    return {
        "rows": len(results),
        "engine": engine,
        "metrics": aggregate(results),
        "by_category": {
            c: {
                "rows": sum(r.category == c for r in results),
                **aggregate([r for r in results if r.category == c]),
            }
            for c in categories
        },
    }


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
