"""The committed baseline (``evals/baseline``) is fresh: it was produced by the code,
prompts, corpus and dataset now in the tree, covers both splits, and the README's table
is the one generated from it. After changing anything that answers, run
``make eval-baseline`` (it re-runs the set, resets the gate and rewrites the table)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.eval import sources, summary_tables
from advisor.eval.dataset import load_dataset

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "evals" / "reference_qa.jsonl"
BASELINE = ROOT / "evals" / "baseline"


@pytest.fixture(scope="module")
def baseline() -> dict:  # type: ignore[type-arg]
    return json.loads((BASELINE / "summary.json").read_text(encoding="utf-8"))


def test_the_baseline_was_made_by_the_code_now_in_the_tree(baseline):
    recorded = baseline.get("sources")
    assert recorded, "evals/baseline/summary.json records no sources hash: run `make eval-baseline`"
    current = sources.fingerprint(DATASET)
    if recorded["hash"] != current["hash"]:
        changed = "\n  ".join(sources.changes(recorded, current))
        pytest.fail(
            "evals/baseline is stale: the code, prompts, corpus or dataset that produce the "
            f"answers changed since it was made:\n  {changed}\n"
            "Re-run the reference set and commit the result: `make eval-baseline`"
        )


def test_the_baseline_covers_both_splits_of_the_whole_set(baseline):
    rows = load_dataset(DATASET)
    assert baseline["engine"] == "grounded" and baseline["split"] == "all"
    assert baseline["rows"] == len(rows)
    for split in ("dev", "test"):
        assert baseline["by_split"][split]["rows"] == sum(r.split_name == split for r in rows)
    results = (BASELINE / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in results] == [r.id for r in rows]


def test_the_readme_table_is_generated_from_the_committed_baseline(baseline):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == summary_tables.update_readme(readme, baseline), (
        "README.md's baseline table differs from evals/baseline/summary.json: run "
        "`python -m advisor.eval.report --readme` (make eval-baseline does)"
    )


def test_the_readme_generator_rewrites_only_between_its_markers(baseline):
    text = f"intro\n{summary_tables.README_START}\nold table\n{summary_tables.README_END}\noutro\n"
    updated = summary_tables.update_readme(text, baseline)
    assert updated.startswith("intro\n") and updated.endswith(
        f"{summary_tables.README_END}\noutro\n"
    )
    assert "old table" not in updated
    table = summary_tables.readme_table(baseline)
    assert table in updated and "| `hit_at_3` |" in table
    assert f"test ({baseline['by_split']['test']['rows']})" in table
    with pytest.raises(ValueError, match="exactly one"):
        summary_tables.update_readme("no markers here", baseline)


def test_the_fingerprint_names_what_changed(tmp_path: Path):
    engines = tmp_path / "advisor" / "answering" / "engines"
    engines.mkdir(parents=True)
    (tmp_path / "advisor" / "conversation").mkdir()
    (tmp_path / "corpus").mkdir()
    (tmp_path / "advisor" / "answering" / "service.py").write_text("a = 1\n")
    (engines / "grounded.py").write_text("b = 1\n")
    (tmp_path / "advisor" / "unrelated.py").write_text("c = 1\n")
    (tmp_path / "corpus" / "one.md").write_text("text\n")
    dataset = tmp_path / "set.jsonl"
    dataset.write_text("{}\n")
    before = sources.fingerprint(dataset, root=tmp_path)
    assert set(before["files"]) == {
        "advisor/answering/service.py",
        "advisor/answering/engines/grounded.py",
        "corpus/one.md",
        "dataset",
    }
    (tmp_path / "advisor" / "unrelated.py").write_text("c = 2\n")
    assert sources.fingerprint(dataset, root=tmp_path) == before
    (engines / "grounded.py").write_text("b = 2\n")
    (tmp_path / "advisor" / "conversation" / "smalltalk.py").write_text("hi = 1\n")
    (tmp_path / "corpus" / "one.md").unlink()
    after = sources.fingerprint(dataset, root=tmp_path)
    assert after["hash"] != before["hash"]
    assert sources.changes(before, after) == [
        "changed: advisor/answering/engines/grounded.py",
        "new: advisor/conversation/smalltalk.py",
        "gone: corpus/one.md",
    ]
