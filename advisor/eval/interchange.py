"""Datasets in and out of other tools: RAGAS-style rows (``user_input``, ``reference``,
``reference_contexts``, ``response``, ``retrieved_contexts``) as JSON Lines or CSV, and
a run as a JUnit XML file for CI dashboards.

In CSV a list cell (``reference_contexts``, ``retrieved_contexts``, ``history``) holds
the list as a JSON string (``["quote one", "quote two"]``); an empty cell is an empty
list. The CSV that RAGAS's ``EvaluationDataset.to_csv`` (and pandas' ``to_csv``) writes
holds Python literals instead (``['quote one', "it's two"]``): a cell that is not JSON
but looks like a list (or, in an object column, a dict) is read with
``ast.literal_eval``, which evaluates literals only, and must hold plain values
(strings, numbers, booleans, None, lists, dicts). A malformed cell is one error naming
its row and column. A CSV read as a reference set (``advisor eval --dataset FILE.csv``)
is validated like the JSON Lines file; a row without an ``id`` gets ``row-N`` and one without a
``category`` counts as ``fact`` (a question to answer), since exports from RAGAS carry
neither. Its ``response`` and ``retrieved_contexts`` columns, if any, are outputs of an
earlier run and are ignored.

``python -m advisor.eval.interchange IN OUT`` converts between the two formats (the
suffix decides: ``.csv`` or ``.jsonl``); given a run's ``results.jsonl`` it keeps the
RAGAS fields with ``id``, ``category`` and ``split``."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from advisor.core.errors import InputError
from advisor.eval.dataset import OUT_OF_SCOPE, SMALL_TALK, Row, json_objects, parse_lines
from advisor.eval.runner import RowResult

RAGAS_FIELDS = ("user_input", "reference", "reference_contexts", "response", "retrieved_contexts")
# Kept beside the RAGAS fields when a run is exported.
OUR_FIELDS = ("id", "category", "split", "history")
# what a worked-answer row expects (advisor.eval.expectations): kept when set
EXPECTED_FIELDS = (
    "expected_route",
    "expected_numbers",
    "expected_sides",
    "expected_reason",
    "expected_facts",
    "expected_moves",
)
LIST_FIELDS = frozenset(
    {"reference_contexts", "retrieved_contexts", "history", "expected_numbers", "expected_sides"}
)
OBJECT_FIELDS = frozenset({"expected_facts"})  # a JSON object in a CSV cell
OUTPUT_FIELDS = frozenset({"response", "retrieved_contexts"})
DEFAULT_CATEGORY = "fact"
LIST_EXAMPLE = '["first", "second"]'
OBJECT_EXAMPLE = '{"capital": 5000}'


def _is_csv(path: Path) -> bool:
    return path.suffix.lower() == ".csv"


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc


def read_records(path: Path) -> list[dict[str, Any]]:
    """The rows of a JSON Lines or CSV file as dicts (CSV list cells decoded)."""
    text = _read_text(path)
    if not _is_csv(path):
        return [obj for _, obj in json_objects(text.splitlines(), str(path))]
    records = []
    for index, number, row in _csv_rows(path, text):
        record: dict[str, Any] = {}
        for key, cell in row.items():
            where = f"{path} row {index}, line {number}: column {key!r}"
            if key in LIST_FIELDS:
                record[key] = _list_cell(cell, where)
            elif key in OBJECT_FIELDS:
                record[key] = _object_cell(cell, where)
            else:
                record[key] = cell
        records.append(record)
    return records


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """(row number from 1, CSV line where the row ends, the row) for each data row; a
    malformed file is one InputError naming the line."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    index = 0
    try:
        for index, row in enumerate(reader, start=1):
            if None in row:
                raise InputError(f"{path} line {reader.line_num}: more cells than columns")
            yield index, reader.line_num, row
    except csv.Error as exc:
        raise InputError(f"{path} row {index + 1}, line {reader.line_num}: {exc}") from exc


def _python_literal(cell: str, brackets: str, where: str, example: str) -> Any:
    """A list (``brackets`` "[]") or dict ("{}") cell written as a Python literal, as
    RAGAS's and pandas' ``to_csv`` write them, or None when the cell does not look like
    one. Only literals are evaluated (``ast.literal_eval``), and only plain values kept."""
    text = cell.strip()
    if not (text.startswith(brackets[0]) and text.endswith(brackets[1])):
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as exc:
        raise InputError(f"{where}: not a readable list or JSON, e.g. {example}") from exc
    if not _plain(value):
        raise InputError(f"{where}: only text, numbers, lists and objects, e.g. {example}")
    return value


