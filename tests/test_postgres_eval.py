"""Retrieval on PostgreSQL's full-text side stays as good as on SQLite's FTS5 BM25: the
eval's test split, run on both backends over the same corpus, within 0.02 hit@3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import ROOT

from advisor.interfaces.cli.main import run

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

DATASET = ROOT / "evals" / "reference_qa.jsonl"


def _eval(out: Path) -> dict[str, float]:
    args = ["eval", "--dataset", str(DATASET), "--engine", "grounded", "--split", "test"]
    try:
        run([*args, "--out", str(out), "-q"])
    except SystemExit as exc:
        assert not exc.code, f"advisor eval failed (report: {out / 'report.html'})"
    metrics: dict[str, float] = json.loads((out / "summary.json").read_text())["metrics"]
    return metrics


def test_hit_at_3_on_postgres_is_within_two_points_of_sqlite(
    home_copy: Path, postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from advisor.core.settings import get_settings

    sqlite = _eval(tmp_path / "sqlite-run")

    monkeypatch.setenv("ADVISOR_HOME", str(tmp_path / "pg-home"))
    monkeypatch.setenv("ADVISOR_DATABASE_URL", postgres_url)
    get_settings.cache_clear()
    try:
        run(["ingest", "--quiet"])
    except SystemExit as exc:
        assert not exc.code, "advisor ingest into PostgreSQL failed"
    assert not (tmp_path / "pg-home" / "index.sqlite3").exists(), "the manifest is in PostgreSQL"
    postgres = _eval(tmp_path / "pg-run")

    assert postgres["hit_at_3"] >= sqlite["hit_at_3"] - 0.02, (postgres, sqlite)
    assert postgres["context_recall"] >= sqlite["context_recall"] - 0.05, (postgres, sqlite)
