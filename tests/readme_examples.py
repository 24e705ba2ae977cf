"""The code examples of README.md and docs/*.md, for tests that run exactly what the
documentation shows.

An example is the fenced block right after a ``<!-- example: NAME -->`` line (an HTML
comment, invisible on the rendered page); a test runs it by that name, wherever the
example lives (names are unique across README.md and docs/*.md). A block that
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

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
_MARKER = re.compile(r"<!--\s*example:\s*(?P<name>.*?)\s*-->")
_MANUAL = re.compile(r"manual\s*(?:—|–|-|:)\s*(?P<reason>.*)")


@dataclass(frozen=True)
class Block:
    """One fenced code block of README.md or a docs/*.md page."""

    line: int  # of the opening fence, 1-based
    lang: str
    code: str
    marker: str | None  # NAME of the ``<!-- example: NAME -->`` line above, if any
    section: str  # the ``## `` heading it sits under
    path: str = "README.md"  # the file it is in, relative to the repository root

    @property
    def manual(self) -> str | None:
        """The reason, for a block marked ``manual — REASON`` ("" if none is given)."""
        if self.marker is None or not self.marker.startswith("manual"):
            return None
        found = _MANUAL.fullmatch(self.marker)
        return found["reason"].strip() if found else ""


def documentation_files() -> list[Path]:
    """README.md and every docs/*.md page: where runnable examples may live."""
    return [README, *sorted((ROOT / "docs").glob("*.md"))]


def readme_blocks(text: str | None = None, path: str = "README.md") -> list[Block]:
    """Every fenced block of one file (the README unless ``text`` is given), in order,
    with the marker right above it (only blank lines may stand between the marker and
    the fence)."""
    lines = ((ROOT / path).read_text(encoding="utf-8") if text is None else text).splitlines()
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
            Block(
                start + 1, lang, "\n".join(body), marker["name"] if marker else None, section, path
            )
        )
        i += 1
    return blocks


def documentation_blocks() -> list[Block]:
    """Every fenced block of README.md and docs/*.md."""
    return [
        block
        for file in documentation_files()
        for block in readme_blocks(path=file.relative_to(ROOT).as_posix())
    ]


def marker_count(text: str | None = None) -> int:
    """How many lines of ``text`` (else of README.md and docs/*.md together) are an
    ``<!-- example: ... -->`` marker."""
    files = documentation_files()
    texts = [text] if text is not None else [f.read_text(encoding="utf-8") for f in files]
    return sum(1 for one in texts for line in one.splitlines() if _MARKER.fullmatch(line.strip()))


def readme_example(name: str) -> tuple[str, str]:
    """(language, code) of the example called ``name``, in README.md or docs/*.md."""
    found = [block for block in documentation_blocks() if block.marker == name]
    assert len(found) == 1, (
        f"README.md and docs/*.md need exactly one <!-- example: {name} --> before a block"
    )
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
