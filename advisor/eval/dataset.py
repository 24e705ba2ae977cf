"""The reference Q&A file: JSON Lines with RAGAS field names, validated strictly so a
typo in a field name is a clear error instead of a silently empty metric.

Besides the RAGAS fields a row may carry ``history`` (earlier turns of the conversation,
``[{"role": "user" | "assistant", "content": ...}]``, passed to the advisor with the
question) and ``split`` (``dev`` to tune on, ``test`` to gate on). A row without a split
counts as ``test``: nobody assigned it to tuning, so it was never tuned on, and an older
dataset without splits gates exactly as before. :func:`assign_splits` gives the missing
ones, stratified by category; ``python -m advisor.eval.dataset FILE`` writes them in."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from advisor.core.errors import InputError

OUT_OF_SCOPE = "out_of_scope"
SMALL_TALK = "small_talk"
MULTI_TURN = "multi_turn"
PREFERENCE = "preference"  # a fact stated mid-chat: needs the earlier turns
# What each category is; an unknown one is a typo until it is added here.
CATEGORIES = (
    "definition",
    "comparison",
    "advice",
    "fact",
    "table",
    "multi_hop",
    "paraphrase",
    "colloquial",
    MULTI_TURN,
    SMALL_TALK,
    OUT_OF_SCOPE,
    # worked answers (issue 23): checked with the expected_* fields, not quotes
    "calculation",
    "side_by_side",
    "passivity",
    PREFERENCE,
    "pick",
)
SPLITS = ("dev", "test")
Split = Literal["dev", "test"]
DEFAULT_SPLIT: Split = "test"  # a row without a split was never tuned on
Expects = Literal["answer", "decline", "small_talk"]


class HistoryTurn(BaseModel):
    """One earlier turn of the conversation the question follows."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    role: Literal["user", "assistant"]
    content: str = Field(min_length=1)


class Row(BaseModel):
    """One reference question. ``reference_contexts`` are exact quotes from the corpus."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    category: str = Field(min_length=1)
    user_input: str = Field(min_length=1)
    reference: str = Field(min_length=1)
    reference_contexts: list[str] = Field(default_factory=list)
    history: list[HistoryTurn] = Field(default_factory=list)
    split: Split | None = None
    # drafted rows (advisor eval generate) carry where they came from and whether a
    # person has checked them yet
    source: str | None = None
    reviewed: bool | None = None
    # for the person reviewing a drafted row: for one from feedback, who rated what and why
    note: str | None = None
    # what a worked answer must carry, checked by advisor.eval.expectations: the route
    # the router takes, figures stated within 1 % (computed with the closed form when the
    # row was written), the sides of a comparison named, the decline reason, the profile
    # facts read (and acknowledged), and a preference's ranking that moved
    expected_route: str | None = None
    expected_numbers: list[float] = Field(default_factory=list)
    expected_sides: list[str] = Field(default_factory=list)
    expected_reason: str | None = None
    expected_facts: dict[str, Any] = Field(default_factory=dict)
    expected_moves: bool = False

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        # Any label groups rows in the report; out_of_scope, small_talk and multi_turn
        # (see CATEGORIES) also change what a row expects.
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}", value):
            raise ValueError(
                f"category {value!r} is not a label: use up to 40 letters, digits, _ or -, "
                f"such as {', '.join(CATEGORIES[:3])}"
            )
        return value

    @model_validator(mode="after")
    def _fits_its_category(self) -> Row:
        if self.category in (OUT_OF_SCOPE, SMALL_TALK) and self.reference_contexts:
            raise ValueError(
                f"field 'reference_contexts': a {self.category} row quotes nothing; "
                "give reference_contexts: []"
            )
        if self.category in (MULTI_TURN, PREFERENCE) and not any(
            t.role == "user" for t in self.history
        ):
            raise ValueError(
                "field 'history': a multi_turn row needs the earlier turns, "
                '[{"role": "user", "content": ...}, {"role": "assistant", "content": ...}]'
            )
        return self

    @property
    def in_scope(self) -> bool:
        """Not a question the advisor should decline (small talk is in scope)."""
        return self.expects != "decline"

    @property
    def checks(self) -> bool:
        """The row states what a worked answer must carry."""
        return bool(
            self.expected_route
            or self.expected_numbers
            or self.expected_sides
            or self.expected_reason
            or self.expected_facts
            or self.expected_moves
        )

    @property
    def expects(self) -> Expects:
        """What the right reply is: a grounded answer, a decline or a small-talk reply."""
        if self.category == OUT_OF_SCOPE or self.expected_route == "decline":
            return "decline"
        if self.category == SMALL_TALK:
            return "small_talk"
        return "answer"

    @property
    def split_name(self) -> Split:
        return self.split or DEFAULT_SPLIT

    def history_dicts(self) -> list[dict[str, str]]:
        """The turns as ``Advisor.ask(history=...)`` takes them."""
        return [t.model_dump() for t in self.history]


def _describe(error: ValidationError) -> str:
    """The first problem of a row as 'field NAME: what is wrong'."""
    first = error.errors()[0]
    loc = [str(p) for p in first["loc"]]
    kind = first["type"]
    if not loc:  # a check across fields writes its own "field 'x': ..." message
        return str(first["msg"]).removeprefix("Value error, ")
    name = loc[0]
    where = name + "".join(f"[{p}]" for p in loc[1:])
    if kind == "extra_forbidden":
        if len(loc) > 1:
            return f"field {where!r}: unknown field (a turn has only role and content)"
        return f"unknown field {name!r} (allowed: {', '.join(Row.model_fields)})"
    if kind == "missing":
        return f"missing field {where!r}" if len(loc) > 1 else f"missing field {name!r}"
    return f"field {where!r}: {str(first['msg']).removeprefix('Value error, ')}"


def json_objects(lines: Iterable[str], name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of JSON Lines text; a line that is
    not a JSON object raises an InputError naming it."""
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
        yield number, obj


