"""Bank statements (#26): seconds to read, de-duplicate, classify and sum ROWS rows of a
CSV export, as ``advisor statement import`` does, in a warm process (the embedding model
loaded, as a server's is), with the guess for unnamed rows and without it.

    python bench/statements.py [--rows 10000] [--repeat 3]

The export: the generic debit/credit fixture (tests/fixtures/statements/), its rows
copied with dates moved a year back for each copy (every copy is a distinct transaction,
so nothing is dropped as a duplicate), plus one row in 50 from a payer no rule names, so
the guess has work to do. Prints one JSON object; the best of --repeat runs is the
figure (time.perf_counter). Not a timed test: a figure for docs/statements.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "statements" / "generic_debit_credit.csv"
UNNAMED = ["MRS K OKAFOR", "Ertraegnisgutschrift Ausschuettu", "VANGUARD DISTRIBUTION"]


def export(rows: int) -> str:
    """A CSV of ``rows`` rows in the generic layout (Date, Description, Debit, Credit,
    Balance), dates ISO."""
    lines = list(csv.reader(io.StringIO(FIXTURE.read_text(encoding="utf-8"))))
    header, body = lines[0], lines[1:]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    n = 0
    year = 0
    while n < rows:
        for cells in body:
            if n == rows:
                break
            moved = list(cells)
            moved[0] = f"{int(cells[0][:4]) - year}{cells[0][4:]}"
            if n % 50 == 49:
                moved[1] = f"{UNNAMED[n % len(UNNAMED)]} {n}"
            writer.writerow(moved)
            n += 1
        year += 1
    return out.getvalue()


def measure(rows: int, repeat: int) -> dict[str, Any]:
    from advisor.core.settings import Settings
    from advisor.users.statements.guess import guesser
    from advisor.users.statements.report import statement_report

    guess = guesser(Settings(statement_guess=True))
    assert guess is not None
    guess(["warm-up"])  # the model loads once, as in a running server
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        path.write_text(export(rows), encoding="utf-8")
        figures: dict[str, Any] = {"rows": rows}
        for name, used in (("seconds_rules_only", None), ("seconds_with_guess", guess)):
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                report = statement_report([path], "USD", None, used)
                best = min(best, time.perf_counter() - start)
            figures[name] = round(best, 3)
            figures[f"{name}_rows_read"] = report["rows"]
        streams = report["currencies"][0]["income_per_month"]
        figures["guessed_rows"] = sum(s["guessed_rows"] for s in streams.values())
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(measure(args.rows, args.repeat), indent=1))


if __name__ == "__main__":
    main()
