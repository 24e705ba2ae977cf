"""Markdown tables as aligned lines for the terminal (a comparison's side-by-side)."""

from __future__ import annotations

import re

_RULE = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+\s*$")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def aligned(text: str) -> str:
    """``text`` with each Markdown table (header, rule, rows) as space-aligned columns;
    everything else unchanged."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and _RULE.match(lines[i + 1]):
            j = i + 2
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            rows = [_cells(lines[i])] + [_cells(line) for line in lines[i + 2 : j]]
            widths = [
                max(len(r[c]) if c < len(r) else 0 for r in rows) for c in range(len(rows[0]))
            ]
            for r in rows:
                out.append(
                    "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=False)).rstrip()
                )
            i = j
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)
