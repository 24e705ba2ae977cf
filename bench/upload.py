"""``upload_to_answer_s``: seconds from handing a PDF of real text to ``add_documents`` until
a question about its last page is answered from it, in a warm process (as a running
server or UI is), split into where the time goes. For bench/run.py (section "upload").

The PDF (made with fpdf2): pages of the project's README and docs/ prose, then, as its last
page, the corpus's side-hustle article, so the question is one the advisor's scope accepts. The
data folder's library holds only ``docs/routing.md`` (the advisor refuses to answer with an
empty library; the corpus there would hold the last page's text too), so the answer
comes from the upload. The question is made by code from the last page's longest
sentence: its last ten words, as a person who remembers a phrase of the page would ask.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE_CHARS = 2_800  # about a printed page of prose
USER = "bench-upload"
_WORD = re.compile(r"[A-Za-z][A-Za-z']{3,}")
_LATIN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


def page_texts(pages: int) -> list[str]:
    """``pages`` - 1 pages of paragraphs of the README and the docs pages, then the last
    page."""
    from advisor.ingest.corpus import load_article

    docs = sorted(f for f in (ROOT / "docs").glob("*.md") if f.name != "routing.md")  # the library
    prose = [ROOT / "README.md", *docs]
    paragraphs = [p.strip() for f in prose for p in f.read_text("utf-8").split("\n\n")]
    out: list[str] = []
    current = ""
    for para in (p for p in paragraphs if p):
        if len(out) == pages - 1:
            break
        current += para + "\n\n"
        if len(current) >= PAGE_CHARS:
            out.append(current)
            current = ""
    out.append(load_article(ROOT / "corpus" / "passive-income-side-hustle.md").text)
    return out


def make_pdf(path: Path, pages: list[str]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=9)
    for text in pages:
        pdf.add_page()
        safe = text.translate(_LATIN).encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, 4, safe)
    pdf.output(str(path))


def last_page_question(text: str) -> tuple[str, list[str]]:
    """(question, its content words): the last ``TAIL_WORDS`` words of the last page's
    longest sentence. (Three words from its middle were tried first: "management decision
    making" is also what the README and docs pages before it talk about, and the answer
    came from them.)"""
    from advisor.core.sentences import split_sentences

    sentence = max(split_sentences(text), key=len).translate(_LATIN)
    tail = " ".join(sentence.rstrip(" .?!").split()[-TAIL_WORDS:])
    words = [w for w in _WORD.findall(tail) if w.lower() not in _STOP]
    return f"What does my document say about {tail}?", words


TAIL_WORDS = 10
_STOP = frozenset("this that with have from they their them there what when which your".split())


class Clock:
    """Wall seconds per phase; an inner phase's time is not counted in the outer one."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.stack: list[str] = []

    def wrap(self, phase: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self.stack and self.stack[-1] == "sentence embedding":
                return fn(*args, **kwargs)  # the embedder under SentenceVectors
            self.stack.append(phase)
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.perf_counter() - started
                self.stack.pop()
                self.spent[phase] = self.spent.get(phase, 0.0) + spent
                if self.stack:  # not the outer phase's own time
                    outer = self.stack[-1]
                    self.spent[outer] = self.spent.get(outer, 0.0) - spent

        return timed


def bench_upload(tmp: Path, pages: int = 20) -> dict[str, Any]:
    import advisor.ingest.pipeline as pipeline
    from advisor.answering.service import Advisor
    from advisor.core.settings import Settings
    from advisor.retrieval.sentence_vectors import SentenceVectors
    from advisor.users.documents import add_documents

    texts = page_texts(pages)
    pdf = tmp / "upload.pdf"
    make_pdf(pdf, texts)
    question, words = last_page_question(texts[-1])
    advisor = Advisor(Settings(home=tmp / "home"))
    pipeline.ingest_files(advisor.store, [ROOT / "docs" / "routing.md"])
    advisor.ask("How do dividend stocks pay passive income?")  # warm: model, guard, store
    clock = Clock()
    embedder = advisor.embedder
    embedder.embed = clock.wrap("chunk embedding", embedder.embed)  # type: ignore[method-assign]
    SentenceVectors.embed = clock.wrap("sentence embedding", SentenceVectors.embed)  # type: ignore[method-assign]
    pipeline.load_file = clock.wrap("parsing", pipeline.load_file)  # type: ignore[attr-defined]
    pipeline.split_text = clock.wrap("parsing", pipeline.split_text)  # type: ignore[attr-defined]
    started = time.perf_counter()
    report = clock.wrap("storing", add_documents)(advisor, USER, [pdf])
    uploaded = time.perf_counter()
    upload = dict(clock.spent)
    clock.spent.clear()
    answer = clock.wrap("answering", advisor.ask)(question, user=USER)
    done = time.perf_counter()
    if report.errors or not report.results:
        raise RuntimeError(f"the PDF did not go in: {report.errors}")
    doc_id = report.results[0].doc_id
    # answered from it: the answer cites the upload, and the upload's passages it was made
    # from hold every word of the question's phrase (a phrase may straddle two chunks)
    passages = [c for c in answer.citations if c.doc_id == doc_id]
    held = {w.lower() for c in passages for w in _WORD.findall(c.text.translate(_LATIN))}
    cites_it = any(c.cited for c in passages)
    # the embedder's calls while answering are the question's own (and the sentences')
    ask = clock.spent
    return {
        "upload_pages": len(texts),
        "upload_chunks": report.results[0].added,
        "upload_to_answer_s": round(done - started, 2),
        "upload_parse_s": round(upload.get("parsing", 0.0), 2),
        "upload_chunk_embed_s": round(upload.get("chunk embedding", 0.0), 2),
        "upload_sentence_embed_s": round(
            upload.get("sentence embedding", 0.0) + ask.get("sentence embedding", 0.0), 2
        ),
        "upload_store_s": round(upload.get("storing", 0.0), 2),
        "upload_answer_s": round(done - uploaded - ask.get("sentence embedding", 0.0), 2),
        "upload_answered_from_it": cites_it
        and all(w.lower() in held for w in words)
        and not answer.declined,
    }
