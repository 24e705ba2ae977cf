"""Loading source articles (front matter + text) and cleaning page furniture."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from advisor.core.errors import InputError
from advisor.ingest.footnotes import strip_footnotes

_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
# Blog-comment bylines such as "Jane Doe recently posted…The Best Ways To …".
_RECENTLY_POSTED = re.compile(r"^.{1,80}\brecently posted\s*(…|\.\.\.)", re.IGNORECASE)
# A line that is nothing but a short quoted remark (“Thank you!”) is a comment blurb.
_QUOTED_BLURB = re.compile(r"^\s*[“\"][^”\"]{1,200}[”\"]\s*$")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass
class Document:
    """A cleaned document ready to split."""

    doc_id: str  # stable id: the file name for the corpus, a slug for user files
    text: str
    title: str
    source: str
    kind: str = "article"
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]


def parse_front_matter(raw: str) -> tuple[dict[str, str], str]:
    match = _FRONT.match(raw)
    if not match:
        return {}, raw
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"front matter is not valid YAML: {exc}".splitlines()[0]) from exc
    if not isinstance(meta, dict):
        raise InputError("front matter must be a mapping of key: value lines")
    return {str(k): str(v) for k, v in meta.items()}, raw[match.end() :]


def clean_text(text: str, furniture_starts: str | None = None) -> str:
    """Normalise whitespace and drop page furniture and footnote markers; never
    invents text. Every loader's text (library articles, users' documents) comes here."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text.replace("\x0b", " ").replace("\x0c", " "))
    if furniture_starts:
        cut = text.find(furniture_starts)
        if cut != -1:
            text = text[:cut]
    lines = []
    for line in text.split("\n"):
        stripped = line.rstrip()
        if _RECENTLY_POSTED.match(stripped.strip()) or _QUOTED_BLURB.match(stripped):
            continue
        lines.append(stripped)
    text = strip_footnotes("\n".join(lines))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def load_article(path: Path) -> Document:
    """A corpus article: front matter (title, source, kind) and its cleaned text."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: not UTF-8 text") from exc
    meta, body = parse_front_matter(raw)
    text = clean_text(body, meta.get("furniture_starts"))
    if not text:
        raise InputError(f"{path.name}: no text left after cleaning")
    return Document(
        doc_id=path.name,
        text=text,
        title=meta.get("title") or path.stem.replace("-", " ").title(),
        source=path.name,
        kind=meta.get("kind", "article"),
        meta=meta,
    )


def corpus_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InputError(f"corpus folder not found: {folder} (set ADVISOR_CORPUS_DIR)")
    return sorted(p for p in folder.iterdir() if p.suffix in {".md", ".txt"} and p.is_file())
