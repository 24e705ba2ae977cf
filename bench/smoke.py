"""``make bench-smoke`` (run by ``make test``): every section of ``bench/run.py`` at tiny
sizes, so a change that breaks the bench fails CI instead of the next full run.

    .venv/bin/python bench/smoke.py

Everything happens in a temporary folder (bench cache, data folders, results): bulk text
made from the corpus (no Debian packages), 200 / 1,000 / 2,000 chunks, a dozen questions
per section, a few reference rows, one round, the library ingested once and copied. It
fails when a section fails, when a figure of ``bench/results/latest.json`` is not
produced (under its name at the smoke sizes: ``_100000`` -> ``_2000``), or when a target
gets no value to compare. No timing is asserted and nothing is published: latest.json
comes from full runs only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


def have_postgres() -> bool:
    return bool(shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")))


def problems(figures: dict[str, Any], verdicts: dict[str, Any], skip: str | None) -> list[str]:
    """What the smoke run failed to produce; ``skip`` marks a section's figures skipped."""
    import run  # type: ignore[import-not-found]

    out = [f"{k}: {v}" for k, v in figures.items() if k.endswith("_error")]
    latest = json.loads((BENCH / "results" / "latest.json").read_text(encoding="utf-8"))
    for key in latest["figures"]:
        name = run.sized(key, run.SMOKE_SIZES)
        if name not in figures and not (skip and skip in key):
            out.append(f"figure {key} (here {name}) was not produced")
    for key, verdict in verdicts.items():
        if verdict["value"] is None and not (skip and skip in key):
            out.append(f"target {key} has no value to compare")
    # what a figure needs to mean what its name says (not a timing): a smoke run that
    # timed an upload without answering from it measured the wrong thing
    for flag in run.REQUIRES.values():
        if flag in figures and figures[flag] is not True:
            out.append(f"{flag} is {figures[flag]!r}: the figure it qualifies means nothing")
    return out


def main() -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-smoke-") as tmp:
        library = Path(tmp) / "library"
        os.environ |= {
            "BENCH_SMOKE": "1",
            "BENCH_TEXT": "corpus",
            "BENCH_CACHE": str(Path(tmp) / "cache"),
            "BENCH_LIBRARY_HOME": str(library),
        }
        ingest_started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "advisor.interfaces.cli.main", "ingest", "--quiet"],
            cwd=ROOT,
            env={**os.environ, "ADVISOR_HOME": str(library)},
            check=True,
        )
        # eval's ingest_s is this ingest (a new process, as eval_time.py runs it)
        os.environ["BENCH_LIBRARY_INGEST_S"] = f"{time.perf_counter() - ingest_started:.1f}"
        sys.path.insert(0, str(BENCH))
        import run  # type: ignore[import-not-found]  # reads BENCH_SMOKE

        skip = None
        if not have_postgres() and os.environ.get("CI", "").lower() in ("", "0", "false", "no"):
            skip = "shared"  # the api_shared figures; under CI a missing PostgreSQL fails
            print("note: no PostgreSQL (make postgres): api_shared skipped", file=sys.stderr)
        figures: dict[str, Any] = {}
        for name in run.SECTIONS:
            if skip and skip in name:
                continue
            print(f"== {name} (smoke) ...", file=sys.stderr, flush=True)
            got, spent = run.run_section(name)
            figures.update(got)
            print(f"   {name}: {spent:.0f} s", file=sys.stderr, flush=True)
    run.derive(figures)
    verdicts = run.check(figures, run.SMOKE_SIZES)
    for key, value in figures.items():
        v = verdicts.get(key)
        mark = f"{v['op']} {v['target']:g}  {'ok' if v['met'] else 'missed'}" if v else ""
        print(f"{key:<44} {value!s:>14}  {mark}")
    found = problems(figures, verdicts, skip)
    print(f"bench smoke: {len(figures)} figures in {time.perf_counter() - started:.0f} s")
    if found:
        for line in found:
            print(f"FAILED {line}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
