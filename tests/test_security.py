"""Security: markup shows as text, no parameter that names a file reaches outside its folder,
the app binds to loopback, nothing executable is loaded from an index, and fuzzed questions
and texts never raise anything but the library's own errors."""

from __future__ import annotations

import json
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from conftest import TINY_DOCS, hash_settings
from conftest_app import FakeAssistant, respond, serve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import app_gradio
import qa.index
from qa import render
from qa.acronyms import expand
from qa.assistant import Assistant
from qa.chunk import chunk
from qa.corpus import load_corpus
from qa.errors import CorpusError, IndexLoadError, QAError, QuestionError
from qa.index import CURRENT, MANIFEST, Index
from qa.question import check_question, is_follow_up, matches, parse, short_answer
from qa.read import key_words
from qa.retrieve import Retriever, build_index
from qa.segment import segment
from qa.settings import PROJECT_ROOT
from qa.terms import content_terms

EVIL = '<img src=x onerror="window.pwned=1"><script>alert(1)</script>'
OUTSIDE = ["../../../../etc/passwd", "/etc/passwd", "alpha.txt/../../../../etc/passwd", "..", "", "\x00"]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT = st.text(alphabet=st.characters(exclude_categories=()) | st.sampled_from(list("HIRDA Somalia?.\n\x00\u202e")),
               max_size=300)  # every code point, lone surrogates included
WORDS = sorted(set(re.findall(r"\S+", " ".join(TINY_DOCS.values())))) + ["and", "what", "how", "the", "?", "💸"]
MOSTLY_WORDS = st.lists(st.sampled_from(WORDS) | st.text(max_size=3), max_size=25).map(" ".join)


@pytest.fixture(scope="module")
def assistant(tiny_built) -> Assistant:
    return Assistant(tiny_built, retriever=Retriever(settings=tiny_built, auto_build=False))


# --- markup ---------------------------------------------------------------------------------------

