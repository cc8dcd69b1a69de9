"""Users' own documents: add files of any supported type to a corpus, remove them, list them.

An added ``report.pdf`` is copied into the corpus folder with its extracted text beside it as
``report.pdf.txt`` (a ``.txt`` file is its own text); the manifest entry names both, with the
page offsets and the metadata read from the file (editable afterwards in ``manifest.json``).
Citations name the text file, whose offsets never change.

A change is all or nothing. Every file is extracted and checked and the new index built in
memory first; only then are the corpus files and manifest written and the index saved (itself
atomically). If writing or saving fails, the corpus is put back as it was, so nothing already
indexed is lost. The index is updated incrementally: documents already indexed keep their
vectors (:meth:`qa.index.Index.build` with ``reuse``), so only the new document is embedded,
and any document whose acronyms the new one spells out otherwise.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .corpus import MANIFEST, load_corpus, read_manifest, write_manifest
from .embed import get_embedder
from .errors import CorpusError, IndexLoadError
from .files import atomic_write
from .index import Index
from .ingest import extract
from .settings import Settings
from .types import Document, DocumentMeta


@dataclass(frozen=True)
class Change:
    """What adding or removing documents did.

    Attributes:
        documents: the entries added or removed.
        index: the index now live (saved in the settings' index folder).
        embedded: how many texts (sentences and section titles) were embedded.
        reused: how many documents kept their vectors from the previous index.
        seconds: wall time of the whole change, extraction and saving included.
    """

    documents: tuple[DocumentMeta, ...]
    index: Index
    embedded: int
    reused: int
    seconds: float


def list_documents(settings: Settings) -> list[DocumentMeta]:
    """The manifest entries of the settings' corpus, in file order."""
    return [doc.meta for doc in load_corpus(settings.corpus_dir)]


def add_documents(paths: Sequence[Path | str], settings: Settings, title: str = "",
                  organisation: str = "", date: str = "", progress: bool = False) -> Change:
    """Add files to the corpus and update the index.

    Args:
        paths: ``.pdf``, ``.docx``, ``.html``/``.htm``, ``.md`` or ``.txt`` files.
        settings: the corpus and index folders, the embedder and the size limit.
        title, organisation, date: override what the file says (one file only).
        progress: show a progress bar while embedding.

    Raises:
        CorpusError: naming the file, when it cannot be read, is too large, or is already in
            the corpus (same name or same text); nothing is changed then.
    """
    started = time.perf_counter()
    folder = settings.corpus_dir
    if not paths:
        raise CorpusError("no files given; name the documents to add")
    if (title or organisation or date) and len(paths) != 1:
        raise CorpusError("a title, organisation or date describes one file; add the files one at a time")
    docs = load_corpus(folder)
    taken = {p.name for p in folder.iterdir()}
    seen = {d.sha256: d.name for d in docs}
    added: list[tuple[Document, bytes]] = []  # and the original file's bytes
    for path in map(Path, paths):
        name = path.name if path.suffix.lower() == ".txt" else f"{path.name}.txt"
        if {path.name, name} & taken:
            raise CorpusError(f"{path.name} is already in the corpus {folder}; rename the file, or "
                              f"remove the old one first: qa corpus remove {path.name}")
        got = extract(path, settings.max_document_mb)
        meta = DocumentMeta(file=name, title=title or got.title, organisation=organisation or got.organisation,
                            date=date or got.date, source="" if name == path.name else path.name,
                            pages=got.pages or ())
        doc = Document(name=name, text=got.text, meta=meta)
        if doc.sha256 in seen:
            raise CorpusError(f"{path.name} has the same text as {seen[doc.sha256]}, already in the corpus; "
                              "there is no need to add it again")
        taken |= {path.name, name}
        seen[doc.sha256] = path.name
        added.append((doc, _io(path.read_bytes) if meta.source else b""))

    def edit(corpus: _Edit) -> None:
        for doc, original in added:
            corpus.write(doc.name, doc.text.encode("utf-8"))
            if doc.meta.source:
                corpus.write(doc.meta.source, original)
        corpus.manifest([*read_manifest(folder).values(), *(doc.meta for doc, _ in added)])

    after = sorted(docs + [doc for doc, _ in added], key=lambda d: d.name)  # load_corpus's order
    return _change(settings, docs, after, edit, tuple(doc.meta for doc, _ in added), started, progress)


def remove_document(name: str, settings: Settings, progress: bool = False) -> Change:
    """Remove a document (by its file or original name) from the corpus and update the index.

    Raises:
        CorpusError: no such document, or it is the last one; nothing is changed then.
    """
    started = time.perf_counter()
    folder = settings.corpus_dir
    docs = load_corpus(folder)
    gone = next((d for d in docs if name and name in (d.name, d.meta.source)), None)
    if gone is None:
        raise CorpusError(f"no document named {name} in {folder}; see the names with: qa corpus list")
    if len(docs) == 1:
        raise CorpusError(f"{name} is the last document of {folder}; add another one before removing it")

    def edit(corpus: _Edit) -> None:
        corpus.manifest([m for m in read_manifest(folder).values() if m.file != gone.name])
        for file in filter(None, (gone.name, gone.meta.source)):
            corpus.delete(file)

    after = [d for d in docs if d is not gone]
    return _change(settings, docs, after, edit, (gone.meta,), started, progress)


def _change(settings: Settings, before: list[Document], after: list[Document],
            edit: Callable[[_Edit], None], documents: tuple[DocumentMeta, ...], started: float,
            progress: bool) -> Change:
    """Build the index of ``after`` reusing the live one, then edit the corpus and save, or undo."""
    embedder = get_embedder(settings.embedder)
    try:
        live = Index.load(settings.index_dir, before, embedder.model_id)
    except IndexLoadError as exc:  # no usable index: everything is embedded, as open_index would
        print(f"qa: {exc}; building the whole index now...", file=sys.stderr)
        live = None
    index = Index.build(after, embedder, settings.passage_chars, settings.faiss_factory,
                        progress=progress, reuse=live, nprobe=settings.faiss_nprobe)
    corpus = _Edit(settings.corpus_dir)
    try:
        edit(corpus)
        index.save(settings.index_dir)
    except BaseException:
        corpus.undo()
        raise
    return Change(documents, index, index.manifest["embedded"], index.manifest["reused_documents"],
                  round(time.perf_counter() - started, 2))


class _Edit:
    """Changes to a corpus folder that can be undone: files written or deleted, manifest replaced."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._undo: list[Callable[[], None]] = []

    def write(self, name: str, data: bytes) -> None:
        path = self.folder / name
        self._undo.append(lambda: path.unlink(missing_ok=True))
        _io(atomic_write, path, data)

    def delete(self, name: str) -> None:
        path = self.folder / name
        data = _io(path.read_bytes)
        _io(path.unlink)
        self._undo.append(lambda: path.write_bytes(data))

    def manifest(self, metas: list[DocumentMeta]) -> None:
        path = self.folder / MANIFEST
        old = path.read_bytes() if path.exists() else None
        self._undo.append(lambda: path.write_bytes(old) if old is not None else path.unlink(missing_ok=True))
        write_manifest(self.folder, metas)

    def undo(self) -> None:
        for step in reversed(self._undo):
            try:
                step()
            except OSError:  # put back what can be; the error being raised says what went wrong
                pass


def _io(action: Callable, *args: object):
    """Run a file operation; an OSError becomes a CorpusError naming the file and the fix."""
    try:
        return action(*args)
    except OSError as exc:
        raise CorpusError(f"cannot {action.__name__.removeprefix('atomic_').replace('_', ' ')} {exc.filename}: {exc.strerror}; "
                          "check the file's permissions and the free space") from exc
