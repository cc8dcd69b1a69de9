"""Extraction of PDF, Word, HTML, Markdown and text files: text, page offsets, metadata, errors."""

import pytest
from make_docs import PDF_PAGES, make_docx, make_encrypted_pdf, make_html, make_image_pdf, make_pdf

from qa.errors import CorpusError
from qa.ingest import PAGE_BREAK, extract
from qa.segment import segment


def test_pdf_gives_page_offsets_and_metadata(tmp_path):
    got = extract(make_pdf(tmp_path / "survey.pdf"))
    assert got.pages is not None and len(got.pages) == 3 and got.pages[0] == 0
    pages = got.text.split(PAGE_BREAK)
    assert [got.text.find(page) for page in pages] == list(got.pages)
    assert " ".join(pages[2].split()).startswith(" ".join(PDF_PAGES[2].split())[:40])
    assert (got.title, got.organisation, got.date) == ("Harbour Workers Survey", "Harbour Rights Network",
                                                        "2021-06-01")


def test_docx_headings_become_sections(tmp_path):
    got = extract(make_docx(tmp_path / "care.docx"))
    assert got.pages is None
    assert (got.title, got.organisation, got.date) == ("Care Workers Briefing", "Care Migrants Union",
                                                       "2020-11-15")
    sections = {p.section for p in segment(got.text)}
    assert {"Care Workers Briefing › 1. Recruitment fees", "Care Workers Briefing › 2. Working hours"} <= sections
    assert "Italy | 412" in got.text and "- Rest days were often cancelled." in got.text


def test_html_keeps_the_main_text_only(tmp_path):
    got = extract(make_html(tmp_path / "fishing.html"))
    assert (got.title, got.organisation, got.date) == ("Fishing Crews Report", "Sea Rights Alliance",
                                                       "2019-09-30")
    assert "Only 23 per cent of the migrant fishers interviewed had a written contract." in got.text
    assert "up to 14 months.\nPort visits" in got.text and "Taiwan | 31" in got.text
    for junk in ("tracking", "color", "Donate", "©"):
        assert junk not in got.text
    assert {p.section for p in segment(got.text)} >= {"Fishing Crews Report › 1. Contracts",
                                                      "Fishing Crews Report › 2. Pay"}


def test_markdown_front_matter_gives_metadata_and_is_not_indexed(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text('---\ntitle: "Field Notes"\norganisation: Border Watch\ndate: 2022-02\n---\n'
                    "# Arrivals\n\nArrivals rose by 12 per cent.\n", encoding="utf-8")
    got = extract(path)
    assert (got.title, got.organisation, got.date) == ("Field Notes", "Border Watch", "2022-02")
    assert got.text == "# Arrivals\n\nArrivals rose by 12 per cent.\n"
    path.write_text("# Arrivals\n\nArrivals rose.\n", encoding="utf-8")
    assert extract(path).title == "Arrivals"
    plain = tmp_path / "plain.txt"
    plain.write_text("Just text.\n", encoding="utf-8")
    assert (extract(plain).text, extract(plain).title) == ("Just text.\n", "plain")


@pytest.mark.parametrize("make, message", [
    (lambda d: make_encrypted_pdf(d / "locked.pdf", make_pdf(d / "open.pdf")),
     "locked.pdf is protected by a password"),
    (lambda d: make_image_pdf(d / "scan.pdf"), "scan.pdf has no text layer.*run OCR"),
    (lambda d: _write(d / "broken.pdf", b"%PDF-1.7\n1 0 obj <<"), "broken.pdf is not a readable PDF"),
    (lambda d: _write(d / "broken.docx", b"PK\x03\x04 not really a zip"), "broken.docx is not a readable Word"),
    (lambda d: _write(d / "old.doc", b"\xd0\xcf\x11\xe0"), "old.doc is a .doc file.*convert it to one of .pdf"),
    (lambda d: _write(d / "empty.html", b"<html><body><script>x()</script></body></html>"),
     "empty.html has no text"),
    (lambda d: _write(d / "latin1.txt", "caf\xe9".encode("latin-1")), "latin1.txt is not UTF-8"),
    (lambda d: d / "missing.pdf", "missing.pdf does not exist"),
])
def test_bad_files_get_a_message_naming_the_file(tmp_path, make, message):
    with pytest.raises(CorpusError, match=message):
        extract(make(tmp_path))


def test_files_over_the_size_limit_are_refused_before_reading(tmp_path):
    big = _write(tmp_path / "big.txt", b"word " * 300_000)
    with pytest.raises(CorpusError, match=r"big.txt is 1.4 MB, over the 1 MB limit"):
        extract(big, max_mb=1)


def _write(path, data: bytes):
    path.write_bytes(data)
    return path
