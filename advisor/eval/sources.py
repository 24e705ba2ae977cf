"""What produced a run's figures: a hash of the answering code, its prompts, the corpus,
the dataset and the metric code, recorded in ``summary.json`` so a committed baseline
knows when the code under it has moved on (``tests/test_eval_baseline.py`` fails until
``make eval-baseline`` is run again).

Only what can change an answer counts: a Python file is hashed by its syntax tree with
docstrings left out (so comments, docstrings and formatting do not), a YAML file by its
parsed content (so its comments and layout do not); any other file by its bytes."""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
# Everything that decides an answer, relative to the repository: the stages' packages
# whole (so a new module, or a changed chunking default in ``core/settings.py``, marks the
# baseline stale), the prompts, the corpus, and the metric code.
PATTERNS = (
    "advisor/core/**/*.py",
    "advisor/ingest/**/*.py",
    "advisor/embeddings/**/*.py",
    "advisor/store/**/*.py",
    "advisor/conversation/**/*.py",
    "advisor/retrieval/**/*.py",
    "advisor/guard/**/*.py",
    "advisor/answering/**/*.py",
    "advisor/recommender/**/*.py",
    "advisor/worked/**/*.py",
    "advisor/prompts/**/*",
    "corpus/**/*",
    # and what turns answers into the baseline's figures
    "advisor/eval/metrics.py",
    "advisor/eval/metric_specs.py",
    "advisor/eval/runner.py",
)
DATASET_KEY = "dataset"


def _files(root: Path) -> Iterator[Path]:
    for pattern in PATTERNS:
        for path in root.glob(pattern):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                yield path


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return body[1:]
    return body


def _tree(node: object) -> object:
    """A syntax tree as plain data: node types and fields, without positions, docstrings,
    or empty fields (so Python versions that add an empty field agree)."""
    if isinstance(node, ast.AST):
        fields: dict[str, object] = {"_": type(node).__name__}
        for name, value in ast.iter_fields(node):
            if name == "body" and isinstance(
                node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
            ):
                value = _without_docstring(value)
            if name == "type_ignores" or value is None or value == []:
                continue
            fields[name] = _tree(value)
        return fields
    if isinstance(node, list):
        return [_tree(item) for item in node]
    if isinstance(node, bytes | complex) or node is Ellipsis:
        return repr(node)
    return node


def canonical(path: Path) -> bytes:
    """What of a file can change an answer: a Python file's syntax tree without its
    docstrings, a YAML file's parsed content, else the bytes. A file that does not parse
    counts by its bytes."""
    import yaml

    raw = path.read_bytes()
    try:
        if path.suffix == ".py":
            data = _tree(ast.parse(raw, filename=str(path)))
        elif path.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(raw)
        else:
            return raw
    except (SyntaxError, ValueError, yaml.YAMLError):
        return raw
    return json.dumps(data, ensure_ascii=False, default=repr).encode("utf-8")


def _digest(path: Path) -> str:
    return hashlib.sha256(canonical(path)).hexdigest()


def fingerprint(dataset: Path | None, root: Path = ROOT) -> dict[str, Any]:
    """``{"hash", "files"}``: the SHA-256 of every source file (by its path relative to
    ``root``; the dataset under the key ``dataset``, wherever it lives) and one hash over
    all of them. Only file contents count: not times, not the checkout's location."""
    files = {path.relative_to(root).as_posix(): _digest(path) for path in _files(root)}
    if dataset is not None:
        files[DATASET_KEY] = _digest(dataset)
    files = dict(sorted(files.items()))
    overall = hashlib.sha256(
        "".join(f"{name}\0{digest}\n" for name, digest in files.items()).encode("utf-8")
    ).hexdigest()
    return {"hash": overall, "files": files}


def changes(recorded: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Human lines: which files changed, appeared or went away between two fingerprints."""
    before: dict[str, str] = recorded.get("files", {})
    now: dict[str, str] = current.get("files", {})
    lines = [f"changed: {n}" for n in sorted(set(before) & set(now)) if before[n] != now[n]]
    lines += [f"new: {n}" for n in sorted(set(now) - set(before))]
    lines += [f"gone: {n}" for n in sorted(set(before) - set(now))]
    return lines
