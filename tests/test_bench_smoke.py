"""bench/smoke.py's check: a figure of latest.json missing from a smoke run (under its
name at the smoke sizes), a failed section, a target left without a value or a figure
that did not measure what its name says (``REQUIRES``) fails it."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def bench() -> tuple[ModuleType, ModuleType]:
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("run"), importlib.import_module("smoke")
    finally:
        sys.path.remove(str(BENCH))


def smoke_figures(run: ModuleType) -> dict[str, Any]:
    """latest.json's figures renamed as a smoke run names them, and a value for each
    target no full run has measured yet (a new section's)."""
    latest = json.loads((BENCH / "results" / "latest.json").read_text(encoding="utf-8"))
    out = {run.sized(k, run.SMOKE_SIZES): v for k, v in latest["figures"].items()}
    for key in run.TARGETS:
        out.setdefault(run.sized(key, run.SMOKE_SIZES), 1.0)
    for flag in run.REQUIRES.values():
        out[flag] = True  # a run that measured what each figure's name says
    return out


def test_figure_names_at_smoke_sizes(bench: tuple[ModuleType, ModuleType]) -> None:
    run, _ = bench
    assert run.sized("retrieval_p95_ms_100000", run.SMOKE_SIZES) == "retrieval_p95_ms_2000"
    assert run.sized("bm25_hit_share_10000", run.SMOKE_SIZES) == "bm25_hit_share_1000"
    assert run.sized("retrieval_p50_ms_1000", run.SMOKE_SIZES) == "retrieval_p50_ms_200"
    assert run.sized("retrieval_growth_1k_to_100k", run.SMOKE_SIZES) == (
        "retrieval_growth_200_to_2k"
    )
    assert run.sized("answer_p95_ms", run.SMOKE_SIZES) == "answer_p95_ms"


def test_a_complete_smoke_run_passes(bench: tuple[ModuleType, ModuleType]) -> None:
    run, smoke = bench
    figures = smoke_figures(run)
    verdicts = run.check(figures, run.SMOKE_SIZES)
    assert all(v["value"] is not None for v in verdicts.values())
    assert smoke.problems(figures, verdicts, None) == []


def test_a_missing_figure_or_failed_section_fails(bench: tuple[ModuleType, ModuleType]) -> None:
    run, smoke = bench
    figures = smoke_figures(run)
    del figures["retrieval_p95_ms_2000"]
    figures["eval_error"] = "section exited 1"
    found = smoke.problems(figures, run.check(figures, run.SMOKE_SIZES), None)
    assert "eval_error: section exited 1" in found
    assert any("retrieval_p95_ms_100000 (here retrieval_p95_ms_2000)" in p for p in found)
    assert "target retrieval_p95_ms_2000 has no value to compare" in found


def test_an_upload_time_counts_only_when_the_question_was_answered_from_the_upload(
    bench: tuple[ModuleType, ModuleType],
) -> None:
    run, _ = bench
    figures = {"upload_to_answer_s": 9.5, "upload_answered_from_it": True}
    assert run.check(figures)["upload_to_answer_s"]["met"] is True
    figures["upload_answered_from_it"] = False
    verdict = run.check(figures)["upload_to_answer_s"]
    assert verdict["met"] is False and verdict["why"] == "upload_answered_from_it is False"


def test_a_smoke_run_whose_upload_was_not_answered_from_the_upload_fails(
    bench: tuple[ModuleType, ModuleType],
) -> None:
    run, smoke = bench
    figures = smoke_figures(run)
    figures["upload_answered_from_it"] = False
    found = smoke.problems(figures, run.check(figures, run.SMOKE_SIZES), None)
    assert found == ["upload_answered_from_it is False: the figure it qualifies means nothing"]
