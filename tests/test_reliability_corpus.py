"""Bad corpora: each problem is one clear message naming the file, through the library, the
CLI and the app; a corpus changed after indexing is detected by the manifest, file by file.

(Empty, non-UTF-8 and binary files and duplicates in the library: see test_index.py.)
"""

from __future__ import annotations

import json

import pytest

import app_gradio
from qa.assistant import Assistant
from qa.cli import main
from qa.corpus import load_corpus
from qa.errors import CorpusError, StaleIndexError
from qa.index import Index
from qa.retrieve import build_index

FACT = "The Zubair Fund sends EUR 7,000 per year to Djibouti"
FILLER = ("migrants send money home through banks and money transfer operators, and the fees they pay "
          "depend on the corridor and on competition, see the annex .......... 12, ")


def cli(capsys, settings, *args: str) -> tuple[int, str, str]:
    """``qa ARGS`` in-process on the settings' corpus and index; (exit code, stdout, stderr)."""
    code = main([*args, "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(autouse=True)
def hash_embedder(monkeypatch):
    monkeypatch.setenv("QA_EMBEDDER", "hash")


def test_a_huge_single_line_is_indexed_and_quoted(tiny_settings):
    line = FILLER * 2500 + FACT + ", " + FILLER * 2500  # about 1 MB, no line break, dot leaders in it
    (tiny_settings.corpus_dir / "huge.txt").write_text(line, encoding="utf-8")
    index = build_index(tiny_settings, progress=False)
    sentences = [s for s in index.sentences if s.doc == "huge.txt"]
    assert len(sentences) > 1000 and all(0 < s.end - s.start <= 600 for s in sentences)
    answer = Assistant(tiny_settings).ask("How much does the Zubair Fund send to Djibouti per year?")
    assert answer.citations[0].doc == "huge.txt" and "EUR 7,000" in answer.citations[0].quote
    assert line[answer.citations[0].start:answer.citations[0].end] == answer.citations[0].quote


BAD_FILES = [
    ("empty.txt", b"", "empty.txt is empty"),
    ("blank.txt", b" \n\n\t\n", "blank.txt is empty"),
    ("latin1.txt", "Migração e remessas".encode("latin-1"), "latin1.txt is not UTF-8 (bad byte at offset 5)"),
    ("binary.txt", bytes(range(256)) * 4, "binary.txt looks binary"),
    ("copy.txt", None, "copy.txt has the same text as alpha.txt"),
    ("furniture.txt", b"12\n\n13\n\nContents ........ 4\n", "furniture.txt has no sentences to index"),
]


@pytest.mark.parametrize("name, content, message", BAD_FILES, ids=[f[0] for f in BAD_FILES])
def test_bad_files_are_named_in_one_line(tiny_settings, capsys, name, content, message):
    if content is None:
        content = (tiny_settings.corpus_dir / "alpha.txt").read_bytes()
    (tiny_settings.corpus_dir / name).write_bytes(content)
    for command in (["index", "build"], ["ask", "How much does HIRDA send to Somalia?"]):
        code, out, err = cli(capsys, tiny_settings, *command)
        error = err.splitlines()[-1]  # `ask` may first say that it builds the index
        assert code == 2 and out == "" and error.startswith("qa: error: ") and message in error, err
        assert "Traceback" not in err


@pytest.mark.parametrize("manifest, message", [
    ("{not json", "is not a valid manifest"),
    (json.dumps({"documents": [{"file": "alpha.txt", "colour": "red"}]}), "is not a valid manifest"),
    (json.dumps({"documents": "alpha.txt"}), "is not a valid manifest"),
    (None, "cannot read"),  # manifest.json is a folder
])
def test_bad_manifest_is_named(tiny_settings, capsys, manifest, message):
    path = tiny_settings.corpus_dir / "manifest.json"
    if manifest is None:
        path.unlink()
        path.mkdir()
    else:
        path.write_text(manifest, encoding="utf-8")
    code, _, err = cli(capsys, tiny_settings, "index", "build")
    assert code == 2 and err.count("\n") == 1 and message in err and "manifest.json" in err


@pytest.mark.parametrize("change", ["removed", "added", "changed"])
def test_a_corpus_changed_after_indexing_is_detected_by_file(tiny_settings, capsys, change):
    build_index(tiny_settings, progress=False)
    folder = tiny_settings.corpus_dir
    if change == "removed":
        (folder / "alpha.txt").unlink()
        name = "alpha.txt"
    elif change == "added":
        (folder / "gamma.txt").write_text("Diaspora bonds raised money for roads.\n", encoding="utf-8")
        name = "gamma.txt"
    else:
        (folder / "beta.txt").write_text("The board meets four times a year.\n", encoding="utf-8")
        name = "beta.txt"
    with pytest.raises(StaleIndexError, match=f"corpus changed.*\\({name}\\).*qa index build"):
        Index.load(tiny_settings.index_dir, load_corpus(folder), "hash-384")
    code, out, err = cli(capsys, tiny_settings, "ask", "How much does HIRDA send to Somalia?", "--json")
    assert code == 0 and f"({name})" in err and "building the index now" in err
    cited = {c["doc"] for c in json.loads(out)["citations"]}
    assert cited <= {p.name for p in folder.glob("*.txt")}


def test_the_app_refuses_to_start_on_a_bad_corpus_in_one_line(tiny_settings, monkeypatch):
    (tiny_settings.corpus_dir / "binary.txt").write_bytes(b"\x00\x01\x02")
    monkeypatch.setenv("QA_CORPUS_DIR", str(tiny_settings.corpus_dir))
    monkeypatch.setenv("QA_INDEX_DIR", str(tiny_settings.index_dir))
    with pytest.raises(SystemExit, match=r"^error: binary.txt looks binary.*convert it to UTF-8"):
        app_gradio.main()


def test_a_missing_corpus_folder_is_named(tmp_path):
    with pytest.raises(CorpusError, match="does not exist or is not a folder"):
        load_corpus(tmp_path / "nowhere")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(CorpusError, match="file.txt does not exist or is not a folder"):
        load_corpus(tmp_path / "file.txt")
