"""Gating a run: floors for higher-is-better metrics, ceilings for the rest, from
``--fail-under`` / ``--fail-over`` flags or a TOML file (``evals/gate.toml``).

A gate file may name the split it gates (``split = "test"`` at the top): its thresholds
are then checked against that split's metrics (``summary["by_split"]``), never the
dev split the core is tuned on.

With a baseline run (``advisor eval --baseline evals/baseline``, the committed
baseline) the gate also fails on a significant regression, and only then: each gated
metric (every metric but latencies and answer length) is paired row by row with the
baseline's ``results.jsonl`` (rows matched by id, only the gated split's rows), and it
fails when the 95% bootstrap interval of the mean paired difference excludes zero on
the worse side (:func:`advisor.eval.stats.paired`). A dip inside the noise passes; a
metric under its absolute floor (or over its ceiling) still fails with or without a
baseline. So a run fails when a metric is under its floor, or when it regressed
significantly against the baseline; nothing else fails it.

``python -m advisor.eval.gate SUMMARY [MARGIN] [--split test]`` (``make
eval-propose-floors``) prints a proposed gate file a margin under a baseline summary
(under its test split with ``--split test``). It is a proposal for a person: the floors
in ``evals/gate.toml`` change only in a commit that says why, and re-baselining
(:mod:`advisor.eval.rebaseline`) never writes them."""

from __future__ import annotations

import math
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from advisor.core.errors import InputError
from advisor.eval.dataset import SPLITS
from advisor.eval.metric_specs import BY_NAME, GATED, JUDGE_METRICS, METRICS


def parse_thresholds(items: Sequence[str], *, ceiling: bool = False) -> dict[str, float]:
    """``METRIC=VALUE`` pairs; a floor on a lower-is-better metric is refused."""
    flag = "--fail-over" if ceiling else "--fail-under"
    out: dict[str, float] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep:
            raise InputError(f"{flag} {item!r}: write METRIC=VALUE, e.g. hit_at_3=0.8")
        out[name] = _threshold(name, raw, flag, ceiling)
    return out


def _threshold(name: str, raw: object, where: str, ceiling: bool) -> float:
    described = BY_NAME.get(name)  # a judge metric's floor needs --judge to pass
    if described is None:
        known = (*METRICS, *JUDGE_METRICS)
        raise InputError(f"{where}: unknown metric {name!r}; known: {', '.join(known)}")
    if ceiling != described.lower_is_better:
        lower = described.lower_is_better
        other = "a ceiling (--fail-over)" if lower else "a floor (--fail-under)"
        better = "lower" if lower else "higher"
        raise InputError(f"{where}: {name} is better {better}; give it {other}")
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InputError(f"{where}: {name} needs a number, got {raw!r}") from exc
    return value


