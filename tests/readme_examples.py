"""The code examples of README.md, for tests that run exactly what the README shows.

An example is the fenced block right after a ``<!-- example: NAME -->`` line (an HTML
comment, invisible on the rendered page); a test runs it by that name. A block that
needs a person or a third-party app says so instead, with the reason:
``<!-- example: manual — needs Docker and Open WebUI -->``. Tests swap only what must be
swapped: the address or port of a server they started, and paths the README gives as
placeholders (the tests create those files).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
_MARKER = re.compile(r"<!--\s*example:\s*(?P<name>.*?)\s*-->")
_MANUAL = re.compile(r"manual\s*(?:—|–|-|:)\s*(?P<reason>.*)")


@dataclass(frozen=True)
class Block:
    """One fenced code block of the README."""

    line: int  # of the opening fence, 1-based
    lang: str
    code: str
    marker: str | None  # NAME of the ``<!-- example: NAME -->`` line above, if any
    section: str  # the ``## `` heading it sits under

    @property
    def manual(self) -> str | None:
        """The reason, for a block marked ``manual — REASON`` ("" if none is given)."""
        if self.marker is None or not self.marker.startswith("manual"):
            return None
        found = _MANUAL.fullmatch(self.marker)
        return found["reason"].strip() if found else ""


def readme_blocks(text: str | None = None) -> list[Block]:
    """Every fenced block of the README, in order, with the marker right above it (only
    blank lines may stand between the marker and the fence)."""
    lines = (README.read_text(encoding="utf-8") if text is None else text).splitlines()
    blocks: list[Block] = []
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section = line[3:].strip()
        fence = line.lstrip()
        if not fence.startswith("```"):
            i += 1
            continue
        start = i
        lang = fence[3:].strip().split(" ")[0]
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i])
            i += 1
        above = start - 1
        while above >= 0 and not lines[above].strip():
            above -= 1
        marker = _MARKER.fullmatch(lines[above].strip()) if above >= 0 else None
        blocks.append(
            Block(start + 1, lang, "\n".join(body), marker["name"] if marker else None, section)
        )
        i += 1
    return blocks


def marker_count(text: str | None = None) -> int:
    """How many lines of the README are an ``<!-- example: ... -->`` marker."""
    lines = (README.read_text(encoding="utf-8") if text is None else text).splitlines()
    return sum(1 for line in lines if _MARKER.fullmatch(line.strip()))


def readme_example(name: str) -> tuple[str, str]:
    """(language, code) of the README example called ``name``."""
    found = [block for block in readme_blocks() if block.marker == name]
    assert len(found) == 1, f"README.md needs exactly one <!-- example: {name} --> before a block"
    return found[0].lang, found[0].code


def pointed_at(code: str, address: str, url: str) -> str:
    """``code`` with the README's server ``address`` replaced by ``url``."""
    assert address in code, f"the example does not use {address}"
    return code.replace(address, url)


def shell_commands(code: str) -> list[str]:
    """The commands of a shell block: lines ending in ``\\`` joined to the next, blank
    lines and whole-line comments left out (comments after a command stay)."""
    commands: list[str] = []
    pending = ""
    for line in code.splitlines():
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1].strip() + " "
            continue
        line = pending + line.strip()
        pending = ""
        if line.strip() and not line.lstrip().startswith("#"):
            commands.append(line.strip())
    assert not pending, f"a command ends in a backslash: {pending!r}"
    return commands


def argv(command: str) -> list[str]:
    """A shell command's words, as the shell splits them (quotes removed, a trailing
    ``# comment`` dropped)."""
    return shlex.split(command, comments=True)
