"""The module map (docs/internals.md, linked from the README) names only files that exist,
so a newcomer can trust it."""

from __future__ import annotations

import re

from helpers import ROOT


def _map() -> str:
    text = (ROOT / "docs" / "internals.md").read_text(encoding="utf-8")
    start, end = text.index("<!-- module-map:start"), text.index("<!-- module-map:end")
    return text[start:end]


def test_every_path_in_the_module_map_exists():
    paths = re.findall(r"`(advisor/[^`]+)`", _map())
    assert len(paths) >= 20
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert missing == []


def test_the_package_root_holds_stages_not_loose_modules():
    """`ls advisor/` shows the flow: every module lives in a stage's sub-package."""
    package = ROOT / "advisor"
    loose = sorted(p.name for p in package.glob("*.py") if p.name != "__init__.py")
    assert loose == []
    stages = {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    assert {"core", "ingest", "conversation", "retrieval", "guard", "answering"} <= stages
    assert {"recommender", "users", "interfaces", "eval", "store", "embeddings"} <= stages
