"""Mutation score of the modules whose mistakes mislead a user (``make mutate``).

    .venv/bin/python bench/mutate.py                    # every module in bench/mutate.toml
    .venv/bin/python bench/mutate.py router citations   # modules whose path holds a word
    .venv/bin/python bench/mutate.py --jobs 1           # mutants run side by side (default: cores)

Each module is run on its own with mutmut 3 (small changes to the code, one at a time;
a mutant is killed when a test fails): the working tree is copied to
``bench/.cache/mutate/<module>/`` (tracked and new files, as a fresh clone would have them),
that copy's pyproject.toml gets a ``[tool.mutmut]`` naming the one module to mutate and its
test files from bench/mutate.toml, and ``mutmut run`` runs there, so only those tests run
for its mutants (and mutmut narrows each mutant to the tests that call its function).
Modules run smallest first. Prints a score table (markdown) of every module run so far
and writes it, with every mutant that was not killed (and with ``--report`` its diff), to
``bench/.cache/mutate/report.md``.
Score = killed (incl. timeouts) / all mutants; "no tests" mutants count as not killed.
Needs the dev extra (mutmut). Never part of ``make test``: it takes long (docs/testing.md).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "bench" / "mutate.toml"
WORK = ROOT / "bench" / ".cache" / "mutate"
KILLED = {"killed", "timeout", "caught by type check"}


def config() -> dict[str, Any]:
    return tomllib.loads(CONFIG.read_text("utf-8"))


def modules(words: list[str]) -> list[dict[str, object]]:
    listed = config()["module"]
    chosen = [m for m in listed if not words or any(w in str(m["path"]) for w in words)]
    if not chosen:
        sys.exit(f"error: no module in {CONFIG.name} matches {' '.join(words)!r}")
    return sorted(chosen, key=lambda m: len((ROOT / str(m["path"])).read_text().splitlines()))


def slow_tests(files: list[str]) -> list[str]:
    """Node ids of the tests in ``files`` that take a fixture of ``slow_fixtures``.

    mutmut times each test without its fixtures and forks a fresh pytest session for
    every mutant, so a test on the ingested corpus would rebuild it (a minute or more)
    for each mutant and be read as a timeout: such tests are left out."""
    slow = set(config()["slow_fixtures"])
    out = []
    for name in files:
        tree = ast.parse((ROOT / name).read_text("utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                if slow & {a.arg for a in node.args.args}:
                    out.append(f"{name}::{node.name}")
    return out


def tree_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [f for f in out.splitlines() if (ROOT / f).is_file()]


def workdir(module: dict[str, object]) -> Path:
    return WORK / str(module["path"]).removeprefix("advisor/").removesuffix(".py").replace("/", ".")


def prepare(module: dict[str, object], files: list[str]) -> Path:
    """A copy of the working tree whose pyproject.toml tells mutmut what to do."""
    work = workdir(module)
    shutil.rmtree(work, ignore_errors=True)
    for f in files:
        (work / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, work / f)
    tops = sorted({f.split("/")[0] for f in files} - {"advisor", "tests", "pyproject.toml"})
    section = {
        "source_paths": ["advisor/"],
        "only_mutate": [str(module["path"])],
        "also_copy": tops,
        "pytest_add_cli_args_test_selection": [
            *module["tests"],  # type: ignore[misc]
            *(f"--deselect={t}" for t in slow_tests(list(module["tests"]))),  # type: ignore[call-overload]
        ],
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "--hypothesis-profile=ci"],
    }
    # made now, so the PYTHONPATH entry below is a folder when Python starts (a missing one
    # is cached as "nothing here" and the original code would be imported instead)
    (work / "mutants").mkdir()
    lines = ["", "[tool.mutmut]"] + [f"{k} = {json.dumps(v)}" for k, v in section.items()]
    with open(work / "pyproject.toml", "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return work


def mutmut(work: Path, *args: str, log: Path | None = None) -> str:
    """``mutmut ARGS`` in ``work``: its output, or with ``log`` written there as it comes."""
    env = dict(os.environ, PYTHONPATH=str(work / "mutants"))  # subprocesses see the mutants
    command = [sys.executable, "-m", "mutmut", *args]
    if log is None:
        return subprocess.run(command, cwd=work, env=env, capture_output=True, text=True).stdout
    with open(log, "w", encoding="utf-8") as out:
        subprocess.run(command, cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
    return ""


def run_one(module: dict[str, object], files: list[str], jobs: int) -> None:
    work = prepare(module, files)
    start = time.monotonic()
    mutmut(work, "run", "--max-children", str(jobs), log=work / "run.log")
    seconds = round(time.monotonic() - start)
    (work / "seconds.json").write_text(json.dumps({"seconds": seconds, "jobs": jobs}))


def collect(module: dict[str, object], diffs: bool) -> dict[str, object] | None:
    """The score of a module's last run (None if it has not run)."""
    work = workdir(module)
    if not (work / "seconds.json").is_file():
        return None
    listed = mutmut(work, "results", "--all", "true")
    status = dict(
        line.strip().rsplit(": ", 1) for line in listed.splitlines() if ": " in line.strip()
    )
    if not status:
        sys.exit(f"error: mutmut found no mutants for {module['path']}; see {work}/run.log")
    left = sorted(name for name, s in status.items() if s not in KILLED)
    killed = sum(s in KILLED for s in status.values())
    return {
        "path": module["path"],
        "mutants": len(status),
        "killed": killed,
        "score": round(100 * killed / len(status), 1),
        **json.loads((work / "seconds.json").read_text()),
        "left": {name: status[name] for name in left},
        "diffs": {name: mutmut(work, "show", name) if diffs else "" for name in left},
    }


def report(results: list[dict[str, object]]) -> str:
    rows = [
        "| module | mutants | killed | score | time |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        rows.append(
            f"| {r['path']} | {r['mutants']} | {r['killed']} | {r['score']} % "
            f"| {r['seconds']} s ({r['jobs']} job{'s' * (r['jobs'] != 1)}) |"
        )
    out = "\n".join(rows) + "\n"
    for r in results:
        for name, state in r["left"].items():  # type: ignore[attr-defined]
            diff = r["diffs"][name]  # type: ignore[index]
            out += f"\n## {name}: {state}\n" + (f"\n```diff\n{diff}\n```\n" if diff else "")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("words", nargs="*", help="run only modules whose path holds one")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--report",
        action="store_true",
        help="only report the modules' last runs, with each survivor's diff; run nothing",
    )
    args = parser.parse_args()
    if not args.report:
        files = tree_files()
        for module in modules(args.words):
            print(f"mutating {module['path']} ... (log: {workdir(module)}/run.log)", flush=True)
            run_one(module, files, args.jobs)
    # every module that has run, this time or before: a long run can go module by module
    results = [r for m in modules([]) if (r := collect(m, diffs=args.report)) is not None]
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "report.md").write_text(report(results), encoding="utf-8")
    print(report(results).split("\n## ")[0])
    print(f"every mutant not killed: {WORK / 'report.md'} (with diffs after --report)")


if __name__ == "__main__":
    main()
