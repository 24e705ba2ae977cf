"""The CSV that RAGAS's ``EvaluationDataset.to_csv`` writes (and pandas' ``to_csv``): list
cells as Python literals (``['a', "it's"]``), read by advisor.eval.interchange, and a
malformed or unsafe cell refused with one line naming its row and column."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from advisor.core.errors import InputError
from advisor.eval import interchange

# RAGAS SingleTurnSample rows (its field names; no id or category, as RAGAS has none),
# with the strings Python's repr writes differently from JSON.
SAMPLES = [
    {
        "user_input": "What's a REIT?",
        "reference": 'A trust that owns "income property".',
        "reference_contexts": [
            "a REIT's income comes from rent",
            'it said "pay out" 90%, doesn\'t it',
            "back\\slash, comma, ünïcode — and a bell \x07",
            "two\nlines",
        ],
        "response": "A REIT owns property [1].",
        "retrieved_contexts": ["passage one", "passage 'two'"],
    },
    {
        "user_input": "and dividend stocks?",
        "reference": "Shares that pay part of the profit.",
        "reference_contexts": [],
        "response": "",
        "retrieved_contexts": [],
    },
]


def ragas_to_csv(path: Path, rows: list[dict[str, object]]) -> None:
    """What ``RagasDataset.to_csv`` does (ragas 0.4.3, src/ragas/dataset_schema.py): a
    ``csv.DictWriter`` over the samples' dicts, so a list cell is ``str(list)``."""
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=rows[0].keys())
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def pandas_to_csv(path: Path, rows: list[dict[str, object]]) -> None:
    pd.DataFrame(rows).to_csv(path, index=False)


@pytest.mark.parametrize("write", [ragas_to_csv, pandas_to_csv], ids=["ragas", "pandas"])
def test_a_csv_written_by_ragas_or_pandas_reads_back_with_its_lists(
    tmp_path: Path, write: object
) -> None:
    path = tmp_path / "ragas.csv"
    write(path, SAMPLES)  # type: ignore[operator]
    assert "['passage one', " in path.read_text()  # Python literals, not JSON, in the file
    assert interchange.read_records(path) == SAMPLES
    rows = interchange.load_any_dataset(path)  # as a reference set for advisor eval
    assert [(r.id, r.category) for r in rows] == [("row-1", "fact"), ("row-2", "fact")]
    assert [r.reference_contexts for r in rows] == [s["reference_contexts"] for s in SAMPLES]


def test_a_history_cell_of_python_dicts_reads_as_the_conversation(tmp_path: Path) -> None:
    history = [
        {"role": "user", "content": "what's a REIT?"},
        {"role": "assistant", "content": "A trust."},
    ]
    row = dict(SAMPLES[1], user_input="and do I manage buildings?", history=history)
    path = tmp_path / "ragas.csv"
    pandas_to_csv(path, [row])
    turns = interchange.load_any_dataset(path)[0].history
    assert [t.model_dump() for t in turns] == history


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("['a', b]", "not a readable list or JSON"),  # a name, not a literal
        ("['a', 'b'", "write the list as JSON"),  # does not even look like a list
        ("[__import__('os').system('touch pwned')]", "not a readable list or JSON"),
        ("[b'bytes']", "only text, numbers, lists and objects"),
        ("[{1, 2}]", "only text, numbers, lists and objects"),
        ("[" * 400 + "'a'" + "]" * 400, "not a readable list or JSON"),
    ],
    ids=["name", "unclosed", "call", "bytes", "set", "deep"],
)
def test_a_malformed_list_cell_is_one_line_naming_its_row_and_column(
    tmp_path: Path, cell: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    ragas_to_csv(path, [dict(SAMPLES[1]), dict(SAMPLES[1], reference_contexts=cell)])
    for read in (interchange.read_records, interchange.load_any_dataset):
        with pytest.raises(InputError) as error:
            read(path)
        text = str(error.value)
        assert "\n" not in text
        assert f"bad.csv row 2, line 3: column 'reference_contexts': {message}" in text
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_the_converter_turns_a_ragas_csv_into_json_lines_or_says_why_not(tmp_path: Path) -> None:
    good, out = tmp_path / "ragas.csv", tmp_path / "set.jsonl"
    ragas_to_csv(good, SAMPLES)
    bad = tmp_path / "bad.csv"
    bad.write_text("user_input,reference_contexts\nq,\"['a', b]\"\n")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    command = [sys.executable, "-m", "advisor.eval.interchange"]
    done = subprocess.run([*command, str(good), str(out)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert interchange.read_records(out) == SAMPLES
    done = subprocess.run(
        [*command, str(bad), str(tmp_path / "x.jsonl")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"{bad} row 1, line 2: column 'reference_contexts': not a readable list or JSON, "
        'e.g. ["first", "second"]'
    ]
    assert not (tmp_path / "x.jsonl").exists()
