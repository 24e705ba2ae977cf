"""One import, as every interface shows it: the files, the figures per currency and the
proposed facts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from advisor.core.errors import InputError


def statement_report(
    files: Sequence[Path],
    default_currency: str = "USD",
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    from advisor.users.statements.facts import proposed_facts
    from advisor.users.statements.reader import merge, read_statement
    from advisor.users.statements.summary import summarize

    if not files:
        raise InputError("no statement files given")
    per_file = [read_statement(Path(f), default_currency) for f in files]
    rows = merge(per_file)
    summaries = summarize(rows, labels)
    return {
        "files": [Path(f).name for f in files],
        "rows": len(rows),
        "duplicates_dropped": sum(len(r) for r in per_file) - len(rows),
        "currencies": [s.as_dict() for s in summaries],
        "proposed_facts": proposed_facts(summaries[0]),
    }
