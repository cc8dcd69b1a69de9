"""Ingest: read a corpus folder (UTF-8 text files plus ``manifest.json``) into Documents.

Documents added from other formats (:mod:`qa.documents`) keep their original beside the
extracted text (``report.pdf`` and ``report.pdf.txt``); the manifest entry names both, and only
the text is read here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from .errors import CorpusError
from .files import atomic_write
from .types import Document, DocumentMeta

MANIFEST = "manifest.json"
SUFFIXES = (".txt", ".md")


def load_corpus(corpus_dir: Path | str) -> list[Document]:
    """Read every document of a corpus folder, sorted by file name.

    Args:
        corpus_dir: folder holding ``.txt``/``.md`` files and optionally ``manifest.json``
            (``{"documents": [{"file", "title", "organisation", "date", "language"}]}``, optionally
            with ``source`` and ``pages``, see :class:`DocumentMeta`); a file missing from the
            manifest is titled after its file name, and a file that is another entry's
            ``source`` is not read.

    Raises:
        CorpusError: the folder is missing or holds no documents, or a file is empty,
            binary, not UTF-8, or a duplicate of another file.
    """
    folder = Path(corpus_dir)
    if not folder.is_dir():
        raise CorpusError(f"corpus folder {folder} does not exist or is not a folder; "
                          "pass --corpus DIR with your documents")
    metas = read_manifest(folder)
    sources = {m.source for m in metas.values()} - set(metas)
    files = sorted(p for p in folder.iterdir()
                   if p.is_file() and p.suffix.lower() in SUFFIXES and p.name not in sources)
    if not files:
        raise CorpusError(f"corpus folder {folder} holds no .txt or .md documents; add some and rebuild")
    docs: list[Document] = []
    seen: dict[str, str] = {}
    for path in files:
        text = read_text(path)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest in seen:
            raise CorpusError(f"{path.name} has the same text as {seen[digest]}; remove one of them")
        seen[digest] = path.name
        meta = metas.get(path.name) or DocumentMeta(file=path.name, title=path.stem)
        docs.append(Document(name=path.name, text=text, meta=meta))
    return docs


def read_text(path: Path) -> str:
    """Read one document as UTF-8 text, rejecting empty and binary files with a clear message."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror}; check the file's permissions") from exc
    if b"\x00" in raw[:8192]:
        raise CorpusError(f"{path.name} looks binary (NUL bytes); convert it to UTF-8 text first")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path.name} is not UTF-8 (bad byte at offset {exc.start}); re-save it as UTF-8"
        ) from exc
    if not text.strip():
        raise CorpusError(f"{path.name} is empty; remove it or give it text")
    return text


def corpus_hash(docs: list[Document]) -> str:
    """A digest of names and texts: any change to the corpus changes it."""
    h = hashlib.sha256()
    for doc in docs:
        h.update(doc.name.encode("utf-8") + b"\0" + doc.sha256.encode("ascii") + b"\0")
    return h.hexdigest()


def read_manifest(folder: Path) -> dict[str, DocumentMeta]:
    """The manifest entries of a corpus folder by text file name, in manifest order."""
    path = folder / MANIFEST
    if not path.exists():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["documents"]
        metas = {e["file"]: DocumentMeta(**e) for e in entries}
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror}; check that it is a readable file") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise CorpusError(
            f"{path} is not a valid manifest ({exc}); expected "
            '{"documents": [{"file", "title", "organisation", "date", "language"}]}'
        ) from exc
    for meta in metas.values():
        for name in filter(None, (meta.file, meta.source)):
            if Path(name).name != name or name in (".", ".."):
                raise CorpusError(f"{path} names {name!r}, which is not a file of the corpus folder; "
                                  "give the bare file name")
    return metas


def write_manifest(folder: Path, metas: Iterable[DocumentMeta]) -> None:
    """Replace the folder's manifest atomically (temp file, then ``os.replace``), one entry a line."""
    lines = ",\n".join("    " + json.dumps(m.to_dict(), ensure_ascii=False) for m in metas)
    try:
        atomic_write(folder / MANIFEST, '{\n  "documents": [\n' + lines + "\n  ]\n}\n")
    except OSError as exc:
        raise CorpusError(f"cannot write {folder / MANIFEST}: {exc.strerror}; "
                          "check that the corpus folder is writable") from exc