def test_markup_in_file_names_titles_texts_and_questions_is_text(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = f"{EVIL.replace('/', '')}.txt"
    (corpus / name).write_text(f"Remittance fees\n\nHIRDA sends EUR 200,000 per year to Somalia {EVIL}.\n",
                               encoding="utf-8")
    (corpus / "manifest.json").write_text(json.dumps({"documents": [
        {"file": name, "title": EVIL, "organisation": EVIL, "date": "2010"}]}), encoding="utf-8")
    settings_ = hash_settings(tmp_path, corpus=corpus)
    assistant = Assistant(settings_)
    demo = app_gradio.build_demo(assistant, settings_)
    *_, (_, chat, _, _, _) = respond(demo, f"How much does HIRDA send to Somalia? {EVIL}")
    pages = [m["content"] for m in chat] + [render.documents_html(assistant.documents)]
    for page in pages:
        assert not re.search(r"<(img|script)", page, re.I) and "&lt;script&gt;" in page


# --- names of files --------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["file", "source"])
def test_manifest_entries_never_name_files_outside_the_corpus(tiny_corpus, key):
    for bad in ["../../../../etc/passwd", "/etc/passwd", "alpha.txt/../../../../etc/passwd", ".."]:
        entry = {"file": "alpha.txt", "title": "Alpha", key: bad}
        (tiny_corpus / "manifest.json").write_text(json.dumps({"documents": [entry]}), encoding="utf-8")
        with pytest.raises(CorpusError, match="not a file of the corpus folder"):
            load_corpus(tiny_corpus)


def test_removing_a_blank_name_removes_nothing(tiny_corpus):
    from qa.documents import remove_document

    with pytest.raises(CorpusError, match="no document named"):
        remove_document("", hash_settings(tiny_corpus.parent, tiny_corpus))
    assert sorted(p.name for p in tiny_corpus.iterdir()) == ["alpha.txt", "beta.txt", "manifest.json"]


@pytest.mark.parametrize("name", OUTSIDE)
def test_document_text_takes_only_corpus_names(assistant, name):
    with pytest.raises(QAError, match="no document named"):
        assistant.document_text(name)


def test_index_manifest_cannot_name_files_outside_its_build(built_copy, monkeypatch):
    settings_, build = built_copy
    manifest = json.loads((build / MANIFEST).read_text())
    manifest["files"]["../../../../etc/passwd"] = "0" * 64
    (build / MANIFEST).write_text(json.dumps(manifest))
    opened: list[Path] = []
    real = qa.index._sha256
    monkeypatch.setattr(qa.index, "_sha256", lambda path: opened.append(path) or real(path))
    with pytest.raises(IndexLoadError, match="do not match its manifest"):
        Index.load(settings_.index_dir, load_corpus(settings_.corpus_dir), "hash-384")
    assert all(build in p.resolve().parents for p in opened)


def test_a_build_leaves_other_files_in_the_index_folder_alone(tiny_settings):
    folder = tiny_settings.index_dir
    for path in ("build-notes/keep.txt", ".build-cache/keep.txt", "notes.txt", "build-1.txt"):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text("mine")
    for _ in range(2):
        build_index(tiny_settings, progress=False)
    assert all((folder / p).read_text() == "mine" for p in ("build-notes/keep.txt", ".build-cache/keep.txt",
                                                            "notes.txt", "build-1.txt"))


@pytest.fixture
def built_copy(tmp_path) -> tuple:
    settings_ = hash_settings(tmp_path)
    build_index(settings_, progress=False)
    return settings_, settings_.index_dir / (settings_.index_dir / CURRENT).read_text()


def test_the_app_serves_no_file_by_name(tiny_built):
    demo, url = serve(FakeAssistant())
    secret = tiny_built.corpus_dir / "alpha.txt"
    try:
        for name in [*OUTSIDE[:3], str(secret), str(PROJECT_ROOT / "qa" / "settings.py"), "..%2F..%2Fetc%2Fpasswd"]:
            for route in ("gradio_api/file=", "file=", "gradio_api/file/"):
                status, body = fetch(url + route + urllib.parse.quote(name, safe="%/"))
                assert status >= 400 or (b"root:" not in body and b"Himilo" not in body
                                         and b"PROJECT_ROOT" not in body), (route, name, status)
    finally:
        demo.close()


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_the_app_binds_to_loopback_unless_told_otherwise(monkeypatch):
    demo = app_gradio.build_demo(FakeAssistant())
    seen = {}
    monkeypatch.setattr(demo, "launch", lambda **kw: seen.update(kw) or (None, "url", None))
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    app_gradio.launch(demo)
    assert seen["server_name"] == "127.0.0.1"
    assert not seen.get("share")


# --- nothing executable in an index ------------------------------------------------------------------

class Payload:
    """Unpickling this would create a marker file: proof that code ran."""

    marker: Path

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_pickled_arrays_in_an_index_are_refused_not_run(built_copy, tmp_path):
    settings_, build = built_copy
    docs = load_corpus(settings_.corpus_dir)
    Payload.marker = tmp_path / "code-ran"
    arrays = sorted(p.relative_to(build).as_posix() for p in build.rglob("*.npy"))
    assert len(arrays) >= 5  # our vectors and sentences, the BM25 matrix
    pristine = {name: (build / name).read_bytes() for name in arrays}
    manifest = json.loads((build / MANIFEST).read_text())
    for name in arrays:
        # An attacker who can write the index can also fix its manifest's checksums.
        np.save(build / name, np.array([Payload()], dtype=object), allow_pickle=True)
        manifest["files"][name] = qa.index._sha256(build / name)
        (build / MANIFEST).write_text(json.dumps(manifest))
        with pytest.raises(IndexLoadError, match="unreadable"):
            Index.load(settings_.index_dir, docs, "hash-384")
        assert not Payload.marker.exists(), name
        (build / name).write_bytes(pristine[name])
        manifest["files"][name] = qa.index._sha256(build / name)


def test_index_files_hold_no_pickle_and_no_code_loads_one(built_copy):
    _, build = built_copy
    for path in build.rglob("*"):
        if path.is_file():
            head = path.read_bytes()[:200]
            assert not head.startswith(b"\x80") and b"'descr': '|O'" not in head, path
    source = "\n".join(p.read_text() for p in [*(PROJECT_ROOT / "qa").glob("*.py"), PROJECT_ROOT / "app_gradio.py"])
    assert not re.search(r"import pickle|pickle\.load|allow_pickle=True|torch\.load|joblib|marshal|shelve"
                         r"|(?<![.\w])eval\(|(?<![.\w])exec\(", source)  # not a model's .eval() mode switch
    assert all("allow_pickle=False" in call for call in re.findall(r"np\.load\([^)]*\)", source))


# --- fuzzing ------------------------------------------------------------------------------------

@FUZZ
@given(TEXT)
def test_fuzz_question_entry_points(text):
    try:
        checked = check_question(text, 200)
    except QuestionError:
        return
    assert checked == checked.strip() and 0 < len(checked) <= 200
    assert not any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in checked)
    question = parse(checked)
    assert question.kind in {"factoid", "list", "explain", "recommendation", "compare"}
    assert isinstance(is_follow_up(checked), bool) and isinstance(matches(question.expects, checked), bool)
    assert isinstance(short_answer(question.expects, checked, checked), str)
    key_words(checked, {"IOM": "International Organization for Migration"})
    expand(checked, {"IOM": "International Organization for Migration"})
    content_terms(checked)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MOSTLY_WORDS | TEXT)
def test_fuzz_asking(assistant, text):
    try:
        answer = assistant.ask(text)
    except QuestionError:
        return
    for c in answer.citations:
        assert assistant.document_text(c.doc)[c.start:c.end] == c.quote


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab .\n\n\t-*1IVCHAPTER:…")) | st.characters(), max_size=600),
       st.integers(min_value=100, max_value=400))
def test_fuzz_segment_and_chunk(text, size):
    passages, sentences = chunk("doc.txt", text, segment(text), size)
    for p in passages:
        assert 0 <= p.start < p.end <= len(text)
    for s in sentences:
        assert text[s.start:s.end] == text[s.start:s.end].strip() != ""
        assert passages[s.passage].start <= s.start < s.end <= passages[s.passage].end


@FUZZ
@given(st.binary(max_size=300))
def test_fuzz_corpus_files(data):
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "doc.txt").write_bytes(data)
        try:
            docs = load_corpus(folder)
        except CorpusError as error:
            assert "doc.txt" in str(error)
        else:
            assert docs[0].text == data.decode("utf-8")
