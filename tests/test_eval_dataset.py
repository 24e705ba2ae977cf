"""The reference Q&A file: strict validation with line-numbered errors, and the
committed reference set's quotes really are in the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.errors import InputError
from advisor.eval.dataset import OUT_OF_SCOPE, load_dataset, missing_quotes, parse_lines

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


def test_a_valid_file_gives_rows_and_skips_blank_lines():
    rows = parse_lines(_lines(GOOD, "", {**GOOD, "id": "q2", "category": OUT_OF_SCOPE}))
    assert [r.id for r in rows] == ["q1", "q2"]
    assert rows[0].in_scope and not rows[1].in_scope


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
    from advisor.cli.main import run

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
    assert all(r.reference_contexts for r in reference_rows if r.in_scope)
    categories = {r.category for r in reference_rows}
    assert {"definition", "comparison", "advice", "fact", "table", "multi_hop"} <= categories
    assert {"paraphrase", OUT_OF_SCOPE} <= categories
    multi = [r for r in reference_rows if r.category == "multi_hop"]
    assert all(len(r.reference_contexts) >= 2 for r in multi)


def test_every_reference_quote_is_found_in_the_cleaned_corpus(reference_rows):
    from advisor.corpus import corpus_files, load_article

    texts = [load_article(p).text for p in corpus_files(ROOT / "corpus")]
    assert missing_quotes(reference_rows, texts) == []


def test_every_article_is_quoted(reference_rows):
    from advisor.corpus import corpus_files, load_article

    quotes = [q for r in reference_rows for q in r.reference_contexts]
    for path in corpus_files(ROOT / "corpus"):
        text = load_article(path).text
        assert sum(q in text for q in quotes) >= 10, path.name


def test_every_reference_quote_fits_inside_one_chunk(reference_rows):
    """A quote split across two chunks could never be a hit; re-check after retuning
    chunk sizes."""
    from advisor.corpus import corpus_files, load_article
    from advisor.eval.metrics import normalise
    from advisor.settings import Settings
    from advisor.splitting import split_text

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
