"""Adding and removing users' own documents: answers cite the right file and page, the index
updates incrementally, and a failed change leaves the corpus and the index as they were."""

import json
import shutil

import pytest
from make_docs import make_docx, make_encrypted_pdf, make_html, make_pdf, report_pages

from qa.assistant import Assistant
from qa.cli import main
from qa.corpus import load_corpus
from qa.documents import add_documents, list_documents, remove_document
from qa.errors import CorpusError, QAError
from qa.index import Index
from qa.retrieve import Retriever, build_index, open_index


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    return [make_pdf(folder / "survey.pdf"), make_docx(folder / "care.docx"), make_html(folder / "fishing.html")]


def test_added_pdf_docx_and_html_are_answered_with_file_and_page(tiny_settings, files):
    build_index(tiny_settings)
    change = add_documents(files, tiny_settings)
    new = [s for s in change.index.sentences if s.doc.endswith((".pdf.txt", ".docx.txt", ".html.txt"))]
    assert change.reused == 2 and len(new) < change.embedded < len(change.index.sentences)
    assert [m.file for m in change.documents] == ["survey.pdf.txt", "care.docx.txt", "fishing.html.txt"]
    assistant = Assistant(tiny_settings)
    for question, doc, page, words in [
        ("What was the median hourly wage of harbour workers in 2021?", "survey.pdf.txt", 3, "EUR 7.40"),
        ("How much do landlords charge per month for one bed?", "survey.pdf.txt", 2, "EUR 310"),
        ("How many working hours per week did live-in care workers report?", "care.docx.txt", None, "68"),
        ("What share of migrant fishers had a written contract?", "fishing.html.txt", None, "23 per cent"),
    ]:
        answer = assistant.ask(question)
        cited = answer.citations[0]
        assert (cited.doc, cited.page) == (doc, page) and words in cited.quote, question
        assert assistant.document_text(cited.doc)[cited.start:cited.end] == cited.quote
        assert answer.to_dict()["citations"][0]["page"] == page
    assert assistant.documents[3].title == "Fishing Crews Report"  # sorted by file name


def test_the_assistant_answers_from_a_document_added_while_it_runs(tiny_settings, files):
    assistant = Assistant(tiny_settings)
    question = "What was the median hourly wage of harbour workers in 2021?"
    assert assistant.ask(question).citations[0].doc != "survey.pdf.txt"
    change = assistant.add_documents(files[:1], organisation="Harbour Network")
    assert change.documents[0].organisation == "Harbour Network"
    assert assistant.ask(question).citations[0].page == 3


def test_remove_embeds_nothing_and_keeps_the_others(tiny_settings, files):
    build_index(tiny_settings)
    add_documents(files, tiny_settings)
    change = remove_document("survey.pdf", tiny_settings)
    assert change.embedded == 0 and change.reused == 4
    assert not (tiny_settings.corpus_dir / "survey.pdf").exists()
    assert not (tiny_settings.corpus_dir / "survey.pdf.txt").exists()
    assert [m.file for m in list_documents(tiny_settings)] == ["alpha.txt", "beta.txt", "care.docx.txt",
                                                               "fishing.html.txt"]
    Index.load(tiny_settings.index_dir, load_corpus(tiny_settings.corpus_dir), "hash-384")


def test_cli_adds_lists_and_removes(tiny_settings, files, capsys, monkeypatch):
    monkeypatch.setenv("QA_EMBEDDER", "hash")
    common = ["--corpus", str(tiny_settings.corpus_dir), "--index", str(tiny_settings.index_dir)]
    assert main(["corpus", "add", str(files[0]), "--title", "Harbour Survey", "--date", "2021", *common]) == 0
    out = capsys.readouterr().out
    assert "added survey.pdf as survey.pdf.txt: Harbour Survey, 3 pages" in out and "embedded" in out
    assert main(["corpus", "list", "--json", *common]) == 0
    listed = {e["file"]: e for e in json.loads(capsys.readouterr().out)}
    assert listed["survey.pdf.txt"]["source"] == "survey.pdf" and listed["survey.pdf.txt"]["date"] == "2021"
    assert main(["ask", "What was the median hourly wage of harbour workers in 2021?", *common]) == 0
    assert "Harbour Survey · page 3" in capsys.readouterr().out
    assert main(["corpus", "remove", "survey.pdf.txt", *common]) == 0
    assert "removed survey.pdf.txt" in capsys.readouterr().out
    assert main(["corpus", "list", *common]) == 0
    assert capsys.readouterr().out.splitlines() == ["alpha.txt  Remittances Note (Alpha Centre, 2010)",
                                                    "beta.txt  beta"]


