"""Time a full ``advisor eval`` of the reference set on the grounded engine, the way a
user runs it (a fresh process: imports, model load, every row, the report).

    .venv/bin/python bench/eval_time.py

The corpus is ingested first into a temporary ADVISOR_HOME (timed apart as
``ingest_s``). Target: ``eval_s`` under 60 s on the 2-core reference machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "evals" / "reference_qa.jsonl"
TARGET_S = 60.0


def _advisor(args: list[str], home: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one ``advisor`` process. CPU time tells a slow
    machine from a busy one: on a shared box the wall time alone misleads."""
    env = {**os.environ, "ADVISOR_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    env.pop("ADVISOR_ENGINE", None)
    cpu_before = _children_cpu()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "advisor.interfaces.cli.main", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    dataset: Path = DATASET, ingested: tuple[Path, float] | None = None
) -> dict[str, float | int | bool]:
    """``eval_s`` (wall seconds of one full eval run) and what it ran; for bench/run.py.
    ``ingested``: a data folder ``advisor ingest`` filled in a new process and the
    seconds that took (the smoke run's), copied instead of ingesting again."""
    from live_copy import copy_tree  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory(prefix="eval-bench-") as tmp:
        home = Path(tmp) / "home"
        if ingested:
            copy_tree(ingested[0], home)
            ingest_s = ingested[1]
        else:
            ingest_s, _ = _advisor(["ingest", "--quiet"], home)
        out = Path(tmp) / "run"
        eval_s, eval_cpu_s = _advisor(
            ["eval", "--dataset", str(dataset), "--engine", "grounded", "--out", str(out), "-q"],
            home,
        )
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {
        "eval_s": round(eval_s, 1),
        "eval_target_s": TARGET_S,
        "eval_ok": eval_s < TARGET_S,
        "eval_cpu_s": round(eval_cpu_s, 1),
        "eval_rows": summary["rows"],
        "eval_latency_p50_ms": summary["metrics"]["latency_p50_ms"],
        "eval_latency_p95_ms": summary["metrics"]["latency_p95_ms"],
        "ingest_s": round(ingest_s, 1),
    }


def main() -> None:
    result = measure()
    verdict = "ok" if result["eval_ok"] else "OVER TARGET"
    print(
        f"eval_s={result['eval_s']} (target < {TARGET_S:g} s, {verdict}) "
        f"cpu_s={result['eval_cpu_s']} "
        f"rows={result['eval_rows']} p50={result['eval_latency_p50_ms']} ms "
        f"p95={result['eval_latency_p95_ms']} ms ingest_s={result['ingest_s']}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
