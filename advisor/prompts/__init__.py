"""Prompts and guard anchors live in files here, read when first used."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

_DIR = Path(__file__).resolve().parent


@cache
def text(name: str) -> str:
    return (_DIR / name).read_text(encoding="utf-8")


@cache
def data(name: str) -> dict[str, list[str]]:
    loaded = yaml.safe_load(text(name))
    assert isinstance(loaded, dict)
    return loaded
