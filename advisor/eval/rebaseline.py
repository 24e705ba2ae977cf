"""After ``make eval-baseline`` re-ran the reference set into ``evals/baseline``: say which
metrics moved against the previous baseline, rewrite the README's table, and check the
new baseline against the gate's floors, which it never writes.

The floors in ``evals/gate.toml`` are set by a person and change only in a commit that
says why; re-baselining cannot lower (or raise) one. A new baseline under a floor fails
here, naming the metric, so the change is seen rather than absorbed.
``python -m advisor.eval.gate evals/baseline/summary.json --split test`` (``make
eval-propose-floors``) prints floors a margin under a baseline for that person to judge.

``python -m advisor.eval.rebaseline SUMMARY --previous OLD_SUMMARY [--readme README.md]
[--gate evals/gate.toml]``"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from advisor.eval.dataset import SPLITS
from advisor.eval.gate import gate_failures, gate_split, load_gate
from advisor.eval.summary_tables import update_readme

MOVE = 0.005  # a change smaller than this is rounding, not a move


def moved(previous: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """One line per metric and split whose value changed between two baseline summaries
    (``hit_at_3 test 0.93 -> 0.91``), or that appeared or went away."""
    lines: list[str] = []
    for split in SPLITS:
        before = previous.get("by_split", {}).get(split, {}).get("metrics", {})
        now = current.get("by_split", {}).get(split, {}).get("metrics", {})
        for name in dict.fromkeys([*before, *now]):
            a, b = before.get(name), now.get(name)
            if a is None and b is None:
                continue
            if a is None or b is None or abs(float(a) - float(b)) >= MOVE:
                lines.append(f"{name} {split} {_value(a)} -> {_value(b)}")
    return lines


def _value(value: Any) -> str:
    return "n/a" if value is None else f"{float(value):.4g}"


def rebaseline(
    summary: dict[str, Any],
    previous: dict[str, Any] | None,
    readme: Path,
    gate: Path,
) -> tuple[list[str], list[str]]:
    """(metrics that moved, floors or ceilings the new baseline breaks); rewrites the
    README's table. The gate file is only read."""
    lines = moved(previous, summary) if previous is not None else []
    text = readme.read_text(encoding="utf-8")
    updated = update_readme(text, summary)
    if updated != text:
        readme.write_text(updated, encoding="utf-8")
    floors, ceilings = load_gate(gate)
    failures = gate_failures(summary, floors, ceilings, split=gate_split(gate))
    return lines, failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m advisor.eval.rebaseline")
    parser.add_argument("summary", type=Path)
    parser.add_argument("--previous", type=Path, help="the baseline's summary before the run")
    parser.add_argument("--readme", type=Path, default=Path("README.md"))
    parser.add_argument("--gate", type=Path, default=Path("evals/gate.toml"))
    args = parser.parse_args(argv)
    summary = json.loads(args.summary.read_text(encoding="utf-8"))
    previous = None
    if args.previous is not None and args.previous.exists():
        previous = json.loads(args.previous.read_text(encoding="utf-8"))
    table_before = args.readme.read_text(encoding="utf-8")
    lines, failures = rebaseline(summary, previous, args.readme, args.gate)
    changed = args.readme.read_text(encoding="utf-8") != table_before
    if previous is None:
        print("no previous baseline to compare with")
    else:
        print("metrics that moved:" if lines else "no metric moved")
        print("".join(f"  {line}\n" for line in lines), end="")
    print(f"{'updated' if changed else 'unchanged:'} the baseline table in {args.readme}")
    if failures:
        print(
            f"the new baseline breaks the gate in {args.gate} (its floors are set by a "
            "person and change only in a commit that says why):",
            file=sys.stderr,
        )
        print("".join(f"  {line}\n" for line in failures), end="", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
