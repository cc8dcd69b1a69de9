"""Faults: a killed build, corrupted index files, a read-only or full index folder, racing builds.

After each fault the previous index still loads and answers exactly as before, or loading
fails with an :class:`IndexLoadError` saying how to rebuild and the rebuild answers exactly as
before: a fault never changes an answer and never loses the saved index.

Read-only folders are simulated: the tests run as root in CI, and root writes through
``chmod``. A folder under a regular file cannot be created (as a read-only mount would
refuse), and loading is shown to write nothing at all. A full disk is real where it can be:
writes are redirected to ``/dev/full``, which fails them with ENOSPC as a full disk does.
"""

from __future__ import annotations

import errno
import hashlib
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import CLI_TIMEOUT_S, cli_env, hash_settings

from qa.assistant import Assistant
from qa.errors import IndexLoadError, QAError
from qa.corpus import load_corpus
from qa.index import CURRENT, Index
from qa.retrieve import Retriever, build_index
from qa.settings import BUNDLED_CORPUS, PROJECT_ROOT, Settings

QUESTIONS = ("How much does HIRDA send to Somalia per year?", "When was the Business Advisory Board convened?",
             "What do money transfer operators charge in rural areas?", "What was the budget for 1999?")
DEV_FULL = Path("/dev/full")

# Runs `qa index build`, SIGKILLing itself just before or just after one call inside the build.
KILL_AT = """
import importlib, os, signal, sys
from qa.cli import main
module, name, when = sys.argv[1:4]
owner = importlib.import_module(module)
real = getattr(owner, name)
def die(*args, **kwargs):
    if when == "after":
        real(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
setattr(owner, name, die)
sys.exit(main(["index", "build"]))
"""
KILL_POINTS = [  # the steps of a build, in order
    ("qa.index", "segment", "before"),  # reading the corpus
    ("numpy", "save", "before"),  # the first file of the new build
    ("qa.index", "_write_json", "after"),  # the first JSON file written
    ("faiss", "write_index", "after"),
    ("qa.index", "_sha256", "before"),  # hashing files for the manifest
    ("os", "replace", "before"),  # the new build complete, not yet renamed
    ("os", "fsync", "after"),  # the new CURRENT written to a temporary file, not yet switched
    ("qa.index", "_remove_old_builds", "before"),  # switched, the old build not yet removed
]


def answers(settings: Settings) -> list[dict]:
    """Answers (without latency) from the saved index alone: never builds."""
    assistant = Assistant(settings, retriever=Retriever(settings=settings, auto_build=False))
    return [assistant.ask(q).to_dict() for q in QUESTIONS]


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file under a folder, by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def live_build(settings: Settings) -> Path:
    return settings.index_dir / (settings.index_dir / CURRENT).read_text()


def assert_intact(settings: Settings, before: list[dict]) -> None:
    """The saved index loads and answers as before; only the live build and the lock remain
    once a later build has cleaned up."""
    assert answers(settings) == before
    build_index(settings, progress=False)
    names = sorted(p.name for p in settings.index_dir.iterdir())
    assert names == sorted([CURRENT, ".lock", live_build(settings).name]), names
    assert answers(settings) == before


@pytest.fixture
def built(tmp_path) -> tuple[Settings, list[dict]]:
    """A saved tiny index and its answers."""
    settings = hash_settings(tmp_path)
    build_index(settings, progress=False)
    return settings, answers(settings)


