"""The reference Q&A file: JSON Lines with RAGAS field names, validated strictly so a
typo in a field name is a clear error instead of a silently empty metric."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor.errors import InputError

OUT_OF_SCOPE = "out_of_scope"


class Row(BaseModel):
    """One reference question. ``reference_contexts`` are exact quotes from the corpus."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    category: str = Field(min_length=1)
    user_input: str = Field(min_length=1)
    reference: str = Field(min_length=1)
    reference_contexts: list[str] = Field(default_factory=list)

    @property
    def in_scope(self) -> bool:
        return self.category != OUT_OF_SCOPE


def _describe(error: ValidationError) -> str:
    """The first problem of a row as 'field NAME: what is wrong'."""
    first = error.errors()[0]
    loc = [str(p) for p in first["loc"]]
    name = loc[0] if loc else "?"
    where = name + "".join(f"[{p}]" for p in loc[1:])
    kind = first["type"]
    if kind == "extra_forbidden":
        return f"unknown field {name!r} (allowed: {', '.join(Row.model_fields)})"
    if kind == "missing":
        return f"missing field {name!r}"
    return f"field {where!r}: {first['msg']}"


def parse_lines(lines: Iterable[str], name: str = "dataset") -> list[Row]:
    """Rows from JSON Lines text; the first bad line raises an InputError naming it."""
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{name} line {number}: not valid JSON ({exc.msg} at column {exc.colno})"
            ) from exc
        if not isinstance(obj, dict):
            raise InputError(
                f"{name} line {number}: expected a JSON object, got {type(obj).__name__}"
            )
        try:
            row = Row.model_validate(obj)
        except ValidationError as exc:
            raise InputError(f"{name} line {number}: {_describe(exc)}") from exc
        if row.id in seen:
            raise InputError(
                f"{name} line {number}: field 'id': {row.id!r} already used on line {seen[row.id]}"
            )
        seen[row.id] = number
        rows.append(row)
    if not rows:
        raise InputError(f"{name}: no rows; write one JSON object a line")
    return rows


def load_dataset(path: Path) -> list[Row]:
    """Validate the whole file before anything runs."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such dataset file") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read the dataset ({exc.strerror})") from exc
    return parse_lines(text.splitlines(), name=str(path))


def missing_quotes(rows: Iterable[Row], texts: Iterable[str]) -> list[tuple[str, str]]:
    """(row id, quote) for every reference quote that no text contains."""
    from advisor.eval.metrics import normalise

    haystacks = [normalise(t) for t in texts]
    return [
        (row.id, quote)
        for row in rows
        for quote in row.reference_contexts
        if not any(normalise(quote) in h for h in haystacks)
    ]
