"""Loaders for users' files: PDF (pypdf), Word (python-docx), CSV, HTML, and the
clear one-line errors for files that cannot be used. No embedding model needed."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from advisor.core.errors import InputError
from advisor.ingest.loaders import LOADERS, load_file, report_pages

MAX = 50 * 1024 * 1024


def make_pdf(path: Path, pages: list[str]) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Income plan", level=1)
    document.add_paragraph("I rent out a parking space near the station.")
    table = document.add_table(rows=3, cols=2)
    for r, (stream, income) in enumerate(
        [("stream", "monthly income"), ("parking space", "85"), ("ebook", "40")]
    ):
        table.cell(r, 0).text = stream
        table.cell(r, 1).text = income
    document.add_paragraph("Next year I want to add a dividend portfolio.")
    document.save(str(path))
    return path


def test_pdf_text_comes_from_every_page_in_order(tmp_path):
    path = make_pdf(tmp_path / "plan.pdf", ["First page about rent.", "", "Third page on ETFs."])
    doc = load_file(path, max_bytes=MAX)
    assert doc.kind == "pdf" and doc.doc_id == "plan.pdf"
    assert doc.text.index("First page about rent.") < doc.text.index("Third page on ETFs.")


def test_pdf_pages_are_reported_to_the_progress_hook(tmp_path):
    path = make_pdf(tmp_path / "long.pdf", [f"Page {n} text." for n in range(1, 8)])
    seen: list[tuple[str, int, int]] = []
    with report_pages(lambda name, done, total: seen.append((name, done, total))):
        load_file(path, max_bytes=MAX)
    assert seen == [("long.pdf", n, 7) for n in range(1, 8)]
    load_file(path, max_bytes=MAX)  # outside the block nobody is told
    assert len(seen) == 7


def test_corrupt_pdf_is_refused_with_the_file_name(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage without end")
    with pytest.raises(InputError, match=r"^broken\.pdf: not a readable PDF") as err:
        load_file(path, max_bytes=MAX)
    assert "\n" not in str(err.value)


def test_truncated_pdf_is_refused(tmp_path):
    good = make_pdf(tmp_path / "good.pdf", ["Some text " * 50] * 3)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    with pytest.raises(InputError, match=r"^cut\.pdf: "):
        load_file(cut, max_bytes=MAX)


def test_password_protected_pdf_says_so(tmp_path):
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.cell(text="locked text")
    pdf.set_encryption(
        owner_password="owner", user_password="user", encryption_method=EncryptionMethod.RC4
    )
    pdf.output(str(tmp_path / "locked.pdf"))
    with pytest.raises(InputError, match="locked.pdf: the PDF is password-protected"):
        load_file(tmp_path / "locked.pdf", max_bytes=MAX)


def test_pdf_without_a_text_layer_suggests_ocr(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 80, 80)
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(InputError, match="scan.pdf: the PDF has no text layer.*OCR"):
        load_file(tmp_path / "scan.pdf", max_bytes=MAX)


def test_docx_keeps_paragraphs_and_turns_tables_into_rows_with_headers(tmp_path):
    doc = load_file(make_docx(tmp_path / "plan.docx"), max_bytes=MAX)
    assert doc.kind == "docx"
    lines = doc.text.split("\n")
    assert "I rent out a parking space near the station." in lines
    assert "| stream | monthly income |" in lines
    assert "| parking space | 85 |" in lines
    assert doc.text.index("| ebook | 40 |") < doc.text.index("dividend portfolio")


def test_docx_table_rows_become_chunks_that_carry_the_header(tmp_path):
    from advisor.ingest.splitting import split_text

    doc = load_file(make_docx(tmp_path / "plan.docx"), max_bytes=MAX)
    chunks = [c.text for c in split_text(doc.doc_id, doc.text)]
    row = next(c for c in chunks if "| ebook | 40 |" in c)
    assert "| stream | monthly income |" in row


def test_docx_zip_bomb_is_refused_before_parsing(tmp_path):
    path = make_docx(tmp_path / "bomb.docx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\0" * (8 * 1024 * 1024))
    assert path.stat().st_size < 200_000  # small on disk, 8 MiB inflated
    with pytest.raises(InputError, match=r"^bomb\.docx: refused.*zip bomb"):
        load_file(path, max_bytes=MAX)


def test_docx_over_the_total_inflated_limit_is_refused(tmp_path, monkeypatch):
    import advisor.ingest.loaders

    path = make_docx(tmp_path / "big.docx")
    with zipfile.ZipFile(path) as archive:
        inflated = sum(m.file_size for m in archive.infolist())
    monkeypatch.setattr(advisor.ingest.loaders, "DOCX_MAX_UNCOMPRESSED", inflated - 1)
    with pytest.raises(InputError, match=f"big.docx: refused.*{inflated:,} bytes"):
        load_file(path, max_bytes=MAX)


def test_file_named_docx_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_text("just text pretending to be Word")
    with pytest.raises(InputError, match=r"^fake\.docx: not a readable Word \.docx file"):
        load_file(path, max_bytes=MAX)


def test_zip_that_is_not_a_word_document_is_refused(tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    with pytest.raises(InputError, match=r"^other\.docx: not a readable Word \.docx file"):
        load_file(path, max_bytes=MAX)


def test_csv_rows_become_lines_named_by_their_headers(tmp_path):
    path = tmp_path / "income.csv"
    path.write_text('month,source,amount\nJan,"rent, garage",120\nFeb,dividends,\n\n')
    doc = load_file(path, max_bytes=MAX)
    assert doc.text.split("\n") == [
        "month: Jan; source: rent, garage; amount: 120.",
        "month: Feb; source: dividends.",
    ]


def test_csv_with_semicolons_is_sniffed(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("Monat;Betrag\nJanuar;1.200,50\nFebruar;980,00\n")
    assert load_file(path, max_bytes=MAX).text.split("\n") == [
        "Monat: Januar; Betrag: 1.200,50.",
        "Monat: Februar; Betrag: 980,00.",
    ]


def test_csv_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("name,city\nJosé,Zürich\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"^latin\.csv: not UTF-8 text"):
        load_file(path, max_bytes=MAX)


def test_csv_with_only_a_header_has_no_text(tmp_path):
    path = tmp_path / "empty-table.csv"
    path.write_text("month,amount\n")
    with pytest.raises(InputError, match="empty-table.csv: no text found"):
        load_file(path, max_bytes=MAX)


def test_html_keeps_visible_text_and_drops_scripts_and_styles(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Tab title</title><style>p { color: red }</style></head>"
        "<body><script>var secret = 'do not index';</script><h1>Rental income</h1>"
        "<p>Rent &amp; royalties are passive-ish.</p><noscript>enable js</noscript></body></html>"
    )
    doc = load_file(path, max_bytes=MAX)
    assert doc.kind == "html"
    assert "Rental income" in doc.text and "Rent & royalties are passive-ish." in doc.text
    for hidden in ("do not index", "color: red", "enable js", "Tab title"):
        assert hidden not in doc.text


def test_htm_suffix_uses_the_html_loader(tmp_path):
    path = tmp_path / "old.htm"
    path.write_text("<p>Old page <b>bold</b></p><script>x()</script>")
    assert "x()" not in load_file(path, max_bytes=MAX).text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", r"^empty\.txt: the file is empty"),
        ("empty.pdf", b"", r"^empty\.pdf: the file is empty"),
        ("photo.txt", bytes(range(256)) * 40, r"^photo\.txt: binary content"),
        ("notes.md", "café".encode("latin-1") * 10, r"^notes\.md: not UTF-8"),
        ("sheet.xlsx", b"PK\x03\x04", r"^sheet\.xlsx: unsupported file type \.xlsx; use "),
    ],
)
def test_unusable_files_get_one_line_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        load_file(path, max_bytes=MAX)
    assert "\n" not in str(err.value)


def test_every_promised_format_has_a_loader():
    assert {".txt", ".md", ".pdf", ".docx", ".csv", ".html"} <= set(LOADERS)
