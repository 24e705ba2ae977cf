"""Whether a worked answer carries what its row expects (issue 23's kinds): the route,
every expected figure within 1 % (the row's figures were computed with the closed form
when it was written), each side of a comparison named, the decline reason, the stated
facts read back, and a preference's ranking that moved."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from advisor.worked.phrasing import states

if TYPE_CHECKING:
    from advisor.eval.dataset import Row
    from advisor.eval.targets import Reply

TOLERANCE = 0.01
MOVED = "What moved in your ranking"  # the line a preference answer lists the moves under


def _same(want: Any, got: Any) -> bool:
    if isinstance(want, int | float) and isinstance(got, int | float):
        return abs(float(want) - float(got)) <= TOLERANCE * max(abs(float(want)), 1e-9)
    return bool(want == got)


def failures(row: Row, reply: Reply) -> list[str]:
    """What the reply misses, one short phrase each ([] when it carries everything)."""
    text = reply.response
    missed: list[str] = []
    if row.expected_route and reply.route != row.expected_route:
        missed.append(f"route {reply.route} instead of {row.expected_route}")
    for number in row.expected_numbers:
        if not states(text, number, TOLERANCE):
            missed.append(f"figure {number:g} not stated")
    for side in row.expected_sides:
        if side.lower() not in text.lower():
            missed.append(f"side {side!r} not named")
    if row.expected_reason and reply.reason != row.expected_reason:
        missed.append(f"reason {reply.reason} instead of {row.expected_reason}")
    facts = reply.facts or {}
    for key, value in row.expected_facts.items():
        if not _same(value, facts.get(key)):
            missed.append(f"fact {key}={value} not read")
    if row.expected_moves and MOVED not in text:
        missed.append("no ranking change shown")
    return missed


def met(row: Row, reply: Reply) -> float | None:
    """1.0 when the reply carries all the row expects, 0.0 when not, None for a row
    that expects nothing of this kind."""
    if not row.checks:
        return None
    return 0.0 if failures(row, reply) else 1.0