def _read(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such gate file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from exc
    unknown = set(data) - {"floors", "ceilings", "split"}
    if unknown:
        raise InputError(
            f"{path}: unknown table {sorted(unknown)[0]!r}; use [floors] and [ceilings]"
        )
    if "split" in data and data["split"] not in SPLITS:
        raise InputError(f"{path}: split = {data['split']!r}; use one of {', '.join(SPLITS)}")
    return data


def gate_split(path: Path) -> str | None:
    """The split a gate file gates (``split = "test"``), or None for the whole run."""
    split = _read(path).get("split")
    return None if split is None else str(split)


def load_gate(path: Path) -> tuple[dict[str, float], dict[str, float]]:
    """Floors and ceilings from a TOML file with ``[floors]`` and ``[ceilings]`` tables
    (and optionally ``split = "dev" | "test"``, read by :func:`gate_split`)."""
    data = _read(path)
    floors = {
        k: _threshold(k, v, f"{path} [floors]", False) for k, v in data.get("floors", {}).items()
    }
    ceilings = {
        k: _threshold(k, v, f"{path} [ceilings]", True) for k, v in data.get("ceilings", {}).items()
    }
    return floors, ceilings


def split_metrics(summary: dict[str, Any], split: str | None) -> dict[str, Any] | None:
    """The metrics of one split of a summary (all of it for None); None when the run
    had no row of that split."""
    if split is None:
        return dict(summary["metrics"])
    part = summary.get("by_split", {}).get(split)
    return None if part is None else dict(part["metrics"])


def gate_checks(
    summary: dict[str, Any],
    floors: dict[str, float],
    ceilings: dict[str, float],
    *,
    split: str | None = None,
) -> list[tuple[str, str | None]]:
    """(metric, failure or None) for every threshold, floors first; ``("", failure)``
    alone when the run has no row of the gated split."""
    values = split_metrics(summary, split)
    if values is None:
        if not floors and not ceilings:
            return []
        return [
            (
                "",
                f"the gate is for the {split} split, but this run has no {split} rows "
                f"(run with --split {split} or --split all)",
            )
        ]
    where = f" on the {split} split" if split else ""
    checks: list[tuple[str, str | None]] = []
    for name, floor in floors.items():
        value = values.get(name)
        failure = None
        if value is None:
            failure = f"{name} has no value in this run{where} (floor {floor:g})"
        elif value < floor:
            failure = f"{name} {value:.4g} is under its floor {floor:g}{where}"
        checks.append((name, failure))
    for name, ceiling in ceilings.items():
        value = values.get(name)
        failure = None
        if value is None:
            failure = f"{name} has no value in this run{where} (ceiling {ceiling:g})"
        elif value > ceiling:
            failure = f"{name} {value:.4g} is over its ceiling {ceiling:g}{where}"
        checks.append((name, failure))
    return checks


def gate_failures(
    summary: dict[str, Any],
    floors: dict[str, float],
    ceilings: dict[str, float],
    *,
    split: str | None = None,
) -> list[str]:
    """One line per metric on the wrong side of its threshold (a missing value fails).
    With ``split`` the thresholds apply to that split's metrics only."""
    return [f for _, f in gate_checks(summary, floors, ceilings, split=split) if f is not None]


def regressions(
    results: Sequence[Any], baseline: dict[str, dict[str, Any]], *, split: str | None = None
) -> dict[str, str]:
    """Metric -> failure line for every gated metric that regressed significantly
    against a baseline run's rows (:func:`advisor.eval.stats.load_rows`), paired by id
    over ``split``'s rows (all rows for None)."""
    from advisor.eval import stats

    comparison = stats.paired(results, baseline, split=split, metrics=GATED)
    lines = stats.significant_regressions(comparison, GATED)
    return {line.split(" ", 1)[0]: line for line in lines}


def _hundredths(value: float, rounding: Callable[[float], int]) -> float:
    """Round to 0.01 in one direction only, so the margin is never eaten by rounding."""
    return rounding(round(value * 100, 6)) / 100


def gate_from_baseline(
    summary: dict[str, Any], margin: float = 0.05, *, split: str | None = None
) -> str:
    """TOML floors ``margin`` under (ceilings over) each quality metric of a baseline,
    or of one split of it. Latencies and answer length get no threshold: the first
    measure the machine as much as the code, the right length depends on the question."""
    values = split_metrics(summary, split)
    if values is None:
        raise InputError(f"the baseline has no {split} rows to set a gate from")
    floors, ceilings = [], []
    for name in GATED:
        value = values.get(name)
        if value is None:
            continue
        if BY_NAME[name].lower_is_better:
            ceilings.append(f"{name} = {min(1.0, _hundredths(value + margin, math.ceil)):.2f}")
        else:
            floors.append(f"{name} = {max(0.0, _hundredths(value - margin, math.floor)):.2f}")
    flag = f" --split {split}" if split else ""
    head = (
        f"# Eval gate: floors set by a person, changed only in a commit that says why.\n"
        f"# Proposed from the baseline{f' (its {split} split)' if split else ''} minus "
        f"{margin:g} (plus {margin:g} for lower-is-better rates) by\n"
        f"#   python -m advisor.eval.gate evals/baseline/summary.json{flag}\n"
    )
    if split:
        head += f'split = "{split}"\n\n'
    return head + "[floors]\n" + "\n".join(floors) + "\n\n[ceilings]\n" + "\n".join(ceilings) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    import json

    args = list(sys.argv[1:] if argv is None else argv)
    split = None
    if "--split" in args:
        at = args.index("--split")
        split = args[at + 1] if at + 1 < len(args) else ""
        del args[at : at + 2]
        if split not in SPLITS:
            sys.exit(f"--split takes one of {', '.join(SPLITS)}")
    if not args:
        sys.exit("usage: python -m advisor.eval.gate SUMMARY.json [MARGIN] [--split test]")
    summary = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    margin = float(args[1]) if len(args) > 1 else 0.05
    try:
        text = gate_from_baseline(summary, margin, split=split)
    except InputError as exc:
        sys.exit(str(exc))
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
