"""Cleaning and splitting: page furniture goes, facts stay, and text is never invented."""

from __future__ import annotations

import re
import unicodedata

import pytest
from helpers import CORPUS
from hypothesis import example, given, settings
from hypothesis import strategies as st

from advisor.ingest.corpus import clean_text, corpus_files, load_article
from advisor.ingest.splitting import split_text


def test_blog_comments_and_recently_posted_lines_are_dropped():
    doc = load_article(CORPUS / "passive-income-side-hustle.md")
    assert "recently posted" not in doc.text
    assert "true lifesaver" not in doc.text
    assert "Love the depth of analysis" not in doc.text
    assert doc.text.endswith("you will certainly need to consider how to run it.")


def test_every_article_has_title_source_and_kind():
    for path in corpus_files(CORPUS):
        doc = load_article(path)
        assert doc.title and doc.source == path.name and doc.kind


def test_metrics_table_is_split_row_by_row_with_its_header():
    doc = load_article(CORPUS / "passive-income-opportunities.md")
    chunks = split_text(doc.doc_id, doc.text)
    rows = [c.text for c in chunks if "| Email Subscribers |" in c.text]
    assert len(rows) == 1
    assert "| Metric | Description | Value | Unit |" in rows[0]
    assert "150,000" in rows[0] and "1,200,000" not in rows[0]


def test_chunk_ids_are_content_hashes():
    doc = load_article(CORPUS / "passive-income-assets-leverage.md")
    first = [c.id for c in split_text(doc.doc_id, doc.text)]
    assert first == [c.id for c in split_text(doc.doc_id, doc.text)]
    assert len(set(first)) == len(first)


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=3000)


@settings(max_examples=60, deadline=None)
@given(texts)
@example('"²')  # a superscript footnote marker stuck to a quote mark
def test_cleaning_is_idempotent_and_only_removes(text):
    once = clean_text(text)
    assert clean_text(once) == once
    assert "\x00" not in once
    source = unicodedata.normalize("NFC", text.replace("\x0b", " ").replace("\x0c", " "))
    source_words = set(re.sub(r"[\x00-\x08\x0e-\x1f\x7f]", "", source).split())
    # a footnote marker may leave a word it was stuck to ('"²' -> '"', 'income[4]' -> ...)
    unmarked = {re.sub(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\[\^?\d{1,3}\]", "", w) for w in source_words}
    assert set(once.split()) <= source_words | unmarked


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=400), min_size=1, max_size=12))
def test_every_chunk_is_a_substring_of_the_cleaned_text(paragraphs):
    text = clean_text("\n\n".join(paragraphs))
    for chunk in split_text("doc", text, chunk_size=200, chunk_overlap=40):
        assert chunk.text and chunk.text in text or "|" in chunk.text


def test_the_splitter_default_is_the_settings_default():
    """One chunking default: split_text without sizes splits as ingest does."""
    from advisor.core.settings import Settings

    text = " ".join(f"Sentence number {i} is about dividend income." for i in range(200))
    fields = Settings.model_fields
    size, overlap = fields["chunk_size"].default, fields["chunk_overlap"].default
    assert (size, overlap) == (1200, 400)
    assert split_text("doc", text) == split_text(
        "doc", text, chunk_size=size, chunk_overlap=overlap
    )
    assert split_text("doc", text) != split_text("doc", text, chunk_size=900, chunk_overlap=120)


def test_footnote_markers_leave_the_library_articles():
    doc = load_article(CORPUS / "passive-income-assets-leverage.md")
    assert "can generate returns steadily is a real" in doc.text
    assert "creating sizable passive income" in doc.text
    assert "the business owner, in which" in doc.text
    assert "cash holdings." in doc.text and "companies?" in doc.text
    assert not re.search(r"[a-z’] ?\d{1,2}[ ,.?]", doc.text.split("\n  1. ")[0])
    assert "  1. Kiyosaki" in doc.text  # the notes themselves stay


def test_footnote_markers_leave_users_documents_but_real_figures_stay(tmp_path):
    from advisor.ingest.loaders import load_file

    note = tmp_path / "plan.txt"
    note.write_text(
        "My rental earns $500 a month steadily 1 while the fund yields 4% a year reliably 2.\n"
        "I started in 2023 and kept 3 months of expenses aside, as the guide says 3.\n"
        "Royalties¹ and dividends [4] come in without work.\n",
        encoding="utf-8",
    )
    text = load_file(note, max_bytes=100_000).text
    assert "earns $500 a month steadily while the fund yields 4% a year reliably." in text
    assert "I started in 2023 and kept 3 months of expenses aside, as the guide says." in text
    assert "Royalties and dividends come in without work." in text


@pytest.mark.parametrize(
    "text",
    [
        "I have 2 kids and a rental that pays 1 200 a month.",
        "Step 1 is saving. Step 2 is investing. Step 3 is waiting.",
        "Web3 and B2B sales 2 are not footnotes when nothing counts up.",
    ],
)
def test_numbers_that_are_not_a_footnote_sequence_stay(text):
    assert clean_text(text) == text