def run_killed(settings: Settings, args: list[str], delay: float | None = None) -> int:
    """Run a build process (killed by itself, or by us after ``delay`` seconds); its exit code."""
    process = subprocess.Popen([sys.executable, *args], env=cli_env(settings), cwd=PROJECT_ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if delay is not None:
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
    return process.wait(timeout=CLI_TIMEOUT_S)


@pytest.mark.parametrize("module, name, when", KILL_POINTS, ids=[f"{w}-{m}.{n}" for m, n, w in KILL_POINTS])
def test_build_killed_at_each_step_keeps_the_index(built, module, name, when):
    settings, before = built
    assert run_killed(settings, ["-c", KILL_AT, module, name, when]) == -signal.SIGKILL
    assert_intact(settings, before)


def test_build_of_the_real_corpus_killed_at_random_times(tmp_path):
    settings = hash_settings(tmp_path, corpus=BUNDLED_CORPUS)
    started = time.perf_counter()
    assert run_killed(settings, ["-m", "qa.cli", "index", "build"]) == 0
    duration = time.perf_counter() - started
    before = answers(settings)
    docs = load_corpus(settings.corpus_dir)
    rng = random.Random(7)
    for _ in range(3):  # mostly inside segmenting, embedding and saving (imports take the first ~40%)
        code = run_killed(settings, ["-m", "qa.cli", "index", "build"], delay=rng.uniform(0.4, 1.0) * duration)
        assert code in (0, -signal.SIGKILL)
        Index.load(settings.index_dir, docs, "hash-384")  # verified file by file
    assert answers(settings) == before


# --- corrupted files -------------------------------------------------------------------------

def corruptions(path: Path) -> dict[str, bytes | None]:
    """Ways a file goes bad: the bytes it would hold afterwards (None: deleted)."""
    data = path.read_bytes()
    middle = len(data) // 2
    return {"truncated": data[:middle], "empty": b"", "deleted": None, "garbage appended": data + b"\x00junk",
            "byte flipped": data[:middle] + bytes([data[middle] ^ 0x55]) + data[middle + 1:]}


def test_every_corrupted_index_file_is_an_error_then_rebuilt(built, tmp_path):
    settings, before = built
    pristine = tmp_path / "pristine"
    shutil.copytree(settings.index_dir, pristine)
    files = [p.relative_to(pristine) for p in sorted(pristine.rglob("*")) if p.is_file() and p.name != ".lock"]
    assert len(files) >= 10  # CURRENT, manifest, vectors, FAISS, JSON, the BM25 files
    for relative in files:
        for how, data in corruptions(pristine / relative).items():
            shutil.rmtree(settings.index_dir)
            shutil.copytree(pristine, settings.index_dir)
            target = settings.index_dir / relative
            target.unlink() if data is None else target.write_bytes(data)
            try:
                after = answers(settings)
            except IndexLoadError as error:
                assert "qa index build" in str(error)
            else:  # only a harmless change to the manifest (a timing, say) may still load
                assert relative.name == "manifest.json" and after == before, f"{relative} {how}"
            Retriever(settings=settings)  # the rebuild path: auto_build
            assert answers(settings) == before, f"{relative} {how}"


@pytest.mark.parametrize("pointer", [b"", b"\xff\xfe\x00", b"../../etc", b"/etc", b".build-x", b"build-missing",
                                     b"build-\x00"])
def test_current_pointing_anywhere_else_is_an_error(built, pointer):
    settings, before = built
    (settings.index_dir / CURRENT).write_bytes(pointer)
    with pytest.raises(IndexLoadError, match="does not name a build.*qa index build"):
        answers(settings)
    Retriever(settings=settings)  # the rebuild path: auto_build
    assert answers(settings) == before


def test_an_unlisted_file_in_a_build_is_an_error(built):
    settings, _ = built
    (live_build(settings) / "extra.npy").write_bytes(b"\x93NUMPY")
    with pytest.raises(IndexLoadError, match="do not match its manifest"):
        answers(settings)


# --- read-only and full index folders ----------------------------------------------------------

def test_loading_and_answering_write_nothing(built):
    settings, before = built
    files = snapshot(settings.index_dir)
    assert answers(settings) == before
    assert snapshot(settings.index_dir) == files


def test_unwritable_index_folder_still_answers_from_memory(tiny_settings, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings = tiny_settings.with_(index_dir=blocker / "index")
    with pytest.raises(QAError, match="cannot write the index"):
        build_index(settings, progress=False)
    assistant = Assistant(settings)  # builds, cannot save, answers anyway
    assert "answering from the index built in memory" in capsys.readouterr().err
    assert assistant.ask(QUESTIONS[0]).citations
    assert blocker.read_text() == "not a folder"


def redirect_to_dev_full(monkeypatch, owner, name: str, arg: int, file: str) -> None:
    """Make ``owner.name`` write ``file`` to /dev/full (a real ENOSPC) instead."""
    real = getattr(owner, name)

    def writer(*args, **kwargs):
        if Path(args[arg]).name != file:
            return real(*args, **kwargs)
        if owner is np:  # np.save appends ".npy" to a path, so give it an open file
            with open(DEV_FULL, "wb") as f:
                return real(f, *args[1:], **kwargs)
        return real(*[type(a)(DEV_FULL) if i == arg else a for i, a in enumerate(args)], **kwargs)

    monkeypatch.setattr(owner, name, writer)


def fail(error: int):
    def failing(*_args, **_kwargs):
        raise OSError(error, "simulated")
    return failing


@pytest.mark.skipif(not DEV_FULL.exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fault", ["vectors", "bm25 scores", "json", "faiss", "fsync", "rename"])
def test_full_disk_keeps_the_previous_index(built, monkeypatch, fault):
    import faiss

    import qa.index

    settings, before = built
    files = snapshot(settings.index_dir)
    if fault == "vectors":
        redirect_to_dev_full(monkeypatch, np, "save", 0, "passage_vectors.npy")
    elif fault == "bm25 scores":  # bm25s writes with np.save too
        redirect_to_dev_full(monkeypatch, np, "save", 0, "data.csc.index.npy")
    elif fault == "json":
        redirect_to_dev_full(monkeypatch, qa.index, "_write_json", 0, "passages.json")
    elif fault == "faiss":  # FAISS loses a small file on a full disk without raising
        redirect_to_dev_full(monkeypatch, faiss, "write_index", 1, "passages.faiss")
    elif fault == "fsync":
        monkeypatch.setattr("os.fsync", fail(errno.ENOSPC))
    else:
        monkeypatch.setattr("os.replace", fail(errno.EXDEV))
    with pytest.raises(QAError, match="cannot write the index.*free some space"):
        build_index(settings, progress=False)
    assert snapshot(settings.index_dir) == files  # nothing left behind, nothing changed
    monkeypatch.undo()
    assert_intact(settings, before)


@pytest.mark.skipif(not DEV_FULL.exists(), reason="needs /dev/full")
def test_a_write_lost_without_an_error_never_goes_live(tmp_path, monkeypatch):
    import faiss

    corpus = tmp_path / "one"
    corpus.mkdir()
    (corpus / "one.txt").write_text("Remittances reached USD 325 billion in 2010.\n", encoding="utf-8")
    settings = hash_settings(tmp_path, corpus=corpus)
    build_index(settings, progress=False)
    files = snapshot(settings.index_dir)
    # A FAISS file smaller than its write buffer fails only when closed, which FAISS ignores.
    redirect_to_dev_full(monkeypatch, faiss, "write_index", 1, "passages.faiss")
    with pytest.raises(QAError, match="does not read back"):
        build_index(settings, progress=False)
    assert snapshot(settings.index_dir) == files


# --- racing builds --------------------------------------------------------------------------------

def test_racing_builds_and_loads_never_lose_the_index(built):
    settings, before = built
    errors: list[BaseException] = []
    start = threading.Barrier(6, timeout=60)

    def repeat(work):
        def run():
            try:
                start.wait()
                for _ in range(4):
                    work()
            except BaseException as error:  # collected and reported below
                errors.append(error)
        return threading.Thread(target=run)

    def read():
        assert answers(settings) == before

    threads = [repeat(lambda: build_index(settings, progress=False)) for _ in range(3)]
    threads += [repeat(read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert_intact(settings, before)
