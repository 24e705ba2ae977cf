"""Gating a run: floors for higher-is-better metrics, ceilings for the rest, from
``--fail-under`` / ``--fail-over`` flags or a TOML file (``evals/gate.toml``).

``python -m advisor.eval.gate SUMMARY [MARGIN]`` prints a gate file a margin under a
baseline summary, so retuning the core and re-baselining is two commands."""

from __future__ import annotations

import math
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.eval.runner import LATENCY_METRICS, LOWER_IS_BETTER, METRICS


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
    if name not in METRICS:
        raise InputError(f"{where}: unknown metric {name!r}; known: {', '.join(METRICS)}")
    if ceiling != (name in LOWER_IS_BETTER):
        lower = name in LOWER_IS_BETTER
        other = "a ceiling (--fail-over)" if lower else "a floor (--fail-under)"
        better = "lower" if lower else "higher"
        raise InputError(f"{where}: {name} is better {better}; give it {other}")
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InputError(f"{where}: {name} needs a number, got {raw!r}") from exc
    return value


def load_gate(path: Path) -> tuple[dict[str, float], dict[str, float]]:
    """Floors and ceilings from a TOML file with ``[floors]`` and ``[ceilings]`` tables."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such gate file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from exc
    unknown = set(data) - {"floors", "ceilings"}
    if unknown:
        raise InputError(
            f"{path}: unknown table {sorted(unknown)[0]!r}; use [floors] and [ceilings]"
        )
    floors = {
        k: _threshold(k, v, f"{path} [floors]", False) for k, v in data.get("floors", {}).items()
    }
    ceilings = {
        k: _threshold(k, v, f"{path} [ceilings]", True) for k, v in data.get("ceilings", {}).items()
    }
    return floors, ceilings


def gate_failures(
    summary: dict[str, Any], floors: dict[str, float], ceilings: dict[str, float]
) -> list[str]:
    """One line per metric on the wrong side of its threshold (a missing value fails)."""
    values = summary["metrics"]
    failures = []
    for name, floor in floors.items():
        value = values.get(name)
        if value is None:
            failures.append(f"{name} has no value in this run (floor {floor:g})")
        elif value < floor:
            failures.append(f"{name} {value:.4g} is under its floor {floor:g}")
    for name, ceiling in ceilings.items():
        value = values.get(name)
        if value is None:
            failures.append(f"{name} has no value in this run (ceiling {ceiling:g})")
        elif value > ceiling:
            failures.append(f"{name} {value:.4g} is over its ceiling {ceiling:g}")
    return failures


def _hundredths(value: float, rounding: Callable[[float], int]) -> float:
    """Round to 0.01 in one direction only, so the margin is never eaten by rounding."""
    return rounding(round(value * 100, 6)) / 100


def gate_from_baseline(summary: dict[str, Any], margin: float = 0.05) -> str:
    """TOML floors ``margin`` under (ceilings over) each quality metric of a baseline.
    Latencies get no threshold: they measure the machine as much as the code."""
    floors, ceilings = [], []
    for name in METRICS:
        value = summary["metrics"].get(name)
        if value is None or name in LATENCY_METRICS:
            continue
        if name in LOWER_IS_BETTER:
            ceilings.append(f"{name} = {min(1.0, _hundredths(value + margin, math.ceil)):.2f}")
        else:
            floors.append(f"{name} = {max(0.0, _hundredths(value - margin, math.floor)):.2f}")
    return (
        f"# Eval gate: the committed baseline minus {margin:g} (plus {margin:g} for\n"
        "# lower-is-better rates). Regenerate after re-baselining:\n"
        "#   python -m advisor.eval.gate evals/baseline/summary.json > evals/gate.toml\n"
        "[floors]\n" + "\n".join(floors) + "\n\n[ceilings]\n" + "\n".join(ceilings) + "\n"
    )


def main(argv: Sequence[str] | None = None) -> None:
    import json

    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        sys.exit("usage: python -m advisor.eval.gate SUMMARY.json [MARGIN]")
    summary = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    sys.stdout.write(gate_from_baseline(summary, float(args[1]) if len(args) > 1 else 0.05))


if __name__ == "__main__":
    main()
