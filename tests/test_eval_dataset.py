"""The reference Q&A file: strict validation with line-numbered errors (history turns,
splits and categories included), the stratified dev/test split, and the committed
reference set's quotes really are in the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.core.errors import InputError
from advisor.eval.dataset import (
    CATEGORIES,
    OUT_OF_SCOPE,
    assign_splits,
    load_dataset,
    missing_quotes,
    parse_lines,
    select_split,
)

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "evals" / "reference_qa.jsonl"
GOOD = {
    "id": "q1",
    "category": "fact",
    "user_input": "how do REITs pay out?",
    "reference": "Dividends from rental income.",
    "reference_contexts": ["Investors receive dividends"],
}


def _lines(*objs: object) -> list[str]:
    return [o if isinstance(o, str) else json.dumps(o) for o in objs]


OUTSIDE = {**GOOD, "id": "q2", "category": OUT_OF_SCOPE, "reference_contexts": []}
TURNS = [
    {"role": "user", "content": "What is a REIT?"},
    {"role": "assistant", "content": "A trust that owns property."},
]
FOLLOW_UP = {**GOOD, "id": "q3", "category": "multi_turn", "history": TURNS, "split": "dev"}


def test_a_valid_file_gives_rows_and_skips_blank_lines():
    rows = parse_lines(_lines(GOOD, "", OUTSIDE, FOLLOW_UP))
    assert [r.id for r in rows] == ["q1", "q2", "q3"]
    assert rows[0].in_scope and not rows[1].in_scope
    assert [r.expects for r in rows] == ["answer", "decline", "answer"]
    assert rows[2].history_dicts() == TURNS
    # a row without a split is a test row: it was never tuned on
    assert [r.split_name for r in rows] == ["test", "test", "dev"]
    assert [r.id for r in select_split(rows, "dev")] == ["q3"]
    assert [r.id for r in select_split(rows, "test")] == ["q1", "q2"]
    assert len(select_split(rows, "all")) == 3
    with pytest.raises(InputError, match="use dev, test or all"):
        select_split(rows, "train")
    with pytest.raises(InputError, match="no dev rows"):
        select_split(rows[:2], "dev")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('{"id": "q2", "category": ', "line 2: not valid JSON"),
        ("[1, 2]", "line 2: expected a JSON object, got list"),
        ({k: v for k, v in GOOD.items() if k != "reference"}, "line 2: missing field 'reference'"),
        ({**GOOD, "id": "q2", "answer": "x"}, "line 2: unknown field 'answer'"),
        ({**GOOD, "id": "q2", "reference_contexts": "one"}, "line 2: field 'reference_contexts'"),
        (
            {**GOOD, "id": "q2", "reference_contexts": ["ok", 3]},
            "field 'reference_contexts\\[1\\]'",
        ),
        ({**GOOD, "user_input": "  "}, "line 2: field 'user_input'"),
        (GOOD, "line 2: field 'id': 'q1' already used on line 1"),
        (
            {**GOOD, "id": "q2", "category": "two words!"},
            "line 2: field 'category': category 'two words!' is not a label",
        ),
        (
            {**GOOD, "id": "q2", "split": "train"},
            "line 2: field 'split': Input should be 'dev' or 'test'",
        ),
        (
            {**FOLLOW_UP, "history": [{"role": "bot", "content": "hi"}]},
            "field 'history\\[0\\]\\[role\\]'",
        ),
        (
            {**FOLLOW_UP, "history": [{"role": "user"}]},
            "missing field 'history\\[0\\]\\[content\\]'",
        ),
        (
            {**FOLLOW_UP, "history": [{"role": "user", "content": "x", "name": "a"}]},
            "field 'history\\[0\\]\\[name\\]': unknown field",
        ),
        (
            {**FOLLOW_UP, "history": "What is a REIT?"},
            "field 'history': Input should be a valid list",
        ),
        ({**FOLLOW_UP, "history": []}, "line 2: field 'history': a multi_turn row needs"),
        (
            {**OUTSIDE, "category": "small_talk", "reference_contexts": ["x"]},
            "line 2: field 'reference_contexts': a small_talk row quotes nothing",
        ),
    ],
)
def test_a_bad_line_is_named_with_its_field(bad, message):
    with pytest.raises(InputError, match=message):
        parse_lines(_lines(GOOD, bad), name="set.jsonl")


def test_an_empty_or_missing_file_is_refused(tmp_path: Path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    with pytest.raises(InputError, match="no rows"):
        load_dataset(empty)
    with pytest.raises(InputError, match="no such dataset file"):
        load_dataset(tmp_path / "absent.jsonl")


def test_a_bad_dataset_stops_advisor_eval_before_anything_runs(tmp_path: Path, capsys):
    from advisor.interfaces.cli.main import run

    dataset = tmp_path / "set.jsonl"
    dataset.write_text("\n".join(_lines(GOOD, {**GOOD, "id": "q2", "context": []})) + "\n")
    out = tmp_path / "run"
    with pytest.raises(SystemExit) as exit_info:
        run(["eval", "--dataset", str(dataset), "--out", str(out)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "line 2: unknown field 'context'" in err
    assert "library is empty" not in err  # the (empty) store was never opened
    assert not out.exists()


# --- the committed reference set ---------------------------------------------------------


@pytest.fixture(scope="module")
def reference_rows():  # type: ignore[no-untyped-def]
    return load_dataset(REFERENCE)


def test_the_reference_set_is_big_and_varied_enough(reference_rows):
    assert len(reference_rows) >= 60
    outside = [r for r in reference_rows if not r.in_scope]
    assert len(outside) >= 10
    assert all(r.reference_contexts == [] for r in outside)
    # a worked-answer row (issue 23) is checked by what it expects, not by quotes
    assert all(
        r.reference_contexts for r in reference_rows if r.expects == "answer" and not r.checks
    )
    worked = [r for r in reference_rows if r.checks]
    assert len(worked) >= 60 and all(r.expected_route for r in worked)
    categories = {r.category for r in reference_rows}
    assert {"definition", "comparison", "advice", "fact", "table", "multi_hop"} <= categories
    assert {"paraphrase", OUT_OF_SCOPE} <= categories
    multi = [r for r in reference_rows if r.category == "multi_hop"]
    assert all(len(r.reference_contexts) >= 2 for r in multi)


def test_every_reference_quote_is_found_in_the_cleaned_corpus(reference_rows):
    from advisor.ingest.corpus import corpus_files, load_article

    texts = [load_article(p).text for p in corpus_files(ROOT / "corpus")]
    assert missing_quotes(reference_rows, texts) == []


def test_every_article_is_quoted(reference_rows):
    from advisor.ingest.corpus import corpus_files, load_article

    quotes = [q for r in reference_rows for q in r.reference_contexts]
    for path in corpus_files(ROOT / "corpus"):
        text = load_article(path).text
        assert sum(q in text for q in quotes) >= 10, path.name


def test_every_reference_quote_fits_inside_one_chunk(reference_rows):
    """A quote split across two chunks could never be a hit; re-check after retuning
    chunk sizes."""
    from advisor.core.settings import Settings
    from advisor.eval.metrics import normalise
    from advisor.ingest.corpus import corpus_files, load_article
    from advisor.ingest.splitting import split_text

    settings = Settings()
    chunks = [
        normalise(c.text)
        for path in corpus_files(ROOT / "corpus")
        for doc in [load_article(path)]
        for c in split_text(
            doc.doc_id,
            doc.text,
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
        )
    ]
    straddling = [
        (r.id, q)
        for r in reference_rows
        for q in r.reference_contexts
        if not any(normalise(q) in c for c in chunks)
    ]
    assert straddling == []


# The 84 rows the set started with keep their ids (baselines and notes refer to them).
ORIGINAL_IDS = {
    *(f"def-{i:02d}" for i in range(1, 10)),
    *(f"cmp-{i:02d}" for i in range(1, 8)),
    *(f"adv-{i:02d}" for i in range(1, 13)),
    *(f"fact-{i:02d}" for i in range(1, 18)),
    *(f"tbl-{i:02d}" for i in range(1, 8)),
    *(f"mh-{i:02d}" for i in range(1, 9)),
    *(f"para-{i:02d}" for i in range(1, 11)),
    *(f"oos-{i:02d}" for i in range(1, 15)),
}


def test_the_reference_set_talks_like_people_do(reference_rows):
    by_category: dict[str, list] = {}
    for r in reference_rows:
        by_category.setdefault(r.category, []).append(r)
    assert len(ORIGINAL_IDS) == 84 and ORIGINAL_IDS <= {r.id for r in reference_rows}
    assert len(by_category["colloquial"]) >= 30
    multi = by_category["multi_turn"]
    assert len(multi) >= 15
    assert all(r.history and r.history[-1].role == "assistant" for r in multi)
    assert any(len(r.history) > 2 for r in multi)  # a conversation of more than one exchange
    chat = by_category["small_talk"]
    assert len(chat) >= 10 and all(r.reference_contexts == [] for r in chat)
    new_outside = [r for r in by_category[OUT_OF_SCOPE] if r.id not in ORIGINAL_IDS]
    assert len(new_outside) >= 40
    kinds = {r.id.split("-")[1] for r in new_outside}  # oos-<kind>-NN
    assert len(kinds) >= 8, kinds
    assert {r.category for r in reference_rows} <= set(CATEGORIES)


def test_every_row_has_a_split_stratified_by_category(reference_rows):
    assert all(r.split in ("dev", "test") for r in reference_rows)
    counts: dict[str, list[int]] = {}
    for r in reference_rows:
        counts.setdefault(r.category, [0, 0])[r.split == "test"] += 1
    for category, (dev, test) in counts.items():
        assert 0 <= test - dev <= 1, (category, dev, test)
    raw = [json.loads(line) for line in REFERENCE.read_text(encoding="utf-8").splitlines()]
    unassigned = [{k: v for k, v in row.items() if k != "split"} for row in raw]
    assert assign_splits(unassigned) == raw  # the committed splits are the function's


def test_assign_splits_is_deterministic_stratified_and_keeps_existing_splits():
    rows = [{"id": f"r{i}", "category": "fact" if i % 3 else "table"} for i in range(20)]
    once = assign_splits(rows)
    assert once == assign_splits(list(reversed(rows)))[::-1]  # order of the file is irrelevant
    assert all("split" not in r for r in rows)  # the input is not modified
    for category in ("fact", "table"):
        splits = [r["split"] for r in once if r["category"] == category]
        assert 0 <= splits.count("test") - splits.count("dev") <= 1
    grown = assign_splits(once + [{"id": f"n{i}", "category": "fact"} for i in range(5)])
    assert grown[:20] == once  # adding rows never moves an old one
    facts = [r["split"] for r in grown if r["category"] == "fact"]
    assert abs(facts.count("test") - facts.count("dev")) <= 1


def test_assign_splits_writes_the_field_into_a_file(tmp_path: Path):
    from advisor.eval.dataset import main

    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(_lines(GOOD, {**OUTSIDE, "split": "dev"})) + "\n")
    main([str(path)])
    rows = load_dataset(path)
    assert [(r.id, r.split) for r in rows] == [("q1", "test"), ("q2", "dev")]
