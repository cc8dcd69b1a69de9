"""The corpus manifest: optional source and page keys, atomic rewrite, originals not read twice."""

import json
import shutil

import pytest

from qa.corpus import load_corpus, read_manifest, write_manifest
from qa.errors import CorpusError
from qa.settings import BUNDLED_CORPUS
from qa.types import DocumentMeta


def test_rewriting_the_bundled_manifest_keeps_it_byte_for_byte(tmp_path):
    shutil.copy(BUNDLED_CORPUS / "manifest.json", tmp_path)
    write_manifest(tmp_path, read_manifest(tmp_path).values())
    assert (tmp_path / "manifest.json").read_bytes() == (BUNDLED_CORPUS / "manifest.json").read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]  # no temp file left


def test_page_at_counts_from_one_and_needs_pages():
    meta = DocumentMeta(file="r.pdf.txt", title="R", pages=[0, 10, 25])
    assert meta.pages == (0, 10, 25)
    assert [meta.page_at(o) for o in (0, 9, 10, 24, 25, 999)] == [1, 1, 2, 2, 3, 3]
    assert DocumentMeta(file="a.txt", title="A").page_at(5) is None


@pytest.mark.parametrize("date, year, month", [("2006-04", "2006", "April"), ("2008-01-15", "2008", "January"),
                                               ("2013", "2013", ""), ("", "", ""), ("2006-13", "2006", "")])
def test_a_documents_year_and_month_are_read_from_its_date(date, year, month):
    meta = DocumentMeta(file="a.txt", title="A", date=date)
    assert (meta.year, meta.month) == (year, month)


def test_manifest_entry_round_trips_and_omits_empty_optional_keys():
    plain = DocumentMeta(file="a.txt", title="A")
    assert set(plain.to_dict()) == {"file", "title", "organisation", "date", "language"}
    paged = DocumentMeta(file="r.pdf.txt", title="R", source="r.pdf", pages=(0, 7))
    assert DocumentMeta(**json.loads(json.dumps(paged.to_dict()))) == paged


@pytest.mark.parametrize("pages", [[3, 10], [0, 10, 5], [0, 1.5]])
def test_bad_pages_in_the_manifest_are_named(tiny_corpus, pages):
    (tiny_corpus / "manifest.json").write_text(json.dumps(
        {"documents": [{"file": "alpha.txt", "title": "A", "pages": pages}]}), encoding="utf-8")
    with pytest.raises(CorpusError, match="manifest.*pages of alpha.txt"):
        load_corpus(tiny_corpus)


def test_an_original_named_as_source_is_not_read_as_a_document(tiny_corpus):
    (tiny_corpus / "notes.md").write_text("# Notes\n\nRaw markdown.\n", encoding="utf-8")
    (tiny_corpus / "notes.md.txt").write_text("# Notes\n\nExtracted text.\n", encoding="utf-8")
    assert "notes.md" in {d.name for d in load_corpus(tiny_corpus)}  # no manifest entry yet
    metas = read_manifest(tiny_corpus)
    write_manifest(tiny_corpus, [*metas.values(), DocumentMeta(file="notes.md.txt", title="Notes",
                                                               source="notes.md")])
    names = {d.name for d in load_corpus(tiny_corpus)}
    assert "notes.md.txt" in names and "notes.md" not in names
