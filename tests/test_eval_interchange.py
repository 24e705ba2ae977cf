"""RAGAS-style datasets as JSON Lines and CSV, and JUnit XML (advisor.eval.interchange)."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from advisor.core.errors import InputError
from advisor.eval import interchange, runner
from advisor.eval.dataset import load_dataset
from advisor.eval.runner import RowResult

ROOT = Path(__file__).resolve().parent.parent
RECORDS = [
    {
        "id": "q1",
        "category": "fact",
        "split": "dev",
        "user_input": 'what is a "REIT", in short?',
        "reference": "A trust, that owns property.\nIt pays dividends.",
        "reference_contexts": ["quote, with a comma", 'and "quotes"'],
        "response": "A REIT [1] — ünïcode too.",
        "retrieved_contexts": ["passage one", "passage\ntwo"],
    },
    {
        "id": "q2",
        "category": "out_of_scope",
        "split": "test",
        "user_input": "write me a poem",
        "reference": "A polite decline.",
        "reference_contexts": [],
        "response": "",
        "retrieved_contexts": [],
    },
]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_ragas_records_round_trip(tmp_path, suffix):
    path = tmp_path / f"set{suffix}"
    interchange.write_records(path, RECORDS)
    assert interchange.read_records(path) == RECORDS


def test_csv_keeps_lists_as_json_strings(tmp_path):
    path = tmp_path / "set.csv"
    interchange.write_records(path, RECORDS)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(RECORDS[0])
    assert json.loads(rows[0]["reference_contexts"]) == RECORDS[0]["reference_contexts"]
    assert rows[1]["retrieved_contexts"] == "[]"


def test_the_committed_reference_set_round_trips_through_csv(tmp_path):
    rows = load_dataset(ROOT / "evals" / "reference_qa.jsonl")
    records = [interchange.ragas_record(r.model_dump(mode="json")) for r in rows]
    path = tmp_path / "reference.csv"
    interchange.write_records(path, records)
    again = interchange.load_csv_dataset(path)
    assert again == rows  # history, splits and quotes survive


def test_a_csv_dataset_is_validated_and_ignores_earlier_outputs(tmp_path):
    path = tmp_path / "ragas.csv"
    interchange.write_records(
        path,
        [
            {"user_input": "what is a REIT?", "reference": "A trust.", "response": "old"},
            {"user_input": "and an ETF?", "reference": "A fund.", "retrieved_contexts": []},
        ],
    )
    rows = interchange.load_any_dataset(path)
    assert [(r.id, r.category, r.reference_contexts) for r in rows] == [
        ("row-1", "fact", []),
        ("row-2", "fact", []),
    ]
    bad = tmp_path / "bad.csv"
    lines = ["id,category,user_input,reference,reference_contexts", "a,fact,q,r,[]"]
    bad.write_text("\n".join([*lines, "b,not a label!,q,r,[]", ""]), encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv line 3: field 'category'"):
        interchange.load_any_dataset(bad)
    bad.write_text("user_input,reference,reference_contexts\nq,r,not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: column 'reference_contexts'"):
        interchange.load_any_dataset(bad)
    bad.write_text("user_input,reference,refrence_contexts\nq,r,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown field 'refrence_contexts'"):
        interchange.load_any_dataset(bad)


def test_the_converter_keeps_the_ragas_fields_of_a_run(tmp_path):
    results = tmp_path / "results.jsonl"
    row = dict(RECORDS[0], declined=False, latency_ms=3.0, metrics={"mrr": 1.0}, ok=True)
    results.write_text(json.dumps(row) + "\n", encoding="utf-8")
    out = tmp_path / "ragas.csv"
    interchange.main([str(results), str(out)])
    assert interchange.read_records(out) == [RECORDS[0]]


def _result(id: str, category: str, ok: bool, **extra: object) -> RowResult:
    return RowResult(
        id=id,
        category=category,
        user_input=f"question {id} \x01",
        reference="r",
        reference_contexts=[],
        response="answer <b>&</b>",
        retrieved_contexts=[],
        declined=category == "out_of_scope",
        latency_ms=120.0,
        metrics=dict.fromkeys(runner.ROW_METRICS),
        ok=ok,
        **extra,  # type: ignore[arg-type]
    )


def test_junit_xml_has_a_testcase_per_row_and_per_gated_metric():
    results = [
        _result("a", "fact", True),
        _result("b", "fact", False),
        _result("c", "out_of_scope", True),
        _result("d", "fact", False, error="engine down"),
    ]
    checks = [
        ("hit_at_3", "hit_at_3 0.5 is under its floor 0.9"),
        ("mrr", None),
        ("hit_at_3", "hit_at_3 regressed significantly"),
        ("rouge_l", None),
    ]
    root = ET.fromstring(interchange.junit_xml(results, checks))
    assert root.tag == "testsuites"
    rows, gated = root.findall("testsuite")
    assert [c.get("name") for c in rows.findall("testcase")] == ["a", "b", "c", "d"]
    assert [c.get("name") for c in gated.findall("testcase")] == ["hit_at_3", "mrr", "rouge_l"]
    for suite in (rows, gated):
        cases = suite.findall("testcase")
        failed = [c for c in cases if c.find("failure") is not None]
        assert suite.get("tests") == str(len(cases))
        assert suite.get("failures") == str(len(failed))
    assert [c.get("name") for c in rows.findall("testcase") if c.find("failure") is not None] == [
        "b",
        "d",
    ]
    assert root.get("tests") == "7" and root.get("failures") == "3"
    failure = gated.find("testcase/failure")
    assert failure is not None and failure.text is not None
    assert "under its floor" in failure.text and "regressed significantly" in failure.text
    d = rows.findall("testcase")[3].find("failure")
    assert d is not None and d.get("message") == "error: engine down"
    assert rows.findall("testcase")[0].get("time") == "0.120"
    assert rows.findall("testcase")[0].get("classname") == "eval.fact"
