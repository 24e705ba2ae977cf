"""The committed baseline (``evals/baseline``) is fresh: it was produced by the code,
prompts, corpus and dataset now in the tree, covers both splits, and the README's table
is the one generated from it. After changing anything that answers, run
``make eval-baseline`` (it re-runs the set, rewrites the table and prints which metrics
moved; it never writes the gate's floors, which a person sets)."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from advisor.eval import gate, rebaseline, sources, summary_tables
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


def _one_module_tree(tmp_path: Path, text: str) -> Path:
    (tmp_path / "advisor" / "answering").mkdir(parents=True, exist_ok=True)
    (tmp_path / "advisor" / "answering" / "service.py").write_text(text, encoding="utf-8")
    return tmp_path


def test_comments_docstrings_and_formatting_keep_the_hash_and_a_constant_change_alters_it(
    tmp_path: Path,
):
    code = '"""What it does."""\n\nLIMIT = 3\n\n\ndef f(x):\n    """Doc."""\n    return x + LIMIT\n'
    root = _one_module_tree(tmp_path, code)
    before = sources.fingerprint(None, root=root)["hash"]
    for same in (
        code.replace("LIMIT = 3", "LIMIT = 3  # the most we show"),
        code.replace('"""What it does."""', '"""What it does, said at more length."""'),
        code.replace('    """Doc."""\n', ""),
        code.replace("return x + LIMIT", "return (\n        x\n        + LIMIT\n    )"),
    ):
        _one_module_tree(tmp_path, same)
        assert sources.fingerprint(None, root=root)["hash"] == before, same
    for different in (
        code.replace("LIMIT = 3", "LIMIT = 4"),
        code.replace("x + LIMIT", "LIMIT + x"),
        code.replace('    """Doc."""\n', '    """Doc."""\n    "a string that is not the first"\n'),
    ):
        _one_module_tree(tmp_path, different)
        assert sources.fingerprint(None, root=root)["hash"] != before, different


def test_a_yaml_file_counts_by_its_content_not_its_comments_or_layout(tmp_path: Path):
    prompts_dir = tmp_path / "advisor" / "prompts"
    prompts_dir.mkdir(parents=True)
    words = prompts_dir / "words.yaml"
    words.write_text("greetings:\n  - hi\n  - hello\n", encoding="utf-8")
    before = sources.fingerprint(None, root=tmp_path)["hash"]
    words.write_text("# what we greet\ngreetings: [hi, hello]  # two\n", encoding="utf-8")
    assert sources.fingerprint(None, root=tmp_path)["hash"] == before
    words.write_text("greetings: [hello, hi]\n", encoding="utf-8")
    assert sources.fingerprint(None, root=tmp_path)["hash"] != before


def test_a_text_prompt_counts_by_its_bytes(tmp_path: Path):
    prompts_dir = tmp_path / "advisor" / "prompts"
    prompts_dir.mkdir(parents=True)
    (prompts_dir / "system.txt").write_text("Answer from the passages.\n", encoding="utf-8")
    before = sources.fingerprint(None, root=tmp_path)["hash"]
    (prompts_dir / "system.txt").write_text("Answer from the passages.  \n", encoding="utf-8")
    assert sources.fingerprint(None, root=tmp_path)["hash"] != before


def test_make_eval_baseline_never_writes_the_gate_file():
    recipe = subprocess.run(
        ["make", "-n", "eval-baseline"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "advisor.eval.rebaseline" in recipe and "--gate evals/gate.toml" in recipe
    assert not re.search(r">>?\s*\S*gate\.toml|tee\s+\S*gate\.toml", recipe), recipe
    assert "advisor.eval.gate " not in recipe, "proposing floors is a separate command"


@pytest.fixture
def rebaseline_copy(tmp_path: Path, baseline) -> tuple[Path, Path, dict]:  # type: ignore[type-arg]
    readme, gate_file = tmp_path / "README.md", tmp_path / "gate.toml"
    shutil.copy(ROOT / "README.md", readme)
    shutil.copy(ROOT / "evals" / "gate.toml", gate_file)
    return readme, gate_file, copy.deepcopy(baseline)


def test_a_rebaseline_under_a_floor_fails_and_cannot_lower_the_floor(
    rebaseline_copy, baseline, capsys
):
    readme, gate_file, lower = rebaseline_copy
    floors, _ = gate.load_gate(gate_file)
    lower["by_split"]["test"]["metrics"]["hit_at_3"] = floors["hit_at_3"] - 0.2
    new, old = readme.parent / "new.json", readme.parent / "old.json"
    new.write_text(json.dumps(lower)), old.write_text(json.dumps(baseline))
    gate_before = gate_file.read_bytes()
    args = [str(new), "--previous", str(old), "--readme", str(readme), "--gate", str(gate_file)]
    assert rebaseline.main(args) == 1
    out, err = capsys.readouterr()
    assert gate_file.read_bytes() == gate_before, "the floors are never rewritten"
    assert "hit_at_3" in err and "under its floor" in err
    moved_value = f"{floors['hit_at_3'] - 0.2:.4g}"
    assert re.search(rf"hit_at_3 test \S+ -> {re.escape(moved_value)}", out), out
    assert summary_tables.readme_table(lower) in readme.read_text(encoding="utf-8")


def test_a_rebaseline_that_moves_nothing_says_so_and_passes(rebaseline_copy, baseline, capsys):
    readme, gate_file, same = rebaseline_copy
    new = readme.parent / "new.json"
    new.write_text(json.dumps(same))
    gate_before = gate_file.read_bytes()
    lines, failures = rebaseline.rebaseline(same, baseline, readme, gate_file)
    assert lines == [] and failures == []
    assert gate_file.read_bytes() == gate_before
    assert rebaseline.main([str(new), "--readme", str(readme), "--gate", str(gate_file)]) == 0
    assert "no previous baseline" in capsys.readouterr().out


def test_moved_lists_each_metric_and_split_that_changed(baseline):
    later = copy.deepcopy(baseline)
    later["by_split"]["dev"]["metrics"]["mrr"] = 0.0
    later["by_split"]["test"]["metrics"].pop("rouge_l")
    before_mrr = baseline["by_split"]["dev"]["metrics"]["mrr"]
    before_rouge = baseline["by_split"]["test"]["metrics"]["rouge_l"]
    assert rebaseline.moved(baseline, later) == [
        f"mrr dev {before_mrr:.4g} -> 0",
        f"rouge_l test {before_rouge:.4g} -> n/a",
    ]