def _plain(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` is made of what JSON can hold (so it is never code or bytes)."""
    if depth > 20:
        return False
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list):
        return all(_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    return False


def _list_cell(cell: str | None, where: str) -> list[Any]:
    if cell is None or not cell.strip():
        return []
    try:
        value = json.loads(cell)
    except json.JSONDecodeError as exc:
        value = _python_literal(cell, "[]", where, LIST_EXAMPLE)
        if value is None:
            raise InputError(f"{where}: write the list as JSON, e.g. {LIST_EXAMPLE}") from exc
    if not isinstance(value, list):
        raise InputError(f"{where}: expected a list, e.g. {LIST_EXAMPLE}")
    return value


def _object_cell(cell: str | None, where: str) -> dict[str, Any]:
    if cell is None or not cell.strip():
        return {}
    try:
        value = json.loads(cell)
    except json.JSONDecodeError as exc:
        value = _python_literal(cell, "{}", where, OBJECT_EXAMPLE)
        if value is None:
            raise InputError(f"{where}: write the object as JSON, e.g. {OBJECT_EXAMPLE}") from exc
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected an object, e.g. {OBJECT_EXAMPLE}")
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_records(path: Path, records: Sequence[dict[str, Any]]) -> None:
    """Rows to JSON Lines, or to CSV (lists as JSON strings) when ``path`` ends .csv.
    CSV columns: the union of the rows' keys, in the order they first appear."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not _is_csv(path):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        path.write_text(text, encoding="utf-8")
        return
    columns: list[str] = []
    for r in records:
        columns += [k for k in r if k not in columns]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for r in records:
            writer.writerow({k: _cell(r.get(k)) for k in columns})


def ragas_record(row: RowResult | dict[str, Any]) -> dict[str, Any]:
    """The RAGAS fields of a dataset row or a run's result, with id, category, split
    (and history when there is one)."""
    data = row.model_dump(mode="json") if isinstance(row, RowResult) else row
    out = {k: data[k] for k in OUR_FIELDS if k in data and (k != "history" or data[k])}
    out.update({k: data[k] for k in RAGAS_FIELDS if k in data})
    out.update({k: data[k] for k in EXPECTED_FIELDS if data.get(k)})
    return out


def load_csv_dataset(path: Path) -> list[Row]:
    """A reference set from CSV, validated like the JSON Lines file (errors name the
    CSV line)."""
    text = _read_text(path)
    lines: list[str] = []
    for index, number, row in _csv_rows(path, text):
        record: dict[str, Any] = {}
        for key, cell in row.items():
            if key in OUTPUT_FIELDS:
                continue
            where = f"{path} row {index}, line {number}: column {key!r}"
            if key in LIST_FIELDS:
                record[key] = _list_cell(cell, where)
            elif key in OBJECT_FIELDS:
                record[key] = _object_cell(cell, where)
            elif cell is not None and cell.strip():
                record[key] = cell
        record.setdefault("id", f"row-{index}")
        record.setdefault("category", DEFAULT_CATEGORY)
        # parse_lines numbers lines from 1 and skips blank ones: pad to the CSV line.
        lines += [""] * (number - 1 - len(lines)) + [json.dumps(record, ensure_ascii=False)]
    return parse_lines(lines, name=str(path))


def load_any_dataset(path: Path) -> list[Row]:
    """``--dataset``: CSV by its suffix, anything else as JSON Lines."""
    from advisor.eval.dataset import load_dataset

    return load_csv_dataset(path) if _is_csv(path) else load_dataset(path)


# --- JUnit XML -----------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def why_failed(r: RowResult) -> str:
    """One line on why a row is not ok (the runner's definition of ok)."""
    if r.error:
        return f"error: {r.error}"
    if r.category == OUT_OF_SCOPE:
        return "out of scope, but not declined"
    if r.category == SMALL_TALK:
        return "declined small talk" if r.declined else "no small-talk reply"
    if r.declined:
        return f"declined ({r.reason or 'guard'}) a question it should answer"
    return "no reference passage in the top 3"


def junit_xml(
    results: Sequence[RowResult],
    gate: Iterable[tuple[str, str | None]] = (),
    *,
    name: str = "advisor eval",
) -> str:
    """JUnit XML: a ``rows`` suite with one testcase a row (a ``failure`` when the row
    is not ok) and a ``gate`` suite with one testcase a gated metric (a ``failure``
    per threshold it broke or significant regression). ``gate`` is (metric, failure or
    None) pairs; a metric given several times is one testcase."""
    root = ET.Element("testsuites", name=_x(name))
    rows = ET.SubElement(root, "testsuite", name=f"{_x(name)}: rows")
    failed = 0
    for r in results:
        case = ET.SubElement(
            rows,
            "testcase",
            classname=f"eval.{_x(r.category)}",
            name=_x(r.id),
            time=f"{r.latency_ms / 1000:.3f}",
        )
        if not r.ok:
            failed += 1
            failure = ET.SubElement(case, "failure", message=_x(why_failed(r)), type="row")
            failure.text = _x(f"question: {r.user_input}\nanswer: {r.response}")
    rows.set("tests", str(len(results)))
    rows.set("failures", str(failed))
    rows.set("errors", "0")

    merged: dict[str, list[str]] = {}
    for metric, problem in gate:
        merged.setdefault(metric or "split", [])
        if problem:
            merged[metric or "split"].append(problem)
    suite = ET.SubElement(root, "testsuite", name=f"{_x(name)}: gate")
    for metric, failures in merged.items():
        case = ET.SubElement(suite, "testcase", classname="eval.gate", name=_x(metric))
        if failures:
            element = ET.SubElement(case, "failure", message=_x(failures[0]), type="gate")
            element.text = _x("\n".join(failures))
    gate_failed = sum(bool(f) for f in merged.values())
    suite.set("tests", str(len(merged)))
    suite.set("failures", str(gate_failed))
    suite.set("errors", "0")
    root.set("tests", str(len(results) + len(merged)))
    root.set("failures", str(failed + gate_failed))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        sys.exit("usage: python -m advisor.eval.interchange IN.(jsonl|csv) OUT.(jsonl|csv)")
    try:
        records = read_records(Path(args[0]))
    except InputError as exc:
        sys.exit(str(exc))
    write_records(Path(args[1]), [ragas_record(r) for r in records])


if __name__ == "__main__":
    main()
