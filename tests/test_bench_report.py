"""docs/performance.md's benchmark table is generated from bench/results/latest.json, never
typed."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _report() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "bench" / "report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PAGE = ROOT / "docs" / "performance.md"  # where `make bench` writes the table


def test_performance_page_table_is_generated_from_latest_json() -> None:
    report = _report()
    page = PAGE.read_text(encoding="utf-8")
    current = report.current_block(page)
    assert current is not None, "docs/performance.md has no bench table markers (bench/report.py)"
    expected = report.block(report.load())
    assert current == expected, (
        "docs/performance.md's bench table differs from bench/results/latest.json: "
        "run `.venv/bin/python bench/report.py --readme docs/performance.md`"
    )


def test_latest_json_is_one_whole_run() -> None:
    data = json.loads((ROOT / "bench" / "results" / "latest.json").read_text(encoding="utf-8"))
    assert data["full_run"] is True
    for key in ("date", "machine", "versions", "figures", "targets", "missed"):
        assert key in data, key
    assert data["machine"]["cpus"] and data["machine"]["cpu_model"]
    for name in ("python", "torch", "chromadb", "sentence-transformers"):
        assert data["versions"][name]
    missed = sorted(k for k, v in data["targets"].items() if not v["met"])
    assert missed == sorted(data["missed"])


def test_rewrite_replaces_only_the_block(tmp_path: Path) -> None:
    report = _report()
    data = report.load()
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# x\n\n## Performance\n\nbefore\n\n{report.BEGIN}\nold\n{report.END}\n\nafter\n",
        encoding="utf-8",
    )
    assert report.rewrite(readme, data) is True
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# x\n\n## Performance\n\nbefore\n\n")
    assert text.endswith("\n\nafter\n")
    assert report.current_block(text) == report.block(data)
    assert report.rewrite(readme, data) is False