def parse_lines(lines: Iterable[str], name: str = "dataset") -> list[Row]:
    """Rows from JSON Lines text; the first bad line raises an InputError naming it."""
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for number, obj in json_objects(lines, name):
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


def select_split(rows: Sequence[Row], split: str) -> list[Row]:
    """The rows of one split (``dev`` or ``test``), or every row for ``all``."""
    if split == "all":
        return list(rows)
    if split not in SPLITS:
        raise InputError(f"--split {split!r}: use dev, test or all")
    chosen = [r for r in rows if r.split_name == split]
    if not chosen:
        raise InputError(f"the dataset has no {split} rows (a row without a split is test)")
    return chosen


def _order(row_id: str) -> str:
    return hashlib.sha256(row_id.encode("utf-8")).hexdigest()


def assign_splits(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of raw rows (dicts, as in the file), each with a ``split``.

    Stratified by category and deterministic: rows that already have a split keep it;
    the others of a category, in the order of the SHA-256 of their id, each go to the
    split that has fewer rows of that category so far (``test`` on a tie). So each
    category is halved (``test`` gets the odd one), and adding rows later never moves
    an old row from one split to the other."""
    out = [dict(r) for r in rows]
    counts: dict[str, dict[str, int]] = {}
    for r in out:
        if r.get("split") in SPLITS:
            tally = counts.setdefault(str(r.get("category")), dict.fromkeys(SPLITS, 0))
            tally[r["split"]] += 1
    for r in sorted(
        (r for r in out if r.get("split") not in SPLITS), key=lambda r: _order(str(r["id"]))
    ):
        tally = counts.setdefault(str(r.get("category")), dict.fromkeys(SPLITS, 0))
        r["split"] = "dev" if tally["dev"] < tally["test"] else "test"
        tally[r["split"]] += 1
    return out


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


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m advisor.eval.dataset FILE``: give every row without a split one, in
    place (the file is validated first; key order and the other fields are kept)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        sys.exit("usage: python -m advisor.eval.dataset DATASET.jsonl")
    path = Path(args[0])
    load_dataset(path)
    raw = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    lines = [json.dumps(r, ensure_ascii=False) for r in assign_splits(raw)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
