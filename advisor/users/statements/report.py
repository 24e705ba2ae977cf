"""One import, as every interface shows it: the files, the figures per currency and the
proposed facts. Every interface (CLI, API, MCP, UI, chat) builds its figures here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from advisor.core.errors import InputError
from advisor.users.statements.guess import Guesser
from advisor.users.statements.model import Transaction


def report_of(
    names: Sequence[str],
    per_file: Sequence[list[Transaction]],
    labels: Mapping[str, str] | None = None,
    guess: Guesser | None = None,
) -> dict[str, Any]:
    """The figures of already-read statements (``per_file``, one list of rows a file)."""
    from advisor.users.statements.facts import proposed_facts
    from advisor.users.statements.reader import merge
    from advisor.users.statements.summary import summarize

    rows = merge(per_file)
    if not rows:
        raise InputError("no transactions in the statements")
    summaries = summarize(rows, labels, guess)
    return {
        "files": list(names),
        "rows": len(rows),
        "duplicates_dropped": sum(len(r) for r in per_file) - len(rows),
        "currencies": [s.as_dict() for s in summaries],
        "proposed_facts": proposed_facts(summaries[0]),
    }


def statement_report(
    files: Sequence[Path],
    default_currency: str = "USD",
    labels: Mapping[str, str] | None = None,
    guess: Guesser | None = None,
) -> dict[str, Any]:
    from advisor.users.statements.reader import read_statement

    if not files:
        raise InputError("no statement files given")
    per_file = [read_statement(Path(f), default_currency) for f in files]
    return report_of([Path(f).name for f in files], per_file, labels, guess)


def stream_label(stream: Mapping[str, Any]) -> str:
    """How passive one income stream of a report is, as every interface writes it: its
    passivity ("not classified yet" when it has none) and how many of its rows were
    guessed from similar payers rather than named by a rule or the person."""
    label = str(stream.get("passivity") or "not classified yet")
    n = int(stream.get("guessed_rows") or 0)
    if n:
        label += (
            f" ({n} row{'s' * (n != 1)} guessed from similar payers: check, and label if wrong)"
        )
    return label