def _snapshot(settings):
    """Every file of the corpus and index folders, with its bytes."""
    return {str(p): p.read_bytes() for folder in (settings.corpus_dir, settings.index_dir)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case, message", [
    ("encrypted", "locked.pdf is protected by a password"),
    ("same name", "survey.pdf is already in the corpus"),
    ("same text", "copy.pdf has the same text as survey.pdf.txt"),
    ("unsupported", "notes.odt is a .odt file"),
    ("too large", "care.docx is 0.0 MB, over the 0 MB limit"),
    ("one bad of two", "fishing.html has no text"),
    ("title for two", "describes one file"),
    ("remove unknown", "no document named nothing.pdf"),
])
def test_errors_name_the_file_and_change_nothing(tiny_settings, files, tmp_path, capsys, monkeypatch,
                                                 case, message):
    monkeypatch.setenv("QA_EMBEDDER", "hash")
    common = ["--corpus", str(tiny_settings.corpus_dir), "--index", str(tiny_settings.index_dir)]
    assert main(["corpus", "add", str(files[0]), *common]) == 0
    capsys.readouterr()
    pdf, docx, html = files
    args = {
        "encrypted": lambda: ["add", str(make_encrypted_pdf(tmp_path / "locked.pdf", pdf))],
        "same name": lambda: ["add", str(pdf)],
        "same text": lambda: ["add", str(pdf.rename(pdf.with_name("copy.pdf")))],
        "unsupported": lambda: ["add", str(_write(tmp_path / "notes.odt", b"PK"))],
        "too large": lambda: ["add", str(docx)],
        "one bad of two": lambda: ["add", str(docx), str(_write(html, b"<html><nav>menu</nav></html>"))],
        "title for two": lambda: ["add", str(docx), str(html), "--title", "T"],
        "remove unknown": lambda: ["remove", "nothing.pdf"],
    }[case]()
    monkeypatch.setenv("QA_MAX_DOCUMENT_MB", "0" if case == "too large" else "50")
    before = _snapshot(tiny_settings)
    assert main(["corpus", *args, *common]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qa: error: ") and message in err and err.count("\n") == 1, err
    assert _snapshot(tiny_settings) == before


def test_a_failed_index_save_puts_the_corpus_back(tiny_settings, files, monkeypatch):
    build_index(tiny_settings)
    before = _snapshot(tiny_settings)

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("qa.index._write_json", full_disk)
    with pytest.raises(QAError, match="No space left"):
        add_documents(files, tiny_settings)
    assert _snapshot(tiny_settings) == before


def test_the_last_document_stays(tiny_settings):
    build_index(tiny_settings)
    remove_document("alpha.txt", tiny_settings)
    with pytest.raises(CorpusError, match="beta.txt is the last document"):
        remove_document("beta.txt", tiny_settings)


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.model
def test_real_model_adds_a_50_page_pdf_to_the_bundled_corpus_without_a_rebuild(bundled_settings, tmp_path):
    open_index(bundled_settings)  # the bundled index, built once if missing, as other model tests do
    settings = bundled_settings.with_(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    shutil.copytree(bundled_settings.corpus_dir, settings.corpus_dir)  # never touch the bundled corpus
    shutil.copytree(bundled_settings.index_dir, settings.index_dir)
    pdf = make_pdf(tmp_path / "annual-report.pdf", report_pages(50), title="Annual Report 2023",
                   author="Seasonal Workers Network")
    change = add_documents([pdf], settings)
    new = sum(s.doc == "annual-report.pdf.txt" for s in change.index.sentences)
    print(f"\n50-page PDF added in {change.seconds} s: {change.embedded} texts embedded "
          f"({new} sentences of the PDF), {len(change.index.sentences)} sentences in the index")
    assert change.reused == 5 and new <= change.embedded <= new + 50
    assert change.seconds < 120  # a full rebuild embeds all ~8,700 texts
    assistant = Assistant(settings, retriever=Retriever(settings=settings, index=change.index))
    answer = assistant.ask("How many newly arrived workers did the Eastbridge welcome centre register in 2013?")
    cited = answer.citations[0]
    assert (cited.doc, cited.page, cited.title) == ("annual-report.pdf.txt", 37, "Annual Report 2023")
    assert "4,589" in cited.quote and assistant.document_text(cited.doc)[cited.start:cited.end] == cited.quote
