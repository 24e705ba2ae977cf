"""What a row is, by the rules of prompts/statements.yaml: a stream of income, money in
that is not income (a refund, a card payment, a transfer from the person's own account),
spending, or income no rule names ("unclassified")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, cast

from advisor.recommender.calculators import PassivityLabel, passivity_label
from advisor.users.statements.columns import rules
from advisor.users.statements.model import Transaction

Kind = Literal["income", "refund", "card_payment", "own_transfer", "spending"]
UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class Label:
    kind: Kind
    stream: str | None = None  # a stream of the rules, or "unclassified", for income
    passivity: PassivityLabel | None = None  # None for unclassified income
    guessed: bool = False  # named by the embedding model, not by a rule or the person


@dataclass(frozen=True)
class _Rules:
    streams: tuple[tuple[str, re.Pattern[str], PassivityLabel], ...]
    not_income: tuple[tuple[Kind, re.Pattern[str]], ...]


def _either(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _passivity(spec: dict[str, Any]) -> PassivityLabel:
    """The catalog's verdict for the stream it names; income that stops when the work
    stops is active whatever the hours."""
    if spec.get("keeps_paying") is False:
        return passivity_label(False, 0.0)
    from advisor.recommender.catalog import load_catalog

    return load_catalog().get(str(spec["catalog"])).passivity


@cache
def _rules() -> _Rules:
    loaded = rules()
    streams = cast(dict[str, dict[str, Any]], loaded["streams"])
    others = cast(dict[str, list[str]], loaded["not_income"])
    return _Rules(
        streams=tuple(
            (name, _either(spec["patterns"]), _passivity(spec)) for name, spec in streams.items()
        ),
        not_income=tuple((cast(Kind, kind), _either(p)) for kind, p in others.items()),
    )


def stream_passivity() -> dict[str, PassivityLabel]:
    """Each stream of the rules and how passive it is."""
    return {name: passivity for name, _, passivity in _rules().streams}


def _personal(row: Transaction, labels: Mapping[str, str]) -> Label | None:
    """The person's own label for the row, the longest matching payer text first."""
    text = " ".join(row.description.lower().split())
    for key in sorted(labels, key=len, reverse=True):
        if key in text:
            label = labels[key]
            if label in ("refund", "card_payment", "own_transfer"):
                return Label(cast(Kind, label))
            if row.amount < 0:
                return None  # an income label says nothing of money going out
            passivity = stream_passivity().get(label)
            return Label("income", label, passivity) if passivity else None
    return None


def classify(row: Transaction, labels: Mapping[str, str] | None = None) -> Label:
    """The person's labels first (``advisor statement label``), then the rules."""
    if labels:
        personal = _personal(row, labels)
        if personal is not None:
            return personal
    text = row.description
    table = _rules()
    if row.amount < 0:
        kinds = dict(table.not_income)
        for kind in ("own_transfer", "card_payment"):
            if kinds[kind].search(text):
                return Label(kind)
        return Label("spending")
    for kind, pattern in table.not_income:
        if pattern.search(text):
            return Label(kind)
    for name, pattern, passivity in table.streams:
        if pattern.search(text):
            return Label("income", name, passivity)
    return Label("income", UNCLASSIFIED, None)
